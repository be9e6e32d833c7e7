"""Attaching files through the services: limits, names, types, thumbnails, audit, deletion."""

from __future__ import annotations

import os
import stat

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from PIL import Image

from tests.factories import make_ticket
from tests.files import HTML, SVG, content, jpeg_bytes, png_bytes, polyglot_bytes
from tickets import attachments, services
from tickets.exceptions import RateLimited
from tickets.models import Attachment, Ticket, TicketEvent


def files_error(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.message_dict["files"])


def test_a_report_takes_files_which_belong_to_the_report(reporter):
    ticket = services.report_issue(
        reporter=reporter,
        description="Broken",
        files=[content("screen.png", png_bytes()), content("log.txt", b"error 42\n")],
    )

    image, text = Attachment.objects.filter(ticket=ticket).order_by("id")
    assert (image.message, image.filename, image.content_type) == (None, "screen.png", "image/png")
    assert image.size == len(png_bytes())
    assert image.is_image and image.thumbnail_name
    assert (text.content_type, text.is_image) == ("text/plain", False)
    assert Ticket.objects.get(pk=ticket.pk).attachment_count == 2


def test_a_message_takes_files_and_the_event_names_them(ticket, agent):
    message = services.post_message(
        actor=agent, ticket=ticket, body="See attached", files=[content("a.pdf", b"%PDF-1.7 x")]
    )

    (attachment,) = message.attachments.all()
    assert attachment.content_type == "application/pdf"
    assert attachment.uploaded_by == agent
    event = TicketEvent.objects.get(message=message)
    assert (event.field, event.old_value) == ("attachments", "a.pdf")


def test_the_stored_name_is_random_and_nothing_of_the_uploaders(ticket, reporter):
    message = services.post_message(
        actor=reporter, ticket=ticket, body="x", files=[content("secret-plan.txt", b"hi")]
    )
    stored = message.attachments.get().storage_name
    assert "secret" not in stored and stored.startswith("files/")
    assert len(os.path.basename(stored)) == 32


def test_an_internal_notes_files_leave_the_reporters_view_alone(ticket, agent):
    before = Ticket.objects.get(pk=ticket.pk)
    services.post_message(
        actor=agent, ticket=ticket, body="n", is_internal=True, files=[content("n.txt", b"x")]
    )
    after = Ticket.objects.get(pk=ticket.pk)
    assert (after.version, after.updated_at) == (before.version, before.updated_at)
    assert after.attachment_count == 1


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (HTML, "application/octet-stream"),
        (SVG, "application/octet-stream"),
        (polyglot_bytes(), "application/octet-stream"),
        (jpeg_bytes(), "image/jpeg"),
        (b"\x00\x01binary", "application/octet-stream"),
    ],
    ids=["html", "svg", "png-html-polyglot", "jpeg", "binary"],
)
def test_the_type_comes_from_the_bytes_never_the_name(ticket, reporter, data, expected):
    message = services.post_message(
        actor=reporter, ticket=ticket, body="x", files=[content("innocent.png", data)]
    )
    attachment = message.attachments.get()
    assert attachment.content_type == expected
    assert attachment.is_image == expected.startswith("image/")


def test_a_thumbnail_is_drawn_from_the_pixels(ticket, reporter):
    message = services.post_message(
        actor=reporter, ticket=ticket, body="x", files=[content("big.png", png_bytes((2000, 1000)))]
    )
    attachment = message.attachments.get()
    with storages["attachments"].open(attachment.thumbnail_name) as handle:
        image = Image.open(handle)
        assert image.format == "PNG"
        assert max(image.size) <= attachments.THUMBNAIL_SIZE[0]


def test_the_pixel_limit_counts_a_jpeg_at_its_reduced_scale(ticket, reporter, settings):
    settings.ATTACHMENTS_MAX_IMAGE_PIXELS = 1000 * 1000
    message = services.post_message(
        actor=reporter,
        ticket=ticket,
        body="x",
        files=[content("photo.jpg", jpeg_bytes((4000, 2000)))],
    )
    assert message.attachments.get().is_image


def test_an_image_over_the_pixel_limit_is_a_plain_download(ticket, reporter, settings):
    settings.ATTACHMENTS_MAX_IMAGE_PIXELS = 100
    message = services.post_message(
        actor=reporter, ticket=ticket, body="x", files=[content("bomb.png", png_bytes((20, 20)))]
    )
    attachment = message.attachments.get()
    assert (attachment.is_image, attachment.content_type) == (False, "application/octet-stream")


def test_a_file_over_the_size_limit_is_refused_naming_the_limit(ticket, reporter, settings):
    settings.ATTACHMENTS_MAX_FILE_SIZE = 10
    with pytest.raises(ValidationError) as exc:
        services.post_message(
            actor=reporter, ticket=ticket, body="x", files=[content("big.txt", b"x" * 11)]
        )
    assert "(11\xa0bytes) is larger than 10\xa0bytes, the most a file may be" in files_error(exc)
    assert ticket.messages.count() == 0


def test_too_many_files_are_refused_before_anything_is_written(ticket, reporter, settings):
    settings.ATTACHMENTS_MAX_FILES = 2
    with pytest.raises(ValidationError) as exc:
        services.post_message(
            actor=reporter,
            ticket=ticket,
            body="x",
            files=[content(f"{n}.txt", b"x") for n in range(3)],
        )
    assert "at most 2 files" in files_error(exc)
    assert ticket.messages.count() == 0
    assert Attachment.objects.count() == 0


def test_a_ticket_holds_at_most_its_total(ticket, reporter, settings):
    settings.ATTACHMENTS_MAX_TICKET_SIZE = 10
    services.post_message(actor=reporter, ticket=ticket, body="x", files=[content("a", b"123456")])
    with pytest.raises(ValidationError) as exc:
        services.post_message(
            actor=reporter, ticket=ticket, body="y", files=[content("b", b"123456")]
        )
    assert "at most 10\xa0bytes" in files_error(exc)
    assert ticket.messages.count() == 1


