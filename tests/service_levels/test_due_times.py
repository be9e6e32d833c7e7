"""The services keep a ticket's due times, from the default policies (09:00-17:00 UTC, Mon-Fri)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from service_levels.models import Policy
from tests.factories import make_ticket
from tickets import services
from tickets.models import Ticket


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_new_ticket_gets_the_policy_of_its_priority(fixed_clock, reporter):
    fixed_clock.at(2026, 6, 5, 16, 30)  # Friday, half a business hour left

    ticket = services.report_issue(reporter=reporter, description="Down", priority="urgent")

    ticket.refresh_from_db()
    assert ticket.sla_policy.name == "Urgent"
    assert ticket.sla_first_reply_due == utc(2026, 6, 8, 9, 30)  # on Monday
    assert ticket.sla_resolution_due == utc(2026, 6, 8, 12, 30)
    assert ticket.sla_next_due == ticket.sla_first_reply_due
    assert ticket.sla_next_reply_due is None


def test_a_public_staff_reply_meets_the_first_reply_target(fixed_clock, reporter, agent):
    ticket = services.report_issue(reporter=reporter, description="Down", priority="urgent")
    fixed_clock.at(2026, 6, 1, 9, 30)

    services.post_message(actor=agent, ticket=ticket, body="Looking")

    ticket.refresh_from_db()
    assert ticket.sla_first_reply_due is None
    assert ticket.sla_next_due == ticket.sla_resolution_due == utc(2026, 6, 1, 13)
    assert ticket.sla_missed == ""


def test_an_internal_note_leaves_the_first_reply_running(fixed_clock, reporter, agent):
    ticket = services.report_issue(reporter=reporter, description="Down", priority="urgent")

    services.post_message(actor=agent, ticket=ticket, body="Hm", is_internal=True)

    ticket.refresh_from_db()
    assert ticket.sla_first_reply_due == utc(2026, 6, 1, 10)


def test_pending_pauses_and_the_reporters_answer_resumes(fixed_clock, reporter, agent):
    ticket = services.report_issue(reporter=reporter, description="Down", priority="urgent")
    fixed_clock.at(2026, 6, 1, 10)
    services.reply_and_modify(actor=agent, ticket=ticket, body="Which printer?", status="pending")
    ticket.refresh_from_db()
    assert ticket.sla_paused
    assert ticket.sla_resolution_due is None

    fixed_clock.at(2026, 6, 3, 9)
    services.post_message(actor=reporter, ticket=ticket, body="The red one")

    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert not ticket.sla_paused
    assert ticket.sla_resolution_due == utc(2026, 6, 3, 12)  # one hour spent before the pause
    assert ticket.sla_next_reply_due == utc(2026, 6, 3, 10)
    assert ticket.sla_next_due == utc(2026, 6, 3, 10)


def test_raising_the_priority_applies_the_new_policy_from_the_start(fixed_clock, reporter, agent):
    ticket = services.report_issue(reporter=reporter, description="Down", priority="low")
    fixed_clock.at(2026, 6, 1, 11)

    services.modify_ticket(actor=agent, ticket=ticket, priority="urgent")

    ticket.refresh_from_db()
    assert ticket.sla_policy.name == "Urgent"
    assert ticket.sla_first_reply_due == utc(2026, 6, 1, 10)  # already late


def test_a_late_reply_is_remembered_as_missed(fixed_clock, reporter, agent):
    ticket = services.report_issue(reporter=reporter, description="Down", priority="urgent")
    fixed_clock.at(2026, 6, 1, 11)

    services.post_message(actor=agent, ticket=ticket, body="Sorry for the wait")

    ticket.refresh_from_db()
    assert ticket.sla_missed == "first_reply"


def test_a_policy_matching_the_reporters_domain_comes_first(fixed_clock, reporter, db):
    reporter.email = "alice@VIP.example"
    reporter.save()
    normal = Policy.objects.get(name="Normal")
    Policy.objects.create(
        name="VIP",
        position=1,
        email_domain="vip.example",
        first_reply_minutes=15,
        calendar=normal.calendar,
        business_hours=False,
    )

    ticket = services.report_issue(reporter=reporter, description="Down")

    assert ticket.sla_policy_id == Policy.objects.get(name="VIP").pk
    assert ticket.sla_first_reply_due == utc(2026, 6, 1, 9, 15)
    assert ticket.sla_resolution_due is None


def test_no_matching_policy_means_no_due_times(fixed_clock, reporter, db):
    Policy.objects.all().delete()

    ticket = services.report_issue(reporter=reporter, description="Down")

    assert ticket.sla_policy_id is None
    assert ticket.sla_next_due is None


def test_repair_rebuilds_the_fields_from_the_trail(fixed_clock, reporter, agent):
    ticket = services.report_issue(reporter=reporter, description="Down", priority="urgent")
    services.post_message(actor=agent, ticket=ticket, body="Looking")
    expected = Ticket.objects.values_list("sla_state", "sla_next_due").get(pk=ticket.pk)
    Ticket.objects.filter(pk=ticket.pk).update(sla_state={}, sla_next_due=None, sla_policy=None)

    call_command("repair_sla", verbosity=0)

    assert Ticket.objects.values_list("sla_state", "sla_next_due").get(pk=ticket.pk) == expected


def test_changing_a_policy_and_repairing_applies_it(fixed_clock, reporter):
    ticket = make_ticket(reporter, priority="urgent")
    Policy.objects.filter(name="Urgent").update(first_reply_minutes=30)
    from service_levels import services as sla_services

    sla_services.forget_policies()

    call_command("repair_sla", verbosity=0)

    ticket.refresh_from_db()
    assert ticket.sla_first_reply_due == utc(2026, 6, 1, 9, 30)


@pytest.mark.django_db
def test_saving_a_policy_drops_the_cached_policies(django_assert_num_queries):
    from service_levels import selectors

    selectors.policies()
    with django_assert_num_queries(0):
        selectors.policies()
    policy = Policy.objects.get(name="Urgent")
    policy.first_reply_minutes = 5
    policy.save()

    assert next(p for p in selectors.policies() if p.name == "Urgent").targets.first_reply == 5


def test_a_ticket_without_a_state_gets_one_from_its_trail_on_its_next_change(
    fixed_clock, reporter, agent
):
    ticket = services.report_issue(reporter=reporter, description="Down", priority="urgent")
    Ticket.objects.filter(pk=ticket.pk).update(sla_state=None, sla_next_due=None)
    fixed_clock.at(2026, 6, 1, 9, 30)

    services.post_message(actor=agent, ticket=ticket, body="Looking")

    ticket.refresh_from_db()
    assert ticket.sla_state["start"] == "2026-06-01T09:00:00+00:00"
    assert ticket.sla_resolution_due == utc(2026, 6, 1, 13)
    assert ticket.sla_first_reply_due is None


def test_editing_a_policy_in_the_console_brings_open_tickets_up_to_date(
    fixed_clock, reporter, superuser, django_capture_on_commit_callbacks
):
    from django.test import Client

    fixed_clock.at(2026, 6, 1, 9)
    ticket = services.report_issue(reporter=reporter, description="Down", priority="urgent")
    assert ticket.sla_first_reply_due == utc(2026, 6, 1, 10)
    policy = Policy.objects.get(name="Urgent")
    console = Client()
    console.force_login(superuser)
    page = console.get(f"/admin/service_levels/policy/{policy.pk}/change/")
    data = {
        name: value
        for name, value in page.context["adminform"].form.initial.items()
        if value is not None
    }
    data.update(first_reply_minutes=30, calendar=policy.calendar_id)

    with django_capture_on_commit_callbacks(execute=True):
        response = console.post(f"/admin/service_levels/policy/{policy.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert ticket.sla_first_reply_due == utc(2026, 6, 1, 9, 30)
