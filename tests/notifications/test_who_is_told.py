"""Every row of the notification table: who is told, and who is not."""

from __future__ import annotations

import pytest

from notifications import services as notification_services
from notifications.models import EmailDelivery
from tests.factories import StaffFactory, make_ticket
from tickets import services

pytestmark = pytest.mark.django_db


def test_a_new_ticket_tells_staff_who_opted_in(mail, reporter, agent, watcher):
    mail.during(lambda: services.report_issue(reporter=reporter, description="Help"))
    assert mail.recipients() == ["wes@example.com"]


def test_a_new_ticket_tells_nobody_when_nobody_opted_in(mail, reporter, agent):
    mail.during(lambda: services.report_issue(reporter=reporter, description="Help"))
    assert mail.recipients() == []


def test_staff_reporting_a_ticket_are_not_told_of_their_own(mail, watcher):
    mail.during(lambda: services.report_issue(reporter=watcher, description="Note to self"))
    assert mail.recipients() == []


def test_a_public_staff_reply_tells_the_reporter(mail, reporter, agent, ticket):
    mail.during(lambda: services.post_message(actor=agent, ticket=ticket, body="Try again?"))
    assert mail.recipients() == ["alice@example.com"]


@pytest.mark.parametrize("status", ["pending", "resolved", "closed"])
def test_a_status_change_to_pending_resolved_or_closed_tells_the_reporter(
    mail, reporter, agent, ticket, status
):
    mail.during(lambda: services.change_status(actor=agent, ticket=ticket, status=status))
    assert mail.recipients() == ["alice@example.com"]
    assert status.capitalize() in mail.last[0].body


def test_a_status_change_to_open_tells_nobody(mail, agent, ticket):
    mail.during(lambda: services.change_status(actor=agent, ticket=ticket, status="open"))
    assert mail.recipients() == []


def test_the_reporter_solving_their_own_ticket_is_not_told(mail, reporter, ticket):
    mail.during(lambda: services.change_status(actor=reporter, ticket=ticket, status="resolved"))
    assert mail.recipients() == []


def test_the_reporters_reply_tells_the_assignee(mail, reporter, agent, watcher):
    ticket = make_ticket(reporter, assignee=agent)
    mail.during(lambda: services.post_message(actor=reporter, ticket=ticket, body="More info"))
    assert mail.recipients() == ["sam@example.com"]


def test_the_reporters_reply_on_an_unassigned_ticket_tells_opted_in_staff(
    mail, reporter, agent, watcher, ticket
):
    mail.during(lambda: services.post_message(actor=reporter, ticket=ticket, body="Hello?"))
    assert mail.recipients() == ["wes@example.com"]


def test_an_internal_note_tells_the_assignee_and_never_the_reporter(
    mail, reporter, agent, other_agent
):
    ticket = make_ticket(reporter, assignee=agent)
    mail.during(
        lambda: services.post_message(
            actor=other_agent, ticket=ticket, body="Check DNS", is_internal=True
        )
    )
    assert mail.recipients() == ["sam@example.com"]


def test_an_internal_note_by_the_assignee_tells_nobody(mail, reporter, agent):
    ticket = make_ticket(reporter, assignee=agent)
    mail.during(
        lambda: services.post_message(actor=agent, ticket=ticket, body="memo", is_internal=True)
    )
    assert mail.recipients() == []


def test_assigning_tells_the_new_assignee(mail, agent, other_agent, ticket):
    mail.during(lambda: services.modify_ticket(actor=agent, ticket=ticket, assignee=other_agent))
    assert mail.recipients() == ["dana@example.com"]


def test_assigning_to_yourself_tells_nobody(mail, agent, ticket):
    mail.during(lambda: services.modify_ticket(actor=agent, ticket=ticket, assignee=agent))
    assert mail.recipients() == []


def test_unassigning_tells_nobody(mail, reporter, agent, other_agent):
    ticket = make_ticket(reporter, assignee=other_agent)
    mail.during(lambda: services.modify_ticket(actor=agent, ticket=ticket, assignee=None))
    assert mail.recipients() == []


def test_inactive_users_are_never_told(mail, reporter, agent, ticket):
    reporter.is_active = False
    reporter.save()
    mail.during(lambda: services.post_message(actor=agent, ticket=ticket, body="Hi"))
    assert mail.recipients() == []


def test_an_inactive_watcher_is_not_told(mail, reporter, watcher):
    watcher.is_active = False
    watcher.save()
    mail.during(lambda: services.report_issue(reporter=reporter, description="Help"))
    assert mail.recipients() == []


def test_people_who_opted_out_are_not_told(mail, reporter, agent, ticket):
    notification_services.update_preferences(user=reporter, staff_reply=False)
    mail.during(lambda: services.post_message(actor=agent, ticket=ticket, body="Hi"))
    assert mail.recipients() == []
    notification_services.update_preferences(user=reporter, staff_reply=True)
    mail.during(lambda: services.post_message(actor=agent, ticket=ticket, body="Hi again"))
    assert mail.recipients() == ["alice@example.com"]


def test_an_assignee_who_opted_out_of_reporter_replies_is_not_told(mail, reporter, agent):
    ticket = make_ticket(reporter, assignee=agent)
    notification_services.update_preferences(user=agent, reporter_reply=False)
    mail.during(lambda: services.post_message(actor=reporter, ticket=ticket, body="Hi"))
    assert mail.recipients() == []


def test_a_former_staff_member_gets_no_staff_news(mail, reporter, agent):
    former = StaffFactory(username="former")
    ticket = make_ticket(reporter, assignee=former)
    former.is_staff = False
    former.save()
    mail.during(
        lambda: services.post_message(actor=agent, ticket=ticket, body="x", is_internal=True)
    )
    assert mail.recipients() == []


def test_one_email_per_person_per_event(mail, reporter, agent, watcher):
    # Wes is both the assignee and an opted-in watcher: one email all the same.
    ticket = make_ticket(reporter, assignee=watcher)
    message = mail.during(lambda: services.post_message(actor=reporter, ticket=ticket, body="Ping"))
    assert mail.recipients() == ["wes@example.com"]
    assert EmailDelivery.objects.filter(event__message=message, recipient=watcher).count() == 1


def test_a_reporter_reply_that_reopens_sends_one_email(mail, reporter, agent):
    ticket = make_ticket(reporter, status="resolved", assignee=agent)
    mail.during(lambda: services.post_message(actor=reporter, ticket=ticket, body="Not fixed"))
    assert mail.recipients() == ["sam@example.com"]


def test_an_assignment_is_told_to_whom_it_named_not_to_a_later_assignee(agent, other_agent, ticket):
    # The worker plans after the change commits; by then the ticket may have
    # moved on. The first assignment must not tell the second assignee.
    from notifications import planner
    from tickets.models import TicketEvent

    third = StaffFactory(username="tess")
    services.modify_ticket(actor=agent, ticket=ticket, assignee=other_agent)
    services.modify_ticket(actor=agent, ticket=ticket, assignee=third)
    first, second = TicketEvent.objects.filter(ticket=ticket, kind="assigned").order_by("id")

    assert planner.recipients_for(first) == []
    assert [(user.username, kind) for user, kind in planner.recipients_for(second)] == [
        ("tess", "assigned")
    ]
