"""Files for the attachment tests: real images, and the hostile ones."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

HTML = b"<!doctype html><html><body><script>alert(document.domain)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.domain)</script></svg>"
)


def png_bytes(size: tuple[int, int] = (64, 48), color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "blue").save(out, format="JPEG")
    return out.getvalue()


def polyglot_bytes() -> bytes:
    """A valid PNG that is also an HTML page (markup after the image's end)."""
    return png_bytes() + HTML


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    """A file as a browser uploads it (the claimed type is the client's, and ignored)."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def content(name: str, data: bytes) -> ContentFile:
    """A file as mail to the helpdesk hands it over: a name and bytes."""
    return ContentFile(data, name=name)
