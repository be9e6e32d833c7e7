"""Query parameters, strictly: a list endpoint names the ones it knows and refuses the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

if TYPE_CHECKING:
    from rest_framework.request import Request


def check_query_params(
    request: Request,
    *,
    known: set[str],
    repeatable: frozenset[str] = frozenset(),
    may_be_empty: frozenset[str] = frozenset(),
) -> None:
    """Refuse unknown parameters, single-valued ones given twice, and empty values.

    An empty value is a mistake to point out, not "no filter", except for the
    parameters in `may_be_empty` (free text, where empty means "anything").
    """
    errors: dict[str, list[str]] = {}
    for name in request.query_params:
        values = request.query_params.getlist(name)
        if name not in known:
            # Translators: %(known)s lists query parameter names (identifiers).
            message = _("Unknown query parameter; use: %(known)s.")
            errors[name] = [message % {"known": ", ".join(sorted(known))}]
        elif name not in repeatable and len(values) > 1:
            errors[name] = [_("Give this parameter once.")]
        elif name not in may_be_empty and any(not v.strip() for v in values):
            errors[name] = [_("Give a value, or leave the parameter out.")]
    if errors:
        raise ValidationError(errors)
