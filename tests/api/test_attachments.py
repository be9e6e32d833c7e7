"""Files in the API: multipart upload, `attachments` on tickets and messages, downloads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.api.conftest import messages_url, problem, ticket_url
from tests.files import HTML, SVG, content, png_bytes, polyglot_bytes, upload
from tickets import services
from tickets.models import Attachment, Ticket

TICKETS = reverse("api:ticket-list")


def file_url(attachment: Attachment) -> str:
    return reverse("api:attachment", args=[attachment.pk])


def attach(actor, ticket, name, data, **kwargs) -> Attachment:
    message = services.post_message(
        actor=actor, ticket=ticket, body="see file", files=[content(name, data)], **kwargs
    )
    return message.attachments.get()


def test_a_report_with_files_in_multipart(as_reporter):
    response = as_reporter.post(
        TICKETS,
        {
            "description": "It broke",
            "priority": "high",
            "files": [upload("shot.png", png_bytes()), upload("log.txt", b"trace")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["priority"] == "high"
    shot, log = body["attachments"]
    assert {k: shot[k] for k in ("filename", "size", "content_type")} == {
        "filename": "shot.png",
        "size": len(png_bytes()),
        "content_type": "image/png",
    }
    assert shot["url"] == f"http://testserver/api/v1/files/{shot['id']}/"
    assert shot["thumbnail_url"] == f"http://testserver/api/v1/files/{shot['id']}/thumbnail/"
    assert log["content_type"] == "text/plain" and log["thumbnail_url"] is None


def test_a_json_report_still_works_and_has_no_files(as_reporter):
    response = as_reporter.post(TICKETS, {"description": "Plain"}, format="json")
    assert response.status_code == 201
    assert response.json()["attachments"] == []


def test_files_cannot_come_in_json(as_reporter):
    response = as_reporter.post(TICKETS, {"description": "x", "files": ["abc"]}, format="json")
    errors = problem(response, 400)["errors"]
    assert errors == {
        "files.0": ["Not a file: send files as multipart/form-data parts named files."]
    }


def test_an_internal_note_with_files_in_multipart(as_agent, ticket):
    response = as_agent.post(
        messages_url(ticket),
        {"body": "note", "is_internal": "true", "files": [upload("n.txt", b"n")]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_internal"] is True
    assert [a["filename"] for a in body["attachments"]] == ["n.txt"]


def test_an_unknown_file_field_is_refused(as_reporter, ticket):
    response = as_reporter.post(
        messages_url(ticket), {"body": "x", "other": [upload("a", b"1")]}, format="multipart"
    )
    assert problem(response, 400)["errors"] == {"other": ["Unknown field."]}


def test_a_limit_is_a_400_naming_it(as_reporter, ticket, settings):
    settings.ATTACHMENTS_MAX_FILES = 1
    response = as_reporter.post(
        messages_url(ticket),
        {"body": "x", "files": [upload("a", b"1"), upload("b", b"2")]},
        format="multipart",
    )
    assert "at most 1 file" in problem(response, 400)["errors"]["files"][0]
    assert ticket.messages.count() == 0


def test_a_body_larger_than_any_allowed_upload_is_a_413_problem(as_reporter, ticket, settings):
    settings.REQUEST_MAX_SIZE = 1000
    response = as_reporter.post(
        messages_url(ticket),
        {"body": "x", "files": [upload("big.bin", b"x" * 2000)]},
        format="multipart",
    )
    body = problem(response, 413, "request_too_large")
    assert "MB" in body["detail"]


def test_an_allowed_upload_larger_than_the_json_limit_gets_through(as_reporter, ticket, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = as_reporter.post(
        messages_url(ticket),
        {"body": "x", "files": [upload("big.bin", b"x" * 5000)]},
        format="multipart",
    )
    assert response.status_code == 201, response.content


def test_messages_list_their_files_and_the_reporter_not_the_notes(
    as_reporter, reporter, agent, ticket
):
    attach(reporter, ticket, "mine.txt", b"m")
    attach(agent, ticket, "secret.txt", b"s", is_internal=True)
    results = as_reporter.get(messages_url(ticket)).json()["results"]
    assert [[a["filename"] for a in m["attachments"]] for m in results] == [["mine.txt"]]


def test_the_ticket_lists_its_reports_files(as_agent, reporter):
    ticket = services.report_issue(
        reporter=reporter, description="x", files=[content("r.png", png_bytes())]
    )
    services.post_message(actor=reporter, ticket=ticket, body="y", files=[content("m.txt", b"m")])
    detail = as_agent.get(ticket_url(ticket)).json()
    assert [a["filename"] for a in detail["attachments"]] == ["r.png"]
    listed = as_agent.get(TICKETS).json()["results"][0]
    assert [a["filename"] for a in listed["attachments"]] == ["r.png"]


def test_downloads_per_role(as_reporter, as_agent, as_other_user, anon, reporter, agent, ticket):
    mine = attach(reporter, ticket, "mine.txt", b"hello")
    note = attach(agent, ticket, "note.txt", b"n", is_internal=True)

    response = as_reporter.get(file_url(mine))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"hello"
    assert response["Content-Disposition"] == 'attachment; filename="mine.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]

    assert as_agent.get(file_url(note)).status_code == 200
    problem(as_reporter.get(file_url(note)), 404, "not_found")
    problem(as_other_user.get(file_url(mine)), 404, "not_found")
    problem(anon.get(file_url(mine)), 401)


def test_an_image_downloads_inline_whatever_the_accept_header(as_reporter, reporter, ticket):
    image = attach(reporter, ticket, "a.png", png_bytes())
    response = as_reporter.get(file_url(image), HTTP_ACCEPT="image/avif,image/webp,*/*;q=0.8")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    thumbnail = as_reporter.get(reverse("api:attachment-thumbnail", args=[image.pk]))
    assert thumbnail["Content-Type"] == "image/png"
    assert "sandbox" in thumbnail["Content-Security-Policy"]


@pytest.mark.parametrize(
    "data", [HTML, SVG, polyglot_bytes()], ids=["html", "svg-with-script", "polyglot"]
)
def test_markup_is_never_served_as_a_page(as_reporter, reporter, ticket, data):
    attachment = attach(reporter, ticket, "x.html", data)
    response = as_reporter.get(file_url(attachment))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_names_come_as_written_for_clients_to_escape(as_reporter, reporter, ticket):
    attach(reporter, ticket, "<b>x</b\u202e>.txt".replace("/", ""), b"x")
    (message,) = as_reporter.get(messages_url(ticket)).json()["results"]
    assert message["attachments"][0]["filename"] == "<b>x<b>.txt"
    # JSON, not markup: nothing a browser would render.
    assert as_reporter.get(messages_url(ticket))["Content-Type"] == "application/json"


def test_the_list_and_messages_cost_no_more_queries_without_files(
    as_agent, reporter, agent, ticket, django_assert_num_queries
):
    services.post_message(actor=agent, ticket=ticket, body="no files")
    as_agent.get("/api/v1/me/")
    # The pinned counts: token with user, the ticket, a page of messages.
    with django_assert_num_queries(3):
        as_agent.get(messages_url(ticket))


def test_messages_with_files_cost_one_query_more(
    as_agent, reporter, agent, ticket, django_assert_num_queries
):
    for n in range(3):
        attach(agent, ticket, f"{n}.txt", b"x")
    as_agent.get("/api/v1/me/")
    # Token with user, the ticket, a page of messages, and the page's files in one.
    with django_assert_num_queries(4):
        response = as_agent.get(messages_url(ticket))
    assert len(response.json()["results"]) == 3


def test_a_created_ticket_exists_once_with_its_files(as_reporter):
    as_reporter.post(
        TICKETS, {"description": "x", "files": [upload("a.txt", b"a")]}, format="multipart"
    )
    assert Ticket.objects.get().attachment_count == 1
