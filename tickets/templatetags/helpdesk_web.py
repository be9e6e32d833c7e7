"""The web pages' template tags.

The pages show many moments ("3 hours ago", the exact time on hover) and the
list many rows; Django's filters and templates for each cost most of a page's
time (docs/BENCHMARKS.md, "The per-request toll"). So the moment and the row
are written here in Python, with the same markup, and the words they need are
looked up once per language rather than once per use: tests/web/test_moment.py
compares the moment with Django's `naturaltime` and `date` for every unit,
language and time zone, and tests/web/test_same_pages.py the pages with the
templates they replace.
"""

from __future__ import annotations

import functools
import html
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, NamedTuple

from django import template
from django.contrib.humanize.templatetags.humanize import NaturalTimeFormatter, intcomma
from django.forms.renderers import DjangoTemplates
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.template.defaulttags import CsrfTokenNode, querystring
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import dateformat, formats
from django.utils.html import avoid_wrapping, conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import TIME_STRINGS_KEYS
from django.utils.timezone import is_aware, template_localtime
from django.utils.translation import get_language, gettext, ngettext, pgettext, pgettext_lazy

# Django's own words (naturaltime's ", "), translated by Django's catalog: under
# another name, so that makemessages leaves them out of ours.
from django.utils.translation import gettext as djangos_word

from tickets.timeline import PRIORITY_LABELS, STATUS_LABELS, person, reported
from tickets.timesince import units as timesince_units

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from django.forms import BoundField
    from django.utils.safestring import SafeString

    from tickets.models import Attachment, Ticket
    from tickets.views import Tab

register = template.Library()


def escape(value: object) -> str:
    """What django.utils.html.escape writes, without its lazy-string wrapper and SafeString."""
    return html.escape(str(value))


# --- how long ago -------------------------------------------------------------------


def _words() -> tuple[str | None, str]:
    """What the cached words below are kept under: the language, and a word of it as
    translated now, so that other translations in force (the tests' pseudo-language)
    are never answered from the cache."""
    return get_language(), djangos_word("now")


@functools.lru_cache(maxsize=8192)
def _relative_words(words: tuple, kind: str, count: int | tuple) -> str:
    """What naturaltime says for `kind` ("past-hour", "future-day", ...) and its count, escaped.

    One entry per language and distinct wording: a page of 25 moments looks up
    a handful. The words are Django's own strings, put together as it does.
    """
    strings = NaturalTimeFormatter.time_strings
    if kind in ("past-day", "future-day"):
        units = NaturalTimeFormatter.past_substrings
        if kind == "future-day":
            units = NaturalTimeFormatter.future_substrings
        if count:
            delta = djangos_word(", ").join(
                avoid_wrapping(units[TIME_STRINGS_KEYS[unit]] % {"num": num}) for unit, num in count
            )
        else:
            delta = avoid_wrapping(units["minute"] % {"num": 0})
        text = strings[kind] % {"delta": delta}
    elif kind == "now":
        text = str(strings["now"])
    else:
        text = strings[kind] % {"count": count}
    return escape(text)


