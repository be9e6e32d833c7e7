from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.factories import UserFactory
from tickets import services
from tickets.exceptions import NotAllowed
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_it_opens_a_new_ticket(reporter):
    ticket = services.report_issue(
        reporter=reporter, subject="VPN drops", description="Every hour.", priority="high"
    )
    ticket.refresh_from_db()
    assert ticket.reporter == reporter
    assert (ticket.subject, ticket.description) == ("VPN drops", "Every hour.")
    assert (ticket.status, ticket.priority, ticket.version) == ("new", "high", 1)
    assert ticket.assignee is None
    assert ticket.created_at == ticket.updated_at
    assert ticket.resolved_at is None and ticket.closed_at is None


def test_it_records_a_created_event(reporter):
    ticket = services.report_issue(reporter=reporter, description="Help")
    event = TicketEvent.objects.get(ticket=ticket)
    assert (event.kind, event.actor, event.new_value) == ("created", reporter, "new")


def test_priority_defaults_to_normal(reporter):
    ticket = services.report_issue(reporter=reporter, description="Help")
    assert ticket.priority == "normal"


def test_subject_defaults_to_the_first_line_of_the_description(reporter):
    ticket = services.report_issue(
        reporter=reporter, description="\n\n  Mail is down  \nsince this morning"
    )
    assert ticket.subject == "Mail is down"


def test_a_blank_subject_counts_as_none(reporter):
    ticket = services.report_issue(reporter=reporter, subject="   ", description="Mail is down")
    assert ticket.subject == "Mail is down"


def test_the_derived_subject_is_cut_to_200_characters(reporter):
    ticket = services.report_issue(reporter=reporter, description="x" * 500)
    assert ticket.subject == "x" * 200


def test_subject_and_description_are_kept_as_written(reporter):
    ticket = services.report_issue(
        reporter=reporter, subject="<b>Bold</b> & co", description="a\r\nb <script>"
    )
    ticket.refresh_from_db()
    assert ticket.subject == "<b>Bold</b> & co"
    assert ticket.description == "a\nb <script>"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": "   \n "}, "description"),
        ({"description": "x" * 20_001}, "description"),
        ({"description": "a\x00b"}, "description"),
        ({"description": 42}, "description"),
        ({"description": "ok", "subject": "s" * 201}, "subject"),
        ({"description": "ok", "subject": "two\nlines"}, "subject"),
        ({"description": "ok", "priority": "critical"}, "priority"),
    ],
)
def test_it_rejects_bad_input_and_writes_nothing(reporter, kwargs, field):
    with pytest.raises(ValidationError) as excinfo:
        services.report_issue(reporter=reporter, **kwargs)
    assert field in excinfo.value.message_dict
    assert not Ticket.objects.exists()
    assert not TicketEvent.objects.exists()


def test_the_longest_allowed_texts_are_accepted(reporter):
    ticket = services.report_issue(reporter=reporter, subject="s" * 200, description="d" * 20_000)
    ticket.refresh_from_db()
    assert len(ticket.subject) == 200 and len(ticket.description) == 20_000


def test_an_inactive_user_cannot_report():
    ghost = UserFactory(is_active=False)
    with pytest.raises(NotAllowed):
        services.report_issue(reporter=ghost, description="Boo")
    assert not Ticket.objects.exists()


def test_staff_open_a_ticket_for_someone_and_the_trail_names_them(reporter, agent):
    ticket = services.report_issue(actor=agent, reporter=reporter, description="Called in")
    assert ticket.reporter == reporter
    event = TicketEvent.objects.get(ticket=ticket)
    assert (event.kind, event.actor) == ("created", agent)


def test_an_end_user_cannot_open_a_ticket_for_someone_else(reporter, other_user):
    with pytest.raises(NotAllowed):
        services.report_issue(actor=other_user, reporter=reporter, description="In your name")
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("breaker", ["\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x85", "\x01"])
def test_a_subject_with_any_line_break_or_control_character_is_refused(reporter, breaker):
    with pytest.raises(ValidationError) as excinfo:
        services.report_issue(reporter=reporter, subject=f"one{breaker}two", description="ok")
    assert "single line" in excinfo.value.message_dict["subject"][0]


def test_a_derived_subject_stops_at_any_line_break(reporter):
    ticket = services.report_issue(reporter=reporter, description="first\u2028second\nthird")
    assert ticket.subject == "first"


def test_a_tab_in_the_subject_becomes_a_space(reporter):
    ticket = services.report_issue(reporter=reporter, subject="VPN\tdown", description="ok")
    assert ticket.subject == "VPN down"
