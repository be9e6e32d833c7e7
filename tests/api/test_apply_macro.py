"""POST /api/v1/tickets/{id}/apply-macro/: staff apply or preview a macro; no one else may."""

from __future__ import annotations

import pytest

from macros.models import Macro
from tests.api.conftest import problem, ticket_url
from tests.factories import make_ticket
from tickets.models import Message, Ticket


def apply_url(ticket) -> str:
    return f"{ticket_url(ticket)}apply-macro/"


@pytest.fixture
def macro(db):
    return Macro.objects.create(
        name="Need details",
        body="Hi {{ reporter_name }}, about #{{ ticket_number }}: which printer?",
        status="pending",
        assign="me",
    )


def test_staff_apply_a_macro(as_agent, agent, reporter, macro):
    ticket = make_ticket(reporter)

    response = as_agent.post(apply_url(ticket), {"macro": macro.pk}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["applied"] is True
    assert body["changes"] == {"status": "pending", "assignee": {"id": agent.pk, "username": "sam"}}
    assert body["ticket"]["status"] == "pending"
    assert response["ETag"] == f'"{body["ticket"]["version"]}"'
    assert (
        Message.objects.get(ticket=ticket).body == f"Hi Alice, about #{ticket.pk}: which printer?"
    )


def test_a_preview_changes_nothing(as_agent, reporter, macro):
    ticket = make_ticket(reporter)

    body = as_agent.post(
        apply_url(ticket), {"macro": macro.pk, "preview": True}, format="json"
    ).json()

    assert body["applied"] is False
    assert body["body"].startswith("Hi Alice")
    assert body["ticket"]["status"] == "new"
    assert not Message.objects.exists()
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version


def test_an_invalid_transition_is_a_409_and_nothing_is_done(as_agent, reporter, macro):
    ticket = make_ticket(reporter, status="resolved")

    for preview in (True, False):
        body = problem(
            as_agent.post(
                apply_url(ticket), {"macro": macro.pk, "preview": preview}, format="json"
            ),
            409,
        )
        assert body["current"] == "resolved"

    assert not Message.objects.exists()
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_a_stale_version_is_a_412(as_agent, reporter, macro):
    ticket = make_ticket(reporter)

    response = as_agent.post(
        apply_url(ticket), {"macro": macro.pk}, format="json", HTTP_IF_MATCH='"99"'
    )

    problem(response, 412)
    assert not Message.objects.exists()


def test_the_reporter_may_not_apply_macros(as_reporter, reporter, macro):
    ticket = make_ticket(reporter)

    for preview in (True, False):
        problem(
            as_reporter.post(
                apply_url(ticket), {"macro": macro.pk, "preview": preview}, format="json"
            ),
            403,
        )

    assert not Message.objects.exists()


def test_someone_elses_ticket_is_not_found(as_other_user, reporter, macro):
    ticket = make_ticket(reporter)

    problem(as_other_user.post(apply_url(ticket), {"macro": macro.pk}, format="json"), 404)


def test_anonymous_callers_are_refused(anon, reporter, macro):
    ticket = make_ticket(reporter)

    assert anon.post(apply_url(ticket), {"macro": macro.pk}, format="json").status_code == 401


def test_it_takes_only_post(as_agent, reporter, macro):
    ticket = make_ticket(reporter)

    assert as_agent.get(apply_url(ticket)).status_code == 405


def test_another_staff_members_personal_macro_is_unknown(as_agent, other_agent, reporter):
    ticket = make_ticket(reporter)
    theirs = Macro.objects.create(name="Mine", body="Secret wording", owner=other_agent)

    body = problem(
        as_agent.post(apply_url(ticket), {"macro": theirs.pk, "preview": True}, format="json"),
        400,
    )

    assert "Secret wording" not in str(body)
    assert "macro" in str(body)


@pytest.mark.parametrize("value", ["1", 0, -1, None, 10**19, True])
def test_a_bad_macro_id_is_a_400(as_agent, reporter, value):
    ticket = make_ticket(reporter)

    problem(as_agent.post(apply_url(ticket), {"macro": value}, format="json"), 400)


def test_template_code_and_html_come_out_as_written_and_escaped_on_the_page(
    as_agent, client, reporter
):
    ticket = make_ticket(reporter)
    body = "{{ request }} {% debug %} <script>alert(1)</script> {{ reporter_name }}"
    macro = Macro.objects.create(name="Nasty", body=body)

    response = as_agent.post(apply_url(ticket), {"macro": macro.pk}, format="json")

    assert response.json()["body"] == body.replace("{{ reporter_name }}", "Alice")
    client.force_login(reporter)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "{{ request }} {% debug %}" in page
