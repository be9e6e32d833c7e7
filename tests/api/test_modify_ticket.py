"""Modifying a ticket: PATCH /api/v1/tickets/{id}/, with If-Match against lost updates."""

from __future__ import annotations

import pytest

from tests.api.conftest import problem, ticket_url
from tests.factories import UserFactory, make_ticket
from tickets import services
from tickets.models import Ticket, TicketEvent


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def test_the_reporter_edits_subject_and_description(as_reporter, ticket):
    response = as_reporter.patch(
        ticket_url(ticket), {"subject": "Printer still on fire", "description": "Help!"}
    )

    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    body = response.json()
    assert (body["subject"], body["description"], body["version"]) == (
        "Printer still on fire",
        "Help!",
        2,
    )
    assert fresh(ticket).subject == "Printer still on fire"


def test_fields_left_out_stay_as_they_are(as_reporter, ticket):
    response = as_reporter.patch(ticket_url(ticket), {"description": "More smoke."})

    assert response.json()["subject"] == "Printer on fire"


def test_a_patch_that_changes_nothing_keeps_the_version(as_reporter, ticket):
    response = as_reporter.patch(ticket_url(ticket), {"subject": ticket.subject})

    assert response.status_code == 200
    assert response.json()["version"] == 1


def test_read_only_fields_are_ignored(as_reporter, ticket, other_user):
    response = as_reporter.patch(
        ticket_url(ticket),
        {
            "id": 999,
            "version": 50,
            "reporter": other_user.pk,
            "created_at": "2001-01-01T00:00:00Z",
            "closed_at": "2001-01-01T00:00:00Z",
            "allowed_transitions": ["closed"],
            "url": "http://evil.example/",
        },
    )

    assert response.status_code == 200
    after = fresh(ticket)
    assert (after.pk, after.version, after.reporter_id, after.closed_at) == (
        ticket.pk,
        1,
        ticket.reporter_id,
        None,
    )


def test_the_reporter_may_not_change_priority_or_assignee(as_reporter, ticket, agent):
    for change in ({"priority": "urgent"}, {"assignee": agent.pk}):
        problem(as_reporter.patch(ticket_url(ticket), change), 403, "not_allowed")

    after = fresh(ticket)
    assert (after.priority, after.assignee, after.version) == ("normal", None, 1)


def test_staff_change_priority_and_assignee(as_agent, ticket, agent):
    response = as_agent.patch(ticket_url(ticket), {"priority": "urgent", "assignee": agent.pk})

    assert response.status_code == 200
    body = response.json()
    assert body["priority"] == "urgent"
    assert body["assignee"] == {"id": agent.pk, "username": "sam"}
    kinds = set(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert {"priority_changed", "assigned"} <= kinds


def test_staff_unassign_with_null(as_agent, reporter, agent):
    ticket = make_ticket(reporter, assignee=agent)

    response = as_agent.patch(ticket_url(ticket), {"assignee": None})

    assert response.json()["assignee"] is None
    assert fresh(ticket).assignee is None


@pytest.mark.parametrize("who", ["end user", "unknown", "inactive staff"])
def test_the_assignee_must_be_active_staff(as_agent, ticket, other_user, who):
    if who == "end user":
        assignee = other_user.pk
    elif who == "unknown":
        assignee = 987654
    else:
        assignee = UserFactory(is_staff=True, is_active=False).pk

    body = problem(as_agent.patch(ticket_url(ticket), {"assignee": assignee}), 400, "invalid")

    assert "assignee" in body["errors"]
    assert fresh(ticket).assignee is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"assignee": "sam"}, "assignee"),
        ({"assignee": "1"}, "assignee"),
        ({"assignee": 1.5}, "assignee"),
        ({"assignee": True}, "assignee"),
        ({"assignee": 0}, "assignee"),
        ({"assignee": 10**30}, "assignee"),
        ({"priority": "critical"}, "priority"),
        ({"status": "done"}, "status"),
        ({"subject": None}, "subject"),
        ({"subject": 7}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"description": ""}, "description"),
        ({"description": "x" * 20_001}, "description"),
        ({"description": "\x00"}, "description"),
    ],
)
def test_bad_values_are_400_by_field_and_nothing_is_written(as_agent, ticket, body, field):
    response = as_agent.patch(ticket_url(ticket), body)

    assert field in problem(response, 400, "invalid")["errors"]
    assert fresh(ticket).version == 1


def test_a_status_change_follows_the_workflow(as_reporter, ticket):
    response = as_reporter.patch(ticket_url(ticket), {"status": "resolved"})

    assert response.json()["status"] == "resolved"
    assert response.json()["resolved_at"] is not None


