"""The queue's table of tickets, rendered in one pass of plain Python.

Django's `{% result_list %}` works out, for each of the page's 50 rows and
each of its 9 cells, what the column is (lookup_field), how to show its value
(display_for_field), the row's link (reverse and the preserved filters) and
then the cell (format_html), and the template joins the cells one by one: over
half of the queue's CPU (docs/BENCHMARKS.md, "The per-request toll"). Here the
columns are worked out once per page and each row is a join of its cells, in
the very markup Django gives (tests/admin/test_queue_rows.py compares the two
for a sample of tickets and languages). A list this does not know how to
render exactly (list_editable, a column of a kind it does not handle) is left
to Django's own code.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, time
from typing import TYPE_CHECKING, Any

from django.contrib.admin.templatetags.admin_list import (
    _coerce_field_name,
    result_headers,
    result_list,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_value,
)
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from django.contrib.admin.views.main import ChangeList
    from django.db.models import Model

# Stands for the row's key in its link, worked out once a page.
_KEY = "queuerowkey"

Cell = Callable[["Model"], str]


def for_page(factory: Callable[[Any, ChangeList], Callable[[Any], Any]]) -> Callable:
    """Give a list_display method a twin for a whole page: factory(model_admin, cl)
    returns a function of the row that gives what the method gives, with what
    every row shares (words, a clock) worked out once. Django's own rendering
    still calls the method; the tests compare the two."""

    def decorate(method: Callable) -> Callable:
        method.for_page = factory  # type: ignore[attr-defined]
        return method

    return decorate


def escape_text(text: Any) -> str:
    """django.utils.html.escape without its keep_lazy wrapper, which costs more than
    the escaping itself when it runs a thousand times a page. Not for lazy strings."""
    return html.escape(str(text))


class Unsupported(Exception):
    """A column this renderer does not reproduce exactly: Django's code renders the list."""


def _shown(empty: str) -> Callable[[Any], str]:
    """display_for_value followed by format_html's escaping, as items_for_result does."""

    def shown(value: Any) -> str:
        if isinstance(value, str):
            if isinstance(value, SafeString):
                return value if value else empty
            value = value.strip()
            return escape_text(value) if value else empty
        if value is None:
            return empty
        if isinstance(value, (date, time)):
            # Django marks such a cell nowrap, row by row.
            raise Unsupported(value)
        return conditional_escape(display_for_value(value, empty))

    return shown


def _value_of(cl: ChangeList, name: Any, empty: str) -> tuple[Cell, bool]:
    """The column's value as shown, and whether Django marks its cells nowrap."""
    shown = _shown(empty)
    try:
        field = _get_non_gfk_field(cl.lookup_opts, name)
    except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
        field = None
    if field is None:
        if callable(name):
            attr = name
        elif isinstance(name, str) and hasattr(cl.model_admin, name) and name != "__str__":
            attr = getattr(cl.model_admin, name)
        else:
            raise Unsupported(name)
        if getattr(attr, "boolean", False) or hasattr(attr, "empty_value_display"):
            raise Unsupported(name)
        factory = getattr(attr, "for_page", None)
        if factory is not None:
            attr = factory(cl.model_admin, cl)
        return (lambda obj: shown(attr(obj))), False
    if field.auto_created:
        raise Unsupported(name)
    attname = field.name
    if isinstance(field.remote_field, models.ManyToOneRel):
        # A foreign key shows its object's str(), escaped.
        def related(obj: Model) -> str:
            value = getattr(obj, attname)
            return empty if value is None else conditional_escape(value)

        return related, True
    if (
        type(field) in (models.CharField, models.TextField)
        and not field.choices
        and attname != "password"
    ):
        return (lambda obj: shown(getattr(obj, attname))), False
    raise Unsupported(name)


def _link(cl: ChangeList) -> Callable[[Model, str], str]:
    """The row's link to its ticket, with the list's filters preserved, as Django makes it."""
    opts = cl.opts
    pattern = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_change",
        args=(_KEY,),
        current_app=cl.model_admin.admin_site.name,
    )
    pattern = add_preserved_filters(
        {"preserved_filters": cl.preserved_filters, "opts": opts}, pattern
    )
    before, _, after = str(escape(pattern)).partition(_KEY)
    pk = opts.pk.attname
    if (
        cl.is_popup
        or cl.to_field
        or opts.pk.get_internal_type()
        not in (
            "AutoField",
            "BigAutoField",
            "IntegerField",
            "BigIntegerField",
        )
    ):
        raise Unsupported("link")

    def link(obj: Model, shown: str) -> str:
        return f'<a href="{before}{getattr(obj, pk)}{after}">{shown}</a>'

    return link


def _cells(cl: ChangeList) -> list[Cell]:
    """Each column's cell as a function of the row, worked out once per page."""
    empty = cl.model_admin.get_empty_value_display()
    link = _link(cl)
    cells: list[Cell] = []
    first = True
    for index, name in enumerate(cl.list_display):
        classes = [f"field-{_coerce_field_name(name, index)}"]
        if name == "action_checkbox":
            classes = ["action-checkbox"]
        value, nowrap = _value_of(cl, name, empty)
        if nowrap:
            classes.append("nowrap")
        linked = cl.list_display_links is not None and (
            (first and not cl.list_display_links) or name in cl.list_display_links
        )
        tag = "th" if linked and first else "td"
        if linked:
            first = False
        head = f'<{tag} class="{" ".join(classes)}">'
        tail = f"</{tag}>"
        if linked:
            cells.append(
                lambda obj, value=value, head=head, tail=tail: head + link(obj, value(obj)) + tail
            )
        else:
            cells.append(lambda obj, value=value, head=head, tail=tail: head + value(obj) + tail)
    return cells


def rows(cl: ChangeList) -> list[SafeString]:
    """The page's rows, each its cells' markup (what goes between <tr> and </tr>)."""
    cells = _cells(cl)
    return [SafeString("".join([cell(obj) for cell in cells])) for obj in cl.result_list]


def queue_result_list(cl: ChangeList) -> dict[str, Any]:
    """The context of Django's result_list, with the rows made by `rows`."""
    if cl.formset:
        return {**result_list(cl), "rows": None}
    try:
        body = rows(cl)
    except Unsupported:
        # Django's items_for_result needs model instances, not a page read as rows.
        if hasattr(cl, "tickets_for_django"):
            cl.tickets_for_django()
        return {**result_list(cl), "rows": None}
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": body,
        "rows": body,
    }
