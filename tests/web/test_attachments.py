"""Files on the web pages: attach when reporting and replying, see them, download them safely."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.files import HTML, SVG, content, png_bytes, polyglot_bytes, upload
from tickets import services
from tickets.models import Attachment, Ticket

NEW = reverse("tickets:new")


def file_url(attachment: Attachment) -> str:
    return reverse("tickets:attachment", args=[attachment.pk])


def thumb_url(attachment: Attachment) -> str:
    return reverse("tickets:attachment-thumbnail", args=[attachment.pk])


def attach(actor, ticket, name, data, **kwargs) -> Attachment:
    message = services.post_message(
        actor=actor, ticket=ticket, body="see file", files=[content(name, data)], **kwargs
    )
    return message.attachments.get()


def assert_file_headers(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp
    assert "text/html" not in response["Content-Type"]


def test_the_report_form_takes_several_files(as_reporter, reporter):
    response = as_reporter.post(
        NEW,
        {
            "description": "It crashed",
            "priority": "normal",
            "files": [upload("screen.png", png_bytes()), upload("log.txt", b"trace")],
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert [a.filename for a in ticket.attachments.order_by("id")] == ["screen.png", "log.txt"]
    page = as_reporter.get(ticket.get_absolute_url()).content.decode()
    image, text = ticket.attachments.order_by("id")
    assert f'src="{thumb_url(image)}"' in page
    assert f'href="{file_url(text)}" class="attachment-name" download' in page


def test_the_forms_ask_for_files_without_needing_scripts(as_reporter, ticket):
    for url in (NEW, ticket.get_absolute_url()):
        page = as_reporter.get(url).content.decode()
        assert 'enctype="multipart/form-data"' in page
        assert 'type="file" name="files" multiple' in page


def test_a_refused_file_keeps_the_text_and_names_the_limit(as_reporter, settings):
    settings.ATTACHMENTS_MAX_FILE_SIZE = 5
    response = as_reporter.post(
        NEW,
        {
            "subject": "Kept",
            "description": "Keep me",
            "priority": "high",
            "files": [upload("big.txt", b"123456")],
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "is larger than 5\xa0bytes, the most a file may be" in page
    assert "Keep me</textarea>" in page
    assert 'value="Kept"' in page
    assert "choose them again" in page
    assert Ticket.objects.count() == 0


def test_too_many_files_are_refused_on_the_page(as_reporter, ticket, settings):
    settings.ATTACHMENTS_MAX_FILES = 1
    response = as_reporter.post(
        reverse("tickets:reply", args=[ticket.pk]),
        {"body": "My words", "version": 1, "files": [upload("a", b"1"), upload("b", b"2")]},
    )
    assert response.status_code == 200
    assert "at most 1 file" in response.content.decode()
    assert "My words</textarea>" in response.content.decode()
    assert ticket.messages.count() == 0


def test_a_reply_takes_files(as_reporter, ticket):
    response = as_reporter.post(
        reverse("tickets:reply", args=[ticket.pk]),
        {"body": "Here", "version": 1, "files": [upload("more.pdf", b"%PDF-1.4")]},
    )
    assert response.status_code == 302
    (attachment,) = Attachment.objects.filter(message__ticket=ticket)
    assert attachment.content_type == "application/pdf"
    assert "more.pdf" in as_reporter.get(ticket.get_absolute_url()).content.decode()


def test_the_reporter_downloads_their_file(as_reporter, reporter, ticket):
    attachment = attach(reporter, ticket, "notes.txt", b"hello")
    response = as_reporter.get(file_url(attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"hello"
    assert response["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert_file_headers(response)


def test_images_open_inline_and_have_a_thumbnail(as_agent, reporter, ticket):
    attachment = attach(reporter, ticket, "shot.png", png_bytes())
    response = as_agent.get(file_url(attachment))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="shot.png"'
    assert_file_headers(response)
    thumb = as_agent.get(thumb_url(attachment))
    assert thumb.status_code == 200
    assert thumb["Content-Type"] == "image/png"
    assert b"".join(thumb.streaming_content).startswith(b"\x89PNG")
    assert_file_headers(thumb)


@pytest.mark.parametrize(
    ("name", "data"),
    [("page.html", HTML), ("logo.svg", SVG), ("cat.png", polyglot_bytes())],
    ids=["html", "svg-with-script", "png-html-polyglot"],
)
def test_markup_is_downloaded_never_rendered(as_reporter, reporter, ticket, name, data):
    attachment = attach(reporter, ticket, name, data)
    response = as_reporter.get(file_url(attachment))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert_file_headers(response)
    assert as_reporter.get(thumb_url(attachment)).status_code == 404


def test_another_user_gets_404(as_other_user, reporter, ticket):
    attachment = attach(reporter, ticket, "mine.txt", b"private")
    assert as_other_user.get(file_url(attachment)).status_code == 404
    assert as_other_user.get(thumb_url(attachment)).status_code == 404


def test_the_reporter_never_reaches_an_internal_notes_file(as_reporter, agent, ticket):
    attachment = attach(agent, ticket, "note.png", png_bytes(), is_internal=True)
    assert as_reporter.get(file_url(attachment)).status_code == 404
    assert as_reporter.get(thumb_url(attachment)).status_code == 404
    assert "note.png" not in as_reporter.get(ticket.get_absolute_url()).content.decode()


def test_staff_reach_an_internal_notes_file(as_agent, agent, ticket):
    attachment = attach(agent, ticket, "note.txt", b"n", is_internal=True)
    assert as_agent.get(file_url(attachment)).status_code == 200


def test_no_such_file_is_404_and_anonymous_must_sign_in(client, as_reporter, reporter, ticket):
    attachment = attach(reporter, ticket, "a.txt", b"x")
    assert as_reporter.get(reverse("tickets:attachment", args=[10**15])).status_code == 404
    response = client.get(file_url(attachment))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_files_are_read_only(as_reporter, reporter, ticket):
    attachment = attach(reporter, ticket, "a.txt", b"x")
    assert as_reporter.post(file_url(attachment)).status_code == 405


def test_names_are_shown_escaped_and_sent_encoded(as_reporter, reporter, ticket):
    name = "<script>alert(1)<img src=x onerror=alert(2)>é.txt"
    attachment = attach(reporter, ticket, name, b"x")
    page = as_reporter.get(ticket.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;img src=x onerror=alert(2)&gt;é.txt" in page
    response = as_reporter.get(file_url(attachment))
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%3Cscript%3Ealert%281%29%3Cimg%20src%3Dx%20"
        "onerror%3Dalert%282%29%3E%C3%A9.txt"
    )


def test_a_path_in_an_uploaded_name_is_cut_to_the_name(as_reporter, ticket):
    as_reporter.post(
        reverse("tickets:reply", args=[ticket.pk]),
        {"body": "x", "version": 1, "files": [upload("../../etc/passwd", b"root")]},
    )
    assert Attachment.objects.get().filename == "passwd"


def test_an_rtl_override_and_a_long_name_through_the_form(as_reporter, ticket):
    response = as_reporter.post(
        reverse("tickets:reply", args=[ticket.pk]),
        {"body": "x", "version": 1, "files": [upload("report\u202efdp.exe", b"MZ")]},
    )
    assert response.status_code == 302
    assert Attachment.objects.get().filename == "reportfdp.exe"
    response = as_reporter.post(
        reverse("tickets:reply", args=[ticket.pk]),
        {"body": "y", "version": 1, "files": [upload("n" * 300 + ".txt", b"x")]},
    )
    assert response.status_code == 200
    assert "longer than 200 characters" in response.content.decode()


def test_a_body_larger_than_any_allowed_upload_is_413(as_reporter, ticket, settings):
    settings.REQUEST_MAX_SIZE = 1000
    response = as_reporter.post(
        reverse("tickets:reply", args=[ticket.pk]),
        {"body": "x", "version": 1, "files": [upload("big.bin", b"x" * 2000)]},
    )
    assert response.status_code == 413
    assert ticket.messages.count() == 0


def test_the_ticket_page_costs_no_more_queries_with_files(
    as_reporter, reporter, agent, django_assert_num_queries
):
    ticket = services.report_issue(
        reporter=reporter, description="x", files=[content("a.png", png_bytes())]
    )
    for n in range(3):
        attach(agent, ticket, f"{n}.txt", b"x")
    # Expect the pinned 5 queries of the page, and one for every file of the page.
    with django_assert_num_queries(6):
        response = as_reporter.get(ticket.get_absolute_url())
    assert response.content.decode().count('class="attachment') >= 4


def test_uploads_above_the_threshold_are_spooled_to_disk(as_reporter, ticket, monkeypatch):
    from django.core.files.uploadedfile import TemporaryUploadedFile

    seen = []
    original = services.post_message

    def spy(**kwargs):
        seen.extend(type(f) for f in kwargs["files"])
        return original(**kwargs)

    monkeypatch.setattr(services, "post_message", spy)
    big = b"x" * (3 * 1024 * 1024)  # above FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)
    response = as_reporter.post(
        reverse("tickets:reply", args=[ticket.pk]),
        {"body": "big", "version": 1, "files": [upload("big.bin", big)]},
    )
    assert response.status_code == 302
    assert seen == [TemporaryUploadedFile]