def test_a_transition_the_caller_may_not_make_is_409_with_what_they_may(as_reporter, ticket):
    body = problem(
        as_reporter.patch(ticket_url(ticket), {"status": "closed", "subject": "Closing"}),
        409,
        "invalid_transition",
    )

    assert body["allowed"] == ["resolved"]
    assert fresh(ticket).subject == "Printer on fire"


def test_a_closed_ticket_takes_no_edits(as_agent, reporter):
    ticket = make_ticket(reporter, status="closed")

    problem(as_agent.patch(ticket_url(ticket), {"subject": "Again"}), 409, "ticket_closed")


def test_if_match_with_the_current_etag_applies_the_change(as_reporter, ticket):
    etag = as_reporter.get(ticket_url(ticket))["ETag"]

    response = as_reporter.patch(ticket_url(ticket), {"subject": "Mine"}, HTTP_IF_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] == '"2"'


@pytest.mark.parametrize("if_match", ['W/"1"', "*"])
def test_if_match_also_takes_a_weak_etag_or_a_star(as_reporter, ticket, if_match):
    response = as_reporter.patch(ticket_url(ticket), {"subject": "Mine"}, HTTP_IF_MATCH=if_match)

    assert response.status_code == 200


def test_a_stale_if_match_is_412_and_nothing_is_written(as_reporter, ticket, agent):
    etag = as_reporter.get(ticket_url(ticket))["ETag"]
    services.modify_ticket(actor=agent, ticket=ticket, priority="high")

    response = as_reporter.patch(ticket_url(ticket), {"subject": "Mine"}, HTTP_IF_MATCH=etag)

    assert problem(response, 412, "stale_version")["current_version"] == 2
    assert fresh(ticket).subject == "Printer on fire"


@pytest.mark.parametrize("if_match", ["1", '"one"', '"1", "2"', "", '"1'])
def test_a_malformed_if_match_is_412_and_nothing_is_written(as_reporter, ticket, if_match):
    response = as_reporter.patch(ticket_url(ticket), {"subject": "Mine"}, HTTP_IF_MATCH=if_match)

    problem(response, 412, "precondition_failed")
    assert fresh(ticket).version == 1


def test_another_user_gets_404_and_nothing_is_written(as_other_user, ticket):
    for headers in ({}, {"HTTP_IF_MATCH": '"1"'}):
        response = as_other_user.patch(ticket_url(ticket), {"subject": "Mine"}, **headers)
        problem(response, 404, "not_found")

    assert fresh(ticket).version == 1


def test_a_missing_ticket_is_404(as_agent):
    problem(as_agent.patch(ticket_url(987654), {"subject": "x"}), 404, "not_found")


def test_it_requires_credentials(anon, ticket):
    problem(anon.patch(ticket_url(ticket), {"subject": "x"}), 401, "not_authenticated")


def test_put_is_not_allowed(as_reporter, ticket):
    problem(as_reporter.put(ticket_url(ticket), {"subject": "x"}), 405, "method_not_allowed")


def test_changing_every_field_at_once_costs_five_statements(
    as_agent, ticket, agent, assert_statements
):
    as_agent.get("/api/v1/me/")  # records the token's last use, at most once a minute

    # Expect 5: the token with its user, the new assignee among active staff,
    # the ticket locked, one INSERT of its five events, one UPDATE of the ticket.
    with assert_statements(5):
        response = as_agent.patch(
            ticket_url(ticket),
            {
                "subject": "New",
                "description": "Newer",
                "priority": "high",
                "assignee": agent.pk,
                "status": "open",
            },
        )

    assert response.status_code == 200
    assert TicketEvent.objects.filter(ticket=ticket).count() == 6


def test_an_unknown_field_is_a_400_not_a_silent_no_op(as_reporter, ticket):
    body = problem(as_reporter.patch(ticket_url(ticket), {"subjet": "Typo"}), 400, "invalid")

    assert body["errors"] == {"subjet": ["Unknown field."]}
    assert fresh(ticket).version == 1


def test_an_end_user_cannot_tell_staff_ids_from_other_ids(as_reporter, reporter, agent, other_user):
    ticket = make_ticket(reporter)
    url = f"/api/v1/tickets/{ticket.pk}/"
    answers = {
        who: as_reporter.patch(url, {"assignee": pk}, format="json").status_code
        for who, pk in {"staff": agent.pk, "end user": other_user.pk, "nobody": 999_999}.items()
    }
    assert answers == {"staff": 403, "end user": 403, "nobody": 403}


def test_an_end_user_may_send_the_current_assignee_back(as_reporter, reporter, agent):
    ticket = make_ticket(reporter, assignee=agent)
    response = as_reporter.patch(
        f"/api/v1/tickets/{ticket.pk}/", {"subject": "Clearer", "assignee": agent.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["subject"] == "Clearer"