def relative(value: datetime, words: tuple | None = None) -> str:
    """`value|naturaltime`, escaped: "3 hours ago", "2 weeks, 1 day ago", "in 5 minutes".

    `words` is `_words()` (a page with many moments looks it up once: see Clock).
    """
    words = words or _words()
    now = datetime.now(UTC if is_aware(value) else None)
    if now.tzinfo is not None:
        now = now.astimezone(value.tzinfo)
    if value < now:
        delta, direction = now - value, "past"
        if delta.days:
            return _relative_words(words, "past-day", timesince_units(value, now))
    else:
        delta, direction = value - now, "future"
        if delta.days:
            # timeuntil: timesince with the two moments swapped.
            return _relative_words(words, "future-day", timesince_units(now, value))
    seconds = delta.seconds
    if seconds == 0:
        return _relative_words(words, "now", 0)
    if seconds < 60:
        return _relative_words(words, f"{direction}-second", seconds)
    if seconds < 3600:
        return _relative_words(words, f"{direction}-minute", seconds // 60)
    return _relative_words(words, f"{direction}-hour", seconds // 3600)


# --- the exact time ----------------------------------------------------------------

# Format characters whose text depends only on the month, or on the hour and
# minute, in a language: worded once per language and value.
_BY_MONTH = frozenset("bEFMN")
_BY_CLOCK = frozenset("aAfgGhHiP")
_NUMBERS: dict[str, Callable[[datetime], str]] = {
    "d": lambda d: f"{d.day:02d}",
    "j": lambda d: str(d.day),
    "m": lambda d: f"{d.month:02d}",
    "n": lambda d: str(d.month),
    "Y": lambda d: f"{d.year:04d}",
    "y": lambda d: f"{d.year % 100:02d}",
}


@functools.lru_cache(maxsize=64)
def _plan(fmt: str) -> tuple[tuple[bool, str], ...]:
    """A date format split as Django's dateformat splits it: (is a format character, text)."""
    plan = []
    for i, piece in enumerate(dateformat.re_formatchars.split(fmt)):
        if i % 2:
            plan.append((True, piece))
        elif piece:
            plan.append((False, dateformat.re_escaped.sub(r"\1", piece)))
    return tuple(plan)


@functools.lru_cache(maxsize=8192)
def _worded(words: tuple, char: str, key: tuple[int, ...]) -> str:
    # Any moment with this month (or this hour and minute) words it alike.
    moment = datetime(2001, key[0], 1) if char in _BY_MONTH else datetime(2001, 1, 1, *key)
    return str(getattr(dateformat.DateFormat(moment), char)())


class Clock(NamedTuple):
    """What every moment of a page words itself with, looked up once for the page."""

    words: tuple
    plan: tuple[tuple[bool, str], ...]  # DATETIME_FORMAT, split by _plan


def clock() -> Clock:
    return Clock(_words(), _plan(str(formats.get_format("DATETIME_FORMAT"))))


def exact(local: datetime, on: Clock | None = None) -> str:
    """`local|date:"DATETIME_FORMAT"` (Django's dateformat), unescaped."""
    words, plan = on or clock()
    pieces = []
    formatter = None
    for is_char, text in plan:
        if not is_char:
            pieces.append(text)
        elif text in _NUMBERS:
            pieces.append(_NUMBERS[text](local))
        elif text in _BY_MONTH:
            pieces.append(_worded(words, text, (local.month,)))
        elif text in _BY_CLOCK:
            pieces.append(_worded(words, text, (local.hour, local.minute)))
        else:
            formatter = formatter or dateformat.DateFormat(local)
            pieces.append(str(getattr(formatter, text)()))
    return "".join(pieces)


def moment_html(at: datetime, css_class: str = "", on: Clock | None = None) -> SafeString:
    """A moment as includes/time.html writes it, for Python that writes markup.

    `on`: the page's Clock, for a page of many moments.
    """
    if not isinstance(at, datetime):
        return _moment_slow(at, css_class)
    on = on or clock()
    local = template_localtime(at)
    attribute = f' class="{escape(css_class)}"' if css_class else ""
    return mark_safe(  # noqa: S308 (each value escaped)
        f'<time{attribute} datetime="{escape(local.isoformat())}" '
        f'title="{escape(exact(local, on))}">{relative(at, on.words)}</time>'
    )


def _moment_slow(at: date | str, css_class: str) -> SafeString:
    """Anything but a datetime, through Django's filters (as the include would)."""
    from django.contrib.humanize.templatetags.humanize import naturaltime

    return format_html(
        '<time{} datetime="{}" title="{}">{}</time>',
        format_html(' class="{}"', css_class) if css_class else "",
        date_filter(at, "c"),
        date_filter(at, "DATETIME_FORMAT"),
        naturaltime(at),
    )


@register.simple_tag
def moment(at: datetime, css_class: str = "") -> SafeString:
    """A moment as includes/time.html shows it ("3 hours ago"), to put into a sentence.

    `{% moment ticket.updated_at as updated %}` then `{% blocktranslate %}Updated
    {{ updated }}{% endblocktranslate %}`: the sentence is translated whole.
    `{% moment entry.at "entry-time" %}` writes it where it stands.
    """
    # Written here rather than by rendering includes/time.html (the same markup,
    # tests/web/test_moment.py compares them): a template per moment was a
    # quarter of the list's time (docs/BENCHMARKS.md).
    return moment_html(at, css_class)


# --- the rows of "my tickets" ------------------------------------------------------


@register.simple_tag
def ticket_rows(tickets: Iterable[Ticket]) -> SafeString:
    """The rows of "my tickets", as the row template wrote them (tests/web/test_same_pages.py).

    Each sentence is translated once for the page, not once per row; each
    value is escaped as the template escaped it.
    """
    # Translators: when a ticket last changed; %(updated)s is how long ago, e.g. "3 hours ago".
    updated_text = gettext("Updated %(updated)s")
    # Translators: who at the helpdesk has the ticket.
    with_text = gettext("With %(name)s")
    # Translators: e.g. "High priority".
    priority_text = gettext("%(priority)s priority")
    statuses = {status: escape(label) for status, label in STATUS_LABELS.items()}
    priorities: dict[str, str] = {}
    # Every ticket's address differs only by its number: reversed once.
    marker = 2147483647
    url = reverse("tickets:detail", args=[marker]).split(str(marker))
    on = clock()
    rows = []
    for ticket in tickets:
        meta = [
            f"<span>#{ticket.pk}</span>",
            "<span>"
            + updated_text % {"updated": moment_html(ticket.updated_at, on=on)}
            + "</span>",
        ]
        assignee = ticket.assignee
        if assignee:
            name = escape(assignee.get_full_name() or assignee.username)
            meta.append("<span>" + with_text % {"name": name} + "</span>")
        priority = ticket.priority
        if priority in ("high", "urgent"):
            if priority not in priorities:
                label = escape(PRIORITY_LABELS.get(priority, priority))
                priorities[priority] = priority_text % {"priority": label}
            meta.append(
                f'<span class="priority priority-{escape(priority)}">{priorities[priority]}</span>'
            )
        status = escape(ticket.status)
        label = statuses.get(ticket.status) or escape(ticket.status)
        rows.append(
            '<li class="ticket-row">\n'
            '<div class="ticket-summary">\n'
            f'<a class="ticket-link" href="{escape(str(ticket.pk).join(url))}">'
            f"{escape(ticket.subject)}</a>\n"
            '<p class="ticket-meta">\n' + "\n".join(meta) + "\n</p>\n</div>\n"
            f'<span class="badge badge-{status}"><span class="badge-dot" aria-hidden="true">'
            f"</span>{label}</span>\n</li>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (each value escaped above)


# --- form fields ---------------------------------------------------------------------

# Django's own templates for these widgets, which field_html writes directly.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "hidden", "text", "file", "email", "number", "password")
)
_TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def _attrs_html(attrs: dict[str, object]) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


@register.simple_tag
def field_html(field: BoundField) -> SafeString:
    """`{{ field }}`, the same markup, without a template per widget.

    For inputs and text areas with Django's own templates: the attributes and
    the value come from Django (BoundField and the widget's get_context), only
    the widget's template is written here. Anything else renders as `{{ field }}`.
    """
    widget = field.field.widget
    if (
        field.field.show_hidden_initial
        or field.field.localize
        or widget.template_name not in (*_INPUT_TEMPLATES, _TEXTAREA_TEMPLATE)
        or not isinstance(field.form.renderer, DjangoTemplates)
    ):
        return conditional_escape(field)
    # As BoundField.as_widget does it.
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    name = conditional_escape(context["name"])
    value = context["value"]
    if widget.template_name == _TEXTAREA_TEMPLATE:
        text = conditional_escape(value) if value else ""
        return mark_safe(  # noqa: S308 (each value escaped)
            f'<textarea name="{name}"{_attrs_html(context["attrs"])}>\n{text}</textarea>'
        )
    value_html = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return mark_safe(  # noqa: S308 (each value escaped)
        f'<input type="{conditional_escape(context["type"])}" name="{name}"{value_html}'
        f"{_attrs_html(context['attrs'])}>"
    )


# --- addresses -----------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _reversed(prefix: str, urlconf: str | None, name: str) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def page_url(name: str) -> str:
    """`{% url name %}` for a page without arguments, reversed once per prefix and URLconf.

    The layout links to the same eight pages on every request; `reverse` is
    the same work each time.
    """
    return _reversed(get_script_prefix(), get_urlconf(), name)


# --- the tabs of "my tickets" ----------------------------------------------------------


@register.simple_tag(takes_context=True)
def tab_links(context: template.Context, tabs: Iterable[tuple[Tab, int]], current: Tab) -> str:
    """The tabs of "my tickets", each with its count, as their template wrote them."""
    rows = []
    for tab, count in tabs:
        url = conditional_escape(querystring(context, tab=tab.key, page=None))
        here = ' aria-current="page"' if tab.key == current.key else ""
        attention = " count-attention" if tab.key == "waiting" and count else ""
        # Translators: read out after the number of tickets in a tab, for screen readers.
        unit = ngettext("ticket", "tickets", count) % {"counter": count}
        rows.append(
            f'<li><a href="{url}"{here}>{conditional_escape(tab.label)} '
            f'<span class="count{attention}">{conditional_escape(intcomma(count))}'
            f'<span class="visually-hidden"> {unit}</span></span></a></li>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (each value escaped)


# --- the ticket page -------------------------------------------------------------------
#
# The page's head, details, actions and timeline, as tickets/detail.html and its
# includes wrote them (tests/web/test_same_pages.py compares the two): a
# template per entry, file and button cost most of the page. The page's fixed
# words are looked up once per language, not once per request.


# Translators: "New" tags an item of the conversation that arrived since the reader last looked.
_NEW = pgettext_lazy("since you last looked", "New")


@functools.lru_cache(maxsize=64)
def _ticket_words(words: tuple) -> dict[str, str]:
    """The ticket page's fixed words, as {% translate %} wrote them (translated, not escaped)."""
    return {
        "details": gettext("Details"),
        "status": gettext("Status"),
        "priority": gettext("Priority"),
        "reported_by": gettext("Reported by"),
        # Translators: in place of the name of whom a ticket is assigned to.
        "assigned_to": gettext("Assigned to"),
        "not_yet": gettext("Not yet"),
        "created": gettext("Created"),
        "updated": gettext("Updated"),
        "solved": pgettext("when a ticket was solved", "Solved"),
        "closed": pgettext("when a ticket was closed", "Closed"),
        "mark_solved": gettext("Mark as solved"),
        "reopen": gettext("Reopen"),
        "edit": gettext("Edit subject or description"),
        "new": str(_NEW),
        "edited": pgettext("the description was edited", "Edited"),
        "attached_files": gettext("Attached files"),
        # Translators: %(reported)s is how long ago, e.g. "3 hours ago".
        "reported_by_you": gettext("Reported by You %(reported)s"),
        "reported_by_name": gettext("Reported by %(name)s %(reported)s"),
    }


@functools.lru_cache(maxsize=256)
def _split_address(prefix: str, urlconf: str | None, name: str) -> tuple[str, str]:
    marker = 2147483647
    before, after = reverse(name, args=[marker], urlconf=urlconf).split(str(marker))
    return before, after


def _address(name: str) -> tuple[str, str]:
    """The address of the page `name` for an object, split around its number (join the
    number with it): reversed once per prefix and URLconf, as page_url is."""
    return _split_address(get_script_prefix(), get_urlconf(), name)


@register.simple_tag(takes_context=True)
def ticket_head(context: template.Context) -> SafeString:
    """The head of the ticket page: subject, status, number, who reported it and when."""
    ticket = context["ticket"]
    on = clock()
    words = _ticket_words(on.words)
    reported = moment_html(ticket.created_at, on=on)
    if context["is_reporter"]:
        who = words["reported_by_you"] % {"reported": reported}
    else:
        name = escape(person(ticket.reporter, context["user"]))
        who = words["reported_by_name"] % {"name": name, "reported": reported}
    return mark_safe(  # noqa: S308 (each value escaped)
        '<header class="ticket-head">\n'
        f"<h1>{escape(ticket.subject)}</h1>\n"
        '<p class="ticket-head-meta">\n'
        f'<span class="badge badge-{escape(ticket.status)}"><span class="badge-dot" '
        f'aria-hidden="true"></span>{escape(context["status_label"])}</span>\n'
        f"<span>#{ticket.pk}</span>\n"
        f"<span>{who}</span>\n</p>\n</header>"
    )


def _exact_time(at: datetime, on: Clock) -> str:
    local = template_localtime(at)
    return f'<time datetime="{escape(local.isoformat())}">{escape(exact(local, on))}</time>'


@register.simple_tag(takes_context=True)
def ticket_details(context: template.Context) -> SafeString:
    """The ticket's details box: status, priority, people and dates."""
    ticket, viewer = context["ticket"], context["user"]
    on = clock()
    words = _ticket_words(on.words)
    priority = escape(ticket.priority)
    priority_label = escape(PRIORITY_LABELS.get(ticket.priority, ticket.priority))
    if ticket.assignee is not None:
        assignee = escape(person(ticket.assignee, viewer))
    else:
        assignee = f'<span class="muted">{words["not_yet"]}</span>'
    rows = [
        f"<div><dt>{words['status']}</dt><dd>{escape(context['status_label'])}</dd></div>",
        f'<div><dt>{words["priority"]}</dt><dd><span class="priority priority-{priority}">'
        f"{priority_label}</span></dd></div>",
        f"<div><dt>{words['reported_by']}</dt>"
        f"<dd>{escape(person(ticket.reporter, viewer))}</dd></div>",
        f"<div><dt>{words['assigned_to']}</dt><dd>{assignee}</dd></div>",
        f"<div><dt>{words['created']}</dt><dd>{_exact_time(ticket.created_at, on)}</dd></div>",
        f"<div><dt>{words['updated']}</dt><dd>{_exact_time(ticket.updated_at, on)}</dd></div>",
    ]
    if ticket.resolved_at:
        rows.append(
            f"<div><dt>{words['solved']}</dt><dd>{_exact_time(ticket.resolved_at, on)}</dd></div>"
        )
    if ticket.closed_at:
        rows.append(
            f"<div><dt>{words['closed']}</dt><dd>{_exact_time(ticket.closed_at, on)}</dd></div>"
        )
    return mark_safe(  # noqa: S308 (each value escaped)
        f'<h2 id="details-title" class="card-title">{words["details"]}</h2>\n'
        '<dl class="details details-compact">\n' + "\n".join(rows) + "\n</dl>"
    )


@register.simple_tag(takes_context=True)
def ticket_actions(context: template.Context) -> SafeString:
    """The buttons beside the details: solve, reopen (each a form with the page's
    version and moment, so a change made meanwhile is refused, not lost) and edit."""
    ticket = context["ticket"]
    words = _ticket_words(_words())
    actions = []
    buttons = []
    if context["can_solve"]:
        buttons.append(("resolved", words["mark_solved"], "button button-success button-block"))
    if context["can_reopen"]:
        buttons.append(("open", words["reopen"], "button button-block"))
    if buttons:
        state = context["state"]
        action = escape(str(ticket.pk).join(_address("tickets:status")))
        csrf = CsrfTokenNode().render(context)
        for status, label, css_class in buttons:
            actions.append(
                f'<form method="post" action="{action}">\n{csrf}\n'
                f'<input type="hidden" name="version" value="{escape(state["version"])}">\n'
                f'<input type="hidden" name="seen" value="{escape(state["seen"])}">\n'
                f'<input type="hidden" name="status" value="{status}">\n'
                f'<button type="submit" class="{css_class}">{label}</button>\n</form>'
            )
    if context["can_edit"]:
        edit = escape(str(ticket.pk).join(_address("tickets:edit")))
        actions.append(
            f'<a class="button button-quiet button-block" href="{edit}">{words["edit"]}</a>'
        )
    if not actions:
        return mark_safe("")
    return mark_safe(  # noqa: S308 (each value escaped)
        '<div class="side-actions">\n' + "\n".join(actions) + "\n</div>"
    )


def _files_html(files: Iterable[Attachment], words: dict[str, str]) -> str:
    """includes/attachments.html."""
    download = _address("tickets:attachment")
    thumbnail = _address("tickets:attachment-thumbnail")
    items = []
    for file in files:
        url = escape(str(file.pk).join(download))
        name = escape(file.filename)
        size = escape(filesizeformat(file.size))
        if file.is_image:
            thumb = escape(str(file.pk).join(thumbnail))
            items.append(
                '<li class="attachment attachment-image">\n'
                f'<a href="{url}" class="attachment-thumb" target="_blank" rel="noopener">'
                f'<img src="{thumb}" alt="{name}" loading="lazy" decoding="async"></a>\n'
                f'<a href="{url}" class="attachment-name"><bdi>{name}</bdi></a>\n'
                f'<span class="attachment-size">{size}</span>\n</li>'
            )
        else:
            items.append(
                '<li class="attachment">\n'
                f'<a href="{url}" class="attachment-name" download><bdi>{name}</bdi></a>\n'
                f'<span class="attachment-size">{size}</span>\n</li>'
            )
    if not items:
        return ""
    return (
        f'\n<ul class="attachments" aria-label="{words["attached_files"]}">\n'
        + "\n".join(items)
        + "\n</ul>"
    )


@register.simple_tag(takes_context=True)
def ticket_timeline(context: template.Context) -> SafeString:
    """The conversation: the report, then every message and event (tickets.timeline.entries)."""
    ticket = context["ticket"]
    on = clock()
    words = _ticket_words(on.words)
    new_tag = f'<span class="tag tag-new">{words["new"]}</span>'
    edited = f'\n<span class="tag">{words["edited"]}</span>' if context["edited"] else ""
    initial = escape(ticket.reporter.username[:1].upper())
    items = [
        '<li class="entry entry-message" id="description">\n'
        '<div class="entry-head">\n'
        f'<span class="avatar" aria-hidden="true">{initial}</span>\n'
        f"{reported(ticket, context['user'])}\n"
        f"{moment_html(ticket.created_at, 'entry-time', on)}{edited}\n</div>\n"
        f'<div class="entry-body">{linebreaksbr(ticket.description, autoescape=True)}</div>'
        f"{_files_html(context['report_files'], words)}\n</li>"
    ]
    for entry in context["timeline"]:
        new = " entry-new" if entry.is_new else ""
        message = entry.message
        if message is not None:
            staff = " entry-staff" if entry.is_staff else ""
            avatar = "avatar avatar-staff" if entry.is_staff else "avatar"
            items.append(
                f'<li class="entry entry-message{staff}{new}" id="{entry.anchor}">\n'
                '<div class="entry-head">\n'
                f'<span class="{avatar}" aria-hidden="true">{escape(entry.initial)}</span>\n'
                f"{conditional_escape(entry.html)}\n"
                f"{moment_html(entry.at, 'entry-time', on)}"
                f"{chr(10) + new_tag if entry.is_new else ''}\n</div>\n"
                f'<div class="entry-body">{linebreaksbr(message.body, autoescape=True)}</div>'
                f"{_files_html(message.attachment_list, words)}\n</li>"
            )
        else:
            items.append(
                f'<li class="entry entry-event{new}" id="{entry.anchor}">\n'
                '<span class="event-dot" aria-hidden="true"></span>\n'
                f"<p>{conditional_escape(entry.html)}\n"
                f"· {moment_html(entry.at, '', on)}\n{new_tag if entry.is_new else ''}</p>\n</li>"
            )
    return mark_safe(  # noqa: S308 (each value escaped)
        '<ol class="timeline">\n' + "\n".join(items) + "\n</ol>"
    )


# --- the layout -----------------------------------------------------------------------
#
# The header's navigation and the footer's language switcher, as base.html wrote
# them (tests/web/test_same_pages.py compares the pages with the old layout):
# the same words on every page, so looked up once per language; the links
# reversed once, as page_url does.


@functools.lru_cache(maxsize=64)
def _layout_words(words: tuple) -> dict[str, str]:
    """The layout's fixed words, as {% translate %} wrote them (translated, not escaped)."""
    return {
        "main": pgettext("navigation", "Main"),
        "my_tickets": gettext("My tickets"),
        "report": gettext("Report an issue"),
        # Translators: the link to the staff console, short on narrow screens.
        "staff_console": gettext("Staff console"),
        "staff": pgettext("link to the staff console", "Staff"),
        # Translators: read by screen readers right after the user's name.
        "account_menu": gettext(": account menu"),
        "your_account": gettext("Your account"),
        "change_password": gettext("Change password"),
        "api_tokens": gettext("API tokens"),
        "email_notifications": gettext("Email notifications"),
        "sign_out": gettext("Sign out"),
        "account": gettext("Account"),
        "sign_in": gettext("Sign in"),
        "sign_up": gettext("Sign up"),
        "language": gettext("Language"),
        "change_language": gettext("Change language"),
    }


def _link(name: str) -> str:
    return escape(page_url(name))


# The pages whose link in the navigation is marked as the current page.
_MY_TICKETS_PAGES = frozenset({"tickets:list", "tickets:detail", "tickets:edit"})


@register.simple_tag(takes_context=True)
def site_nav(context: template.Context) -> SafeString:
    """The header's navigation: the pages and the account menu, or signing in and up."""
    words = _layout_words(_words())
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return mark_safe(  # noqa: S308 (each value escaped)
            f'<nav class="guest-nav" aria-label="{words["account"]}">\n'
            f'<a class="button button-quiet" href="{_link("login")}">{words["sign_in"]}</a>\n'
            f'<a class="button button-primary" href="{_link("signup")}">{words["sign_up"]}</a>\n'
            "</nav>"
        )
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match is not None else ""
    here = ' aria-current="page"'
    links = [
        f'<li><a href="{_link("tickets:list")}"{here if current in _MY_TICKETS_PAGES else ""}>'
        f"{words['my_tickets']}</a></li>",
        f'<li><a href="{_link("tickets:new")}"{here if current == "tickets:new" else ""}>'
        f"{words['report']}</a></li>",
    ]
    if user.is_staff:
        links.append(
            f'<li><a class="staff-link" href="{_link("admin:index")}"><span class="wide-only">'
            f'{words["staff_console"]}</span><span class="narrow-only">{words["staff"]}</span>'
            "</a></li>"
        )
    username = str(user.username)
    return mark_safe(  # noqa: S308 (each value escaped)
        f'<nav class="main-nav" aria-label="{words["main"]}">\n<ul>\n'
        + "\n".join(links)
        + "\n</ul>\n</nav>\n"
        '<details class="account-menu">\n<summary>\n'
        f'<span class="avatar" aria-hidden="true">{escape(username[:1].upper())}</span>\n'
        f'<span class="account-name">{escape(username)}</span>\n'
        f'<span class="visually-hidden">{words["account_menu"]}</span>\n</summary>\n'
        '<ul class="menu">\n'
        f'<li><a href="{_link("account")}">{words["your_account"]}</a></li>\n'
        f'<li><a href="{_link("password_change")}">{words["change_password"]}</a></li>\n'
        f'<li><a href="{_link("api_tokens")}">{words["api_tokens"]}</a></li>\n'
        f'<li><a href="{_link("notification_preferences")}">'
        f"{words['email_notifications']}</a></li>\n"
        f'<li>\n<form method="post" action="{_link("logout")}">\n'
        f"{CsrfTokenNode().render(context)}\n"
        f'<button type="submit" class="menu-button">{words["sign_out"]}</button>\n'
        "</form>\n</li>\n</ul>\n</details>"
    )


@register.simple_tag(takes_context=True)
def language_form(context: template.Context) -> SafeString:
    """The language switcher: a plain form, each language named in its own language.

    `next` brings the reader back here (`language_next`, for a page that
    answers a POST, else the address asked for).
    """
    words = _layout_words(_words())
    request = context.get("request")
    back = context.get("language_next") or (request.get_full_path() if request else "")
    current = get_language()
    options = "\n".join(
        f'<option value="{escape(code)}" lang="{escape(code)}"'
        f"{' selected' if code == current else ''}>{escape(name)}</option>"
        for code, name in context.get("site_languages") or ()
    )
    return mark_safe(  # noqa: S308 (each value escaped)
        f'<form class="language-form" method="post" action="{_link("set_language")}">\n'
        f"{CsrfTokenNode().render(context)}\n"
        f'<input type="hidden" name="next" value="{escape(back)}">\n'
        f'<label for="language-select">{words["language"]}</label>\n'
        f'<select id="language-select" name="language">\n{options}\n</select>\n'
        f'<button type="submit" class="button button-small">{words["change_language"]}</button>\n'
        "</form>"
    )
