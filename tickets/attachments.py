"""Files on tickets: what is accepted, what it is, and how it is served.

Every interface (the web pages, the console, the API, mail to the helpdesk)
hands the services Django File objects with a name and a size (an
UploadedFile, or a ContentFile for mail); `inspect` checks them against the
limits of settings and works out, from the file's own bytes, what each one is,
before anything is written. Files are data, never code or markup:

- the type is decided here from magic numbers and an allowlist, never from
  the name or the type the client claimed; HTML, SVG and anything unknown are
  application/octet-stream, and an image whose bytes also hold markup (an
  image/HTML polyglot) is not treated as an image;
- images get a thumbnail re-encoded by Pillow from the decoded pixels, after
  a pixel-count check against decompression bombs;
- `file_response` serves every file as a download except the images checked
  above, always with nosniff and a sandboxing Content-Security-Policy;
- the name the uploader gave is normalised (no path, control or bidi
  characters, bounded length) and only ever shown, escaped; the storage name
  is random (`new_storage_name`).
"""

from __future__ import annotations

import io
import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tickets.models import ATTACHMENT_NAME_MAX_LENGTH

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.core.files import File

    from tickets.models import Attachment

# The images shown inline and as thumbnails: Pillow's format name -> type.
IMAGE_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}
OCTET_STREAM = "application/octet-stream"
THUMBNAIL_SIZE = (480, 480)
# The folder of the storage every file goes in, and its name's random part.
FOLDER = "files"
# Markup a browser could run if it ever took the file for a page. In an image,
# it makes the file a polyglot, which is then served as a plain download.
# Six characters or more, so that compressed pixels do not match by chance.
MARKUP = re.compile(
    rb"<(?:!doctype|html|head\b|body\b|script|svg\b|iframe|object\b|embed\b|meta\b"
    rb"|\?xml|style\b|a\s+href|img\s|link\s|form\b)",
    re.IGNORECASE,
)
# What the server serves, by magic number, besides images (always as downloads).
MAGIC = [
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
]
IMAGE_MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
]
# Characters that are not shown but change what is shown: controls, format
# characters (bidi overrides such as U+202E, zero-width joiners), separators
# of lines and paragraphs, and unassigned or private code points.
HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def max_file_size() -> int:
    return settings.ATTACHMENTS_MAX_FILE_SIZE


def max_files() -> int:
    return settings.ATTACHMENTS_MAX_FILES


def max_ticket_size() -> int:
    return settings.ATTACHMENTS_MAX_TICKET_SIZE


@dataclass(frozen=True)
class Inspected:
    """An accepted file: its shown name, size, server-decided type and thumbnail."""

    file: File
    filename: str
    size: int
    content_type: str
    thumbnail: bytes | None  # PNG bytes, for images only


def clean_filename(name: str | None) -> str:
    """The name to show for an upload called `name`; ValidationError if it is none.

    Path-like names (with a folder, or . and ..) are refused, not cut down:
    the browser and Django's upload parser send names without folders, so a
    folder in a name means someone is trying something.
    """
    raw = str(name or "")
    if "/" in raw or "\\" in raw or raw.strip() in {".", ".."}:
        raise ValidationError(
            _("“%(name)s” is a path, not a file name: send the file under its own name.")
            % {"name": _shown(raw)},
            code="path",
        )
    cleaned = _visible(raw).strip().strip(".").strip()
    if not cleaned:
        raise ValidationError(_("A file has no name: give it one and send it again."), code="name")
    if len(cleaned) > ATTACHMENT_NAME_MAX_LENGTH:
        raise ValidationError(
            _(
                "The file name “%(name)s…” is longer than %(limit)s characters: "
                "shorten it and send it again."
            )
            % {"name": cleaned[:40], "limit": ATTACHMENT_NAME_MAX_LENGTH},
            code="name_too_long",
        )
    return cleaned


