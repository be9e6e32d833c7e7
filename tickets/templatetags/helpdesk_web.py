"""The web pages' template tags."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.timezone import template_localtime

if TYPE_CHECKING:
    from datetime import datetime

    from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def moment(at: datetime, css_class: str = "") -> SafeString:
    """A moment as includes/time.html shows it ("3 hours ago"), to put into a sentence.

    `{% moment ticket.updated_at as updated %}` then `{% blocktranslate %}Updated
    {{ updated }}{% endblocktranslate %}`: the sentence is translated whole.
    """
    # Written here rather than by rendering includes/time.html (the same markup,
    # tests/web/test_moment.py compares them): the list shows one per ticket, and
    # a template per moment was a quarter of the page's time (docs/BENCHMARKS.md).
    local = template_localtime(at)
    return format_html(
        '<time{} datetime="{}" title="{}">{}</time>',
        format_html(' class="{}"', css_class) if css_class else "",
        date_filter(local, "c"),
        date_filter(local, "DATETIME_FORMAT"),
        naturaltime(at),
    )
