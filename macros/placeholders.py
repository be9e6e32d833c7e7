"""A macro's reply: a fixed set of placeholders filled in by plain string replacement. Pure.

No template engine ever sees a macro's body: `{{ reporter_name }}` and the
three others are replaced, everything else (`{{ request }}`, `{% ... %}`,
HTML) stays the text it is, and is escaped on output like any message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

# Translators: what each placeholder of a macro's reply stands for.
PLACEHOLDERS = {
    "reporter_name": _("the reporter's name"),
    "ticket_number": _("the ticket's number"),
    "subject": _("the ticket's subject"),
    "staff_name": _("your name"),
}

_PATTERN = re.compile(r"\{\{\s*(" + "|".join(PLACEHOLDERS) + r")\s*\}\}")


def fill(body: str, values: Mapping[str, str]) -> str:
    """`body` with each known placeholder replaced by its value, in one pass.

    One pass: a value that itself reads "{{ staff_name }}" (a subject, say)
    is not expanded again.
    """
    return _PATTERN.sub(lambda match: str(values.get(match.group(1), "")), body)