def _visible(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return "".join(
        " " if char in "\t\n\r" else char
        for char in text
        if char in "\t\n\r" or unicodedata.category(char) not in HIDDEN_CATEGORIES
    )


def _shown(text: str) -> str:
    """A bad name as an error message may quote it: visible characters only, bounded."""
    shown = _visible(text)
    return shown if len(shown) <= 60 else shown[:59] + "…"


def inspect(files: Sequence[File], *, ticket_total: int = 0) -> list[Inspected]:
    """Check `files` against the limits and work out what each is; nothing is written.

    `ticket_total` is the size of the files the ticket already has. Every
    problem is reported at once, in one ValidationError under "files".
    """
    files = list(files)
    if not files:
        return []
    errors: list[str] = []
    if len(files) > max_files():
        errors.append(
            ngettext(
                "You sent %(count)s files; a message takes at most %(limit)s file.",
                "You sent %(count)s files; a message takes at most %(limit)s files.",
                max_files(),
            )
            % {"count": len(files), "limit": max_files()}
        )
        raise ValidationError({"files": errors})
    accepted = []
    total = ticket_total
    for file in files:
        try:
            filename = clean_filename(getattr(file, "name", ""))
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        size = file.size or 0
        if size <= 0:
            errors.append(
                _("“%(name)s” is empty: nothing to attach.") % {"name": filename},
            )
            continue
        if size > max_file_size():
            errors.append(
                _("“%(name)s” (%(size)s) is larger than %(limit)s, the most a file may be.")
                % {
                    "name": filename,
                    "size": filesizeformat(size),
                    "limit": filesizeformat(max_file_size()),
                }
            )
            continue
        total += size
        accepted.append((file, filename, size))
    if total > max_ticket_size():
        errors.append(
            _(
                "These files would bring the ticket's attachments to %(total)s; "
                "a ticket may hold at most %(limit)s."
            )
            % {"total": filesizeformat(total), "limit": filesizeformat(max_ticket_size())}
        )
    if errors:
        raise ValidationError({"files": errors})
    return [_examine(file, filename, size) for file, filename, size in accepted]


def _examine(file: File, filename: str, size: int) -> Inspected:
    head, has_markup = _scan(file)
    content_type = sniff(head)
    thumbnail = None
    if content_type.startswith("image/"):
        thumbnail = None if has_markup else make_thumbnail(file)
        if thumbnail is None:
            # Not a picture we could decode safely (or a polyglot): a plain download.
            content_type = OCTET_STREAM
    elif content_type == "text/plain" and has_markup:
        content_type = OCTET_STREAM
    return Inspected(file, filename, size, content_type, thumbnail)


def _scan(file: File) -> tuple[bytes, bool]:
    """The file's first bytes, and whether markup appears anywhere in it."""
    head = b""
    tail = b""
    found = False
    file.seek(0)
    for chunk in file.chunks():
        if not head:
            head = chunk[:4096]
        if not found and MARKUP.search(tail + chunk):
            found = True
        tail = chunk[-32:]
    file.seek(0)
    return head, found


def sniff(head: bytes) -> str:
    """The type of a file that starts with `head`, from the allowlist; octet-stream if none."""
    for magic, fmt in IMAGE_MAGIC:
        if head.startswith(magic):
            return IMAGE_TYPES[fmt]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return IMAGE_TYPES["WEBP"]
    for magic, content_type in MAGIC:
        if head.startswith(magic):
            return content_type
    if b"\x00" not in head:
        try:
            # A multi-byte character may be cut at the end of the head.
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:
                return OCTET_STREAM
        return "text/plain"
    return OCTET_STREAM


def make_thumbnail(file: File) -> bytes | None:
    """A PNG thumbnail drawn from the image's decoded pixels; None if it is no safe image."""
    from PIL import Image, UnidentifiedImageError

    limit = settings.ATTACHMENTS_MAX_IMAGE_PIXELS
    file.seek(0)
    try:
        with Image.open(file, formats=list(IMAGE_TYPES)) as image:
            # JPEG decodes at a reduced scale (up to 1/8), so a phone's photo
            # costs little; draft() does nothing for the other formats.
            image.draft("RGB", THUMBNAIL_SIZE)
            width, height = image.size
            # The size to be decoded, from the header, checked before any pixel
            # is: decoding costs memory in pixels, not in bytes uploaded.
            if width < 1 or height < 1 or width * height > limit:
                return None
            image.thumbnail(THUMBNAIL_SIZE)
            mode = "RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB"
            out = io.BytesIO()
            image.convert(mode).save(out, format="PNG", optimize=True)
            return out.getvalue()
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
        Image.DecompressionBombError,
    ):
        return None
    finally:
        file.seek(0)


def new_storage_name(kind: str = "") -> str:
    """A random name in the storage: unguessable, and nothing of the upload's own name."""
    token = secrets.token_hex(16)
    return f"{FOLDER}/{token[:2]}/{token}{kind}"


def storage():
    return storages["attachments"]


# --- serving ------------------------------------------------------------------

# Even if a browser took a served file for a page, it could run nothing and
# load nothing: no scripts, no plugins, no same-origin access.
FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def file_response(attachment: Attachment, *, thumbnail: bool = False) -> FileResponse:
    """Stream the file (or its thumbnail) with the headers that keep it a file.

    Only the images checked at upload (they have a thumbnail) are inline;
    everything else is a download. FileResponse streams from the storage in
    blocks (or by sendfile under a server that offers it): no file is ever
    read whole into memory.
    """
    inline = attachment.is_image
    if thumbnail:
        if not attachment.thumbnail_name:
            raise FileNotFoundError(attachment.pk)
        handle = storage().open(attachment.thumbnail_name, "rb")
        content_type = "image/png"
    else:
        handle = storage().open(attachment.storage_name, "rb")
        content_type = attachment.content_type if attachment.content_type else OCTET_STREAM
        if not inline and content_type.startswith("image/"):
            content_type = OCTET_STREAM
        if content_type == "text/plain":
            content_type = "text/plain; charset=utf-8"
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    # Immutable, but private: only this person was found allowed to read it.
    response["Cache-Control"] = "private, max-age=3600"
    return response
