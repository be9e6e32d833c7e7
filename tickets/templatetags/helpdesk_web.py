"""The web pages' template tags."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.template.loader import render_to_string

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
    return render_to_string("includes/time.html", {"at": at, "class": css_class})
