"""The status workflow of DESIGN.md, checked cell by cell.

The table below is written out again from the design, not imported, so that a
change to tickets/workflow.py that drifts from the design fails here.
"""

from __future__ import annotations

import itertools

import pytest

from tests.factories import make_ticket
from tickets import services, workflow
from tickets.exceptions import InvalidTransition, TicketClosed, TicketNotFound
from tickets.models import Ticket, TicketEvent

STATUSES = ["new", "open", "pending", "resolved", "closed"]

DESIGN = {
    "staff": {
        "new": {"open", "pending", "resolved", "closed"},
        "open": {"pending", "resolved", "closed"},
        "pending": {"open", "resolved", "closed"},
        "resolved": {"open", "closed"},
        "closed": set(),
    },
    "reporter": {
        "new": {"resolved"},
        "open": {"resolved"},
        "pending": {"resolved"},
        "resolved": {"open"},
        "closed": set(),
    },
    "other_user": {status: set() for status in STATUSES},
}

CELLS = list(itertools.product(["staff", "reporter", "other_user"], STATUSES, STATUSES))


class _User:
    def __init__(self, pk, *, is_staff=False, is_active=True):
        self.pk = pk
        self.is_staff = is_staff
        self.is_active = is_active


class _Ticket:
    def __init__(self, reporter_id, status):
        self.reporter_id = reporter_id
        self.status = status


PERSONAS = {
    "staff": _User(99, is_staff=True),
    "reporter": _User(1),
    "other_user": _User(2),
}


@pytest.mark.parametrize(("role", "current", "target"), CELLS)
def test_the_table_matches_the_design(role, current, target):
    allowed = workflow.allowed_transitions(PERSONAS[role], _Ticket(1, current))
    assert (target in allowed) == (target in DESIGN[role][current])


def test_allowed_transitions_list_statuses_in_a_stable_order():
    staff = PERSONAS["staff"]
    assert workflow.allowed_transitions(staff, _Ticket(1, "new")) == (
        "open",
        "pending",
        "resolved",
        "closed",
    )


def test_an_inactive_staff_member_has_no_transitions():
    ghost = _User(99, is_staff=True, is_active=False)
    assert workflow.allowed_transitions(ghost, _Ticket(1, "open")) == ()


def test_staff_reporting_their_own_ticket_act_as_staff():
    staff = PERSONAS["staff"]
    assert workflow.role_of(staff, _Ticket(99, "open")) == workflow.Role.STAFF


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "current", "target"), CELLS)
def test_change_status_follows_the_table(role, current, target, reporter, other_user, agent):
    actor = {"staff": agent, "reporter": reporter, "other_user": other_user}[role]
    ticket = make_ticket(reporter, status=current)

    if role == "other_user":
        with pytest.raises(TicketNotFound):
            services.change_status(actor=actor, ticket=ticket, status=target)
    elif current == "closed":
        with pytest.raises(TicketClosed):
            services.change_status(actor=actor, ticket=ticket, status=target)
    elif target in DESIGN[role][current]:
        updated = services.change_status(actor=actor, ticket=ticket, status=target)
        assert updated.status == target
        assert updated.version == ticket.version + 1
        event = TicketEvent.objects.filter(ticket=ticket).latest("id")
        assert (event.kind, event.old_value, event.new_value, event.actor) == (
            "status_changed",
            current,
            target,
            actor,
        )
    else:
        with pytest.raises(InvalidTransition) as excinfo:
            services.change_status(actor=actor, ticket=ticket, status=target)
        assert set(excinfo.value.allowed) == DESIGN[role][current]

    if not (role != "other_user" and current != "closed" and target in DESIGN[role][current]):
        # A refused change writes nothing.
        unchanged = Ticket.objects.get(pk=ticket.pk)
        assert (unchanged.status, unchanged.version) == (current, ticket.version)
        assert not TicketEvent.objects.filter(ticket=ticket, kind="status_changed").exists()
