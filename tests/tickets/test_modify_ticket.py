from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.factories import UserFactory, make_ticket
from tickets import services
from tickets.exceptions import (
    InvalidTransition,
    NotAllowed,
    StaleVersion,
    TicketClosed,
    TicketNotFound,
)
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def events(ticket, kind=None):
    qs = TicketEvent.objects.filter(ticket=ticket).exclude(kind="created")
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.values_list("kind", "field", "old_value", "new_value"))


def test_reporter_edits_subject_and_description(reporter, ticket):
    updated = services.modify_ticket(
        actor=reporter, ticket=ticket, subject="New subject", description="New text"
    )
    assert (updated.subject, updated.description, updated.version) == (
        "New subject",
        "New text",
        2,
    )
    assert updated.updated_at > ticket.updated_at
    assert events(ticket) == [
        ("edited", "subject", "Printer on fire", "New subject"),
        ("edited", "description", "It smells of toner and regret.", "New text"),
    ]


def test_changing_nothing_writes_nothing(reporter, ticket):
    updated = services.modify_ticket(
        actor=reporter, ticket=ticket, subject=ticket.subject, description=ticket.description
    )
    assert updated.version == 1
    assert events(ticket) == []


def test_reporter_marks_their_ticket_solved(reporter, ticket):
    updated = services.modify_ticket(actor=reporter, ticket=ticket, status="resolved")
    assert updated.status == "resolved"
    assert updated.resolved_at is not None
    assert events(ticket) == [("status_changed", "", "new", "resolved")]


@pytest.mark.parametrize("field", ["priority", "assignee"])
def test_reporter_cannot_change_staff_fields(reporter, ticket, agent, field):
    value = {"priority": "urgent", "assignee": agent}[field]
    with pytest.raises(NotAllowed):
        services.modify_ticket(actor=reporter, ticket=ticket, **{field: value})
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.assignee, ticket.version) == ("normal", None, 1)


def test_staff_change_priority_and_assignee(agent, ticket):
    updated = services.modify_ticket(actor=agent, ticket=ticket, priority="urgent", assignee=agent)
    assert (updated.priority, updated.assignee, updated.version) == ("urgent", agent, 2)
    assert events(ticket) == [
        ("priority_changed", "", "normal", "urgent"),
        ("assigned", "", "", "sam"),
    ]


def test_staff_unassign(agent, reporter):
    ticket = make_ticket(reporter, assignee=agent)
    updated = services.modify_ticket(actor=agent, ticket=ticket, assignee=None)
    assert updated.assignee is None
    assert events(ticket) == [("assigned", "", "sam", "")]


def test_assignee_must_be_staff(agent, ticket, other_user):
    with pytest.raises(ValidationError) as excinfo:
        services.modify_ticket(actor=agent, ticket=ticket, assignee=other_user)
    assert "assignee" in excinfo.value.message_dict


def test_assignee_must_be_active(agent, ticket):
    from tests.factories import StaffFactory

    retired = StaffFactory(is_active=False)
    with pytest.raises(ValidationError):
        services.modify_ticket(actor=agent, ticket=ticket, assignee=retired)


def test_all_field_errors_are_reported_together_and_nothing_is_written(agent, ticket):
    with pytest.raises(ValidationError) as excinfo:
        services.modify_ticket(
            actor=agent, ticket=ticket, subject="x" * 201, priority="meh", description=""
        )
    assert set(excinfo.value.message_dict) == {"subject", "priority", "description"}
    ticket.refresh_from_db()
    assert ticket.version == 1 and events(ticket) == []


def test_a_refused_transition_writes_none_of_the_other_changes(reporter, ticket):
    with pytest.raises(InvalidTransition) as excinfo:
        services.modify_ticket(actor=reporter, ticket=ticket, subject="Changed", status="closed")
    assert excinfo.value.allowed == ("resolved",)
    ticket.refresh_from_db()
    assert (ticket.subject, ticket.status, ticket.version) == ("Printer on fire", "new", 1)
    assert events(ticket) == []


def test_unknown_fields_are_refused(agent, ticket):
    with pytest.raises(ValidationError) as excinfo:
        services.modify_ticket(actor=agent, ticket=ticket, reporter=agent, version=7)
    assert set(excinfo.value.message_dict) == {"reporter", "version"}


def test_a_closed_ticket_takes_no_edits(agent, reporter):
    ticket = make_ticket(reporter, status="closed")
    with pytest.raises(TicketClosed):
        services.modify_ticket(actor=agent, ticket=ticket, subject="Zombie")
    with pytest.raises(TicketClosed):
        services.modify_ticket(actor=reporter, ticket=ticket, subject="Zombie")


def test_a_stale_version_is_refused(reporter, agent, ticket):
    services.modify_ticket(actor=agent, ticket=ticket, priority="high")
    with pytest.raises(StaleVersion) as excinfo:
        services.modify_ticket(
            actor=reporter, ticket=ticket, expected_version=1, subject="From a stale page"
        )
    assert (excinfo.value.expected, excinfo.value.current) == (1, 2)
    ticket.refresh_from_db()
    assert ticket.subject == "Printer on fire"


def test_the_current_version_is_accepted(reporter, ticket):
    updated = services.modify_ticket(
        actor=reporter, ticket=ticket, expected_version=1, subject="Fresh"
    )
    assert updated.version == 2


def test_another_user_cannot_touch_the_ticket(other_user, ticket):
    with pytest.raises(TicketNotFound):
        services.modify_ticket(actor=other_user, ticket=ticket, subject="Mine now")
    ticket.refresh_from_db()
    assert ticket.subject == "Printer on fire"


def test_an_inactive_reporter_cannot_modify(reporter, ticket):
    reporter.is_active = False
    reporter.save()
    with pytest.raises(TicketNotFound):
        services.modify_ticket(actor=reporter, ticket=ticket, subject="Ghost")


def test_it_takes_a_ticket_id(reporter, ticket):
    updated = services.modify_ticket(actor=reporter, ticket=ticket.pk, subject="By id")
    assert updated.subject == "By id"


def test_a_missing_ticket_is_not_found(reporter):
    with pytest.raises(TicketNotFound):
        services.modify_ticket(actor=reporter, ticket=123456, subject="Nope")


def test_clearing_the_subject_derives_it_from_the_description(reporter, ticket):
    updated = services.modify_ticket(actor=reporter, ticket=ticket, subject="")
    assert updated.subject == "It smells of toner and regret."
    assert Ticket.objects.get(pk=ticket.pk).subject == updated.subject


def test_staff_who_are_not_the_reporter_can_edit(agent, ticket):
    updated = services.modify_ticket(actor=agent, ticket=ticket, subject="Triage")
    assert updated.subject == "Triage"


def test_a_user_who_was_staff_loses_staff_rights(reporter, ticket):
    ex_staff = UserFactory(is_staff=False)
    with pytest.raises(TicketNotFound):
        services.modify_ticket(actor=ex_staff, ticket=ticket, priority="low")


def test_a_reporter_may_send_staff_fields_back_unchanged(reporter, agent):
    ticket = make_ticket(reporter, assignee=agent, priority="high")
    updated = services.modify_ticket(
        actor=reporter, ticket=ticket, subject="Clearer", priority="high", assignee=agent
    )
    assert (updated.subject, updated.priority, updated.assignee) == ("Clearer", "high", agent)


@pytest.mark.parametrize("pk", [0, -5, 2**63, 10**30])
def test_ids_the_database_cannot_hold_are_not_found(reporter, pk):
    with pytest.raises(TicketNotFound):
        services.modify_ticket(actor=reporter, ticket=pk, subject="x")
