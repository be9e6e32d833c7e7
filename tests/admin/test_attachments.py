"""Files in the staff console: attach to replies and notes, see every message's files."""

from __future__ import annotations

from django.urls import reverse

from tests.admin.conftest import change_data, ticket_url
from tests.files import content, png_bytes, upload
from tickets import services
from tickets.models import Attachment


def test_staff_attach_files_to_a_reply(as_agent, ticket):
    response = as_agent.post(
        ticket_url(ticket),
        change_data(ticket, reply="Here is the fix", files=[upload("fix.txt", b"do this")]),
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.filename, attachment.message.is_internal) == ("fix.txt", False)


def test_staff_attach_files_to_an_internal_note(as_agent, ticket):
    as_agent.post(
        ticket_url(ticket),
        change_data(ticket, reply="Vendor log", internal="on", files=[upload("v.log", b"x")]),
    )
    assert Attachment.objects.get().message.is_internal is True


def test_files_need_a_few_words(as_agent, ticket):
    response = as_agent.post(ticket_url(ticket), change_data(ticket, files=[upload("a", b"x")]))
    assert response.status_code == 200
    assert "Write a few words to go with the files." in response.content.decode()
    assert Attachment.objects.count() == 0


def test_a_refused_file_keeps_the_reply(as_agent, ticket, settings):
    settings.ATTACHMENTS_MAX_FILE_SIZE = 3
    response = as_agent.post(
        ticket_url(ticket), change_data(ticket, reply="Typed text", files=[upload("a", b"1234")])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "is larger than 3\xa0bytes, the most a file may be" in page
    assert "Typed text</textarea>" in page
    assert ticket.messages.count() == 0


def test_the_page_is_a_multipart_form_and_lists_every_file(as_agent, agent, reporter):
    ticket = services.report_issue(
        reporter=reporter, description="x", files=[content("report.png", png_bytes())]
    )
    services.post_message(
        actor=agent,
        ticket=ticket,
        body="n",
        is_internal=True,
        files=[content("<i>n</i>.txt".replace("/", ""), b"n")],
    )
    page = as_agent.get(ticket_url(ticket)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="files" multiple' in page
    report = Attachment.objects.get(filename="report.png")
    assert f'src="{reverse("tickets:attachment-thumbnail", args=[report.pk])}"' in page
    assert "&lt;i&gt;n&lt;i&gt;.txt" in page
    assert 'with <span class="hd-change">report.png</span>' in page  # the audit trail


def test_staff_download_any_file(as_agent, reporter, ticket):
    message = services.post_message(
        actor=reporter, ticket=ticket, body="x", files=[content("a.txt", b"abc")]
    )
    response = as_agent.get(reverse("tickets:attachment", args=[message.attachments.get().pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"abc"


def test_files_cost_one_query_on_the_ticket_page(
    as_agent, agent, reporter, ticket, django_assert_num_queries
):
    services.modify_ticket(actor=agent, ticket=ticket, assignee=agent)
    for n in range(5):
        services.post_message(
            actor=agent, ticket=ticket, body=f"m{n}", files=[content(f"{n}.txt", b"x")]
        )
    as_agent.get(ticket_url(ticket))  # warm the per-process caches (content types)
    # The 8 pinned queries of the page, and the ticket's files in one.
    with django_assert_num_queries(9):
        response = as_agent.get(ticket_url(ticket))
    assert response.content.decode().count('class="attachment-name"') == 5
