"""A moment on the web pages: the tag writes what includes/time.html writes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tickets.templatetags.helpdesk_web import moment

AGO = [
    timedelta(0),
    timedelta(seconds=30),
    timedelta(minutes=5),
    timedelta(hours=3),
    timedelta(days=1, hours=2),
    timedelta(days=40),
    timedelta(days=400),
    -timedelta(hours=2),
]


@pytest.mark.parametrize("language", ["en", "de", "fr", "es"])
@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/Los_Angeles"])
def test_the_tag_and_the_include_write_the_same(language, zone):
    now = timezone.now()
    with translation.override(language), timezone.override(zone):
        for ago in AGO:
            for css_class in ("", "entry-time"):
                at = now - ago
                expected = render_to_string("includes/time.html", {"at": at, "class": css_class})
                assert moment(at, css_class) == expected