def test_an_empty_file_is_refused(ticket, reporter):
    with pytest.raises(ValidationError) as exc:
        services.post_message(
            actor=reporter, ticket=ticket, body="x", files=[content("e.txt", b"")]
        )
    assert "empty" in files_error(exc)


def test_a_report_with_a_bad_file_is_not_written(reporter):
    with pytest.raises(ValidationError):
        services.report_issue(reporter=reporter, description="x", files=[content("e.txt", b"")])
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize("name", ["../../etc/passwd", "..\\boot.ini", "a/b.txt", ".."])
def test_a_path_for_a_name_is_refused(ticket, reporter, name):
    with pytest.raises(ValidationError) as exc:
        services.post_message(actor=reporter, ticket=ticket, body="x", files=[content(name, b"x")])
    assert "is a path" in files_error(exc) or "no name" in files_error(exc)
    assert Attachment.objects.count() == 0


def test_a_name_longer_than_200_characters_is_refused(ticket, reporter):
    with pytest.raises(ValidationError) as exc:
        services.post_message(
            actor=reporter, ticket=ticket, body="x", files=[content("a" * 296 + ".txt", b"x")]
        )
    assert "longer than 200 characters" in files_error(exc)


def test_bidi_and_control_characters_are_taken_out_of_names(ticket, reporter):
    message = services.post_message(
        actor=reporter,
        ticket=ticket,
        body="x",
        files=[content("invoice\u202egnp.exe", b"MZ"), content("a\x00b\u200bc.txt", b"x")],
    )
    names = [a.filename for a in message.attachments.order_by("id")]
    assert names == ["invoicegnp.exe", "abc.txt"]


def test_markup_in_a_name_is_kept_as_text(ticket, reporter):
    message = services.post_message(
        actor=reporter,
        ticket=ticket,
        body="x",
        files=[content("<script>alert(1)<img src=x onerror=alert(2)>.txt", b"x")],
    )
    assert message.attachments.get().filename == "<script>alert(1)<img src=x onerror=alert(2)>.txt"


def test_uploads_have_a_rate_limit_per_person(ticket, reporter, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "upload": "3/h"}
    services.post_message(
        actor=reporter, ticket=ticket, body="x", files=[content(f"{n}", b"x") for n in range(3)]
    )
    with pytest.raises(RateLimited) as exc:
        services.post_message(actor=reporter, ticket=ticket, body="y", files=[content("4", b"x")])
    assert "attached many files" in exc.value.message
    assert ticket.messages.count() == 1


def stored_files(storage) -> list[str]:
    if not storage.exists("files"):
        return []
    folders, _ = storage.listdir("files")
    return [name for folder in folders for name in storage.listdir(f"files/{folder}")[1]]


@pytest.fixture
def empty_storage(settings):
    """A storage of attachments of this test's own (changing STORAGES makes a new one)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return storages["attachments"]


def test_a_refused_change_after_the_reply_takes_the_files_away_too(ticket, reporter, empty_storage):
    with pytest.raises(Exception):  # noqa: B017 (the workflow's refusal)
        services.reply_and_modify(
            actor=reporter, ticket=ticket, body="x", files=[content("a.txt", b"x")], status="closed"
        )
    assert Attachment.objects.count() == 0
    assert stored_files(empty_storage) == []


def test_deleting_a_ticket_removes_its_files_after_commit(
    reporter, django_capture_on_commit_callbacks
):
    from tests.factories import StaffFactory

    boss = StaffFactory(username="boss", is_superuser=True)
    ticket = services.report_issue(
        reporter=reporter, description="x", files=[content("a.png", png_bytes())]
    )
    attachment = Attachment.objects.get(ticket=ticket)
    storage = storages["attachments"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.delete_ticket(actor=boss, ticket=ticket)
    assert storage.exists(attachment.storage_name)  # not before the commit
    for callback in callbacks:
        callback()
    assert not storage.exists(attachment.storage_name)
    assert not storage.exists(attachment.thumbnail_name)


def test_files_on_disk_are_for_the_owner_only(ticket, reporter, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": tmp_path / "attachments",
                "base_url": None,
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        },
    }
    message = services.post_message(
        actor=reporter, ticket=ticket, body="x", files=[content("a.txt", b"hello")]
    )
    path = tmp_path / "attachments" / message.attachments.get().storage_name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700


def test_the_production_storage_is_private_and_outside_static(settings):
    from helpdesk import settings as production

    options = production.STORAGES["attachments"]["OPTIONS"]
    assert options["file_permissions_mode"] == 0o600
    assert options["directory_permissions_mode"] == 0o700
    assert options["base_url"] is None
    root = production.ATTACHMENTS_ROOT.resolve()
    assert production.STATIC_ROOT.resolve() not in (root, *root.parents)
    assert production.FILE_UPLOAD_PERMISSIONS == 0o600


def test_make_ticket_still_works_without_files(reporter):
    assert make_ticket(reporter).attachment_count == 0


def test_a_screenshot_with_xmp_metadata_is_still_an_image(ticket, reporter):
    import io

    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    xmp = (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        'xmlns:exif="http://ns.adobe.com/exif/1.0/"><exif:UserComment>Screenshot'
        "</exif:UserComment></rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    info.add_itxt("XML:com.adobe.xmp", xmp)
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, format="PNG", pnginfo=info)
    message = services.post_message(
        actor=reporter, ticket=ticket, body="x", files=[content("Screenshot.png", out.getvalue())]
    )
    assert message.attachments.get().is_image
