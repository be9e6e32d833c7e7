"""A ticket's history as people read it: the one place that words a TicketEvent.

Two readers, two voices, one module:

- The web page tells the reporter's side. Messages and events form one
  timeline, each event a whole sentence about its actor ("Sam changed the
  status from New to Waiting on you", "You replied"), translated whole so
  that every language may order and conjugate it, statuses in the reporter's
  words, and what arrived since the reader last looked marked new.
- The staff console's audit trail lists every event with its stored values
  ("set status new → pending"), as markup for the console's ticket page; a
  line follows its actor's name, like a log.

A new kind of event is worded here for both. Nothing here queries the
database: callers pass in the messages and events they selected.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from tickets import workflow
from tickets.choices import EventKind, TicketPriority, TicketStatus

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.utils.safestring import SafeString

    from accounts.models import User
    from tickets.models import Message, Ticket, TicketEvent

Status = TicketStatus
Kind = EventKind

# How the statuses read to the person who reported the ticket.
STATUS_LABELS = {
    Status.NEW: pgettext_lazy("ticket status", "New"),
    Status.OPEN: pgettext_lazy("ticket status", "Open"),
    # Translators: a ticket's status as its reporter reads it: the helpdesk needs their answer.
    Status.PENDING: _("Waiting on you"),
    # Translators: a ticket's status as its reporter reads it (stored as "resolved").
    Status.RESOLVED: pgettext_lazy("ticket status", "Solved"),
    Status.CLOSED: pgettext_lazy("ticket status", "Closed"),
}
# ...and to anyone else who opens it (staff).
OTHERS_STATUS_LABELS = {
    **STATUS_LABELS,
    # Translators: a ticket's status as staff read it: the helpdesk needs the reporter's answer.
    Status.PENDING: _("Waiting on the reporter"),
}
PRIORITY_LABELS = dict(TicketPriority.choices)

# The events the web timeline shows beside the messages (whose own
# "message_posted" events would repeat them, and "created" is the description).
SHOWN_KINDS = (Kind.STATUS_CHANGED, Kind.ASSIGNED, Kind.PRIORITY_CHANGED, Kind.EDITED)

# A page remembers when the reader last saw the ticket as microseconds since
# this moment: an integer survives a hidden field and a query string intact.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def from_micros(value: Any) -> datetime | None:
    """The moment `value` stands for, or None for anything that is not one."""
    try:
        return EPOCH + timedelta(microseconds=int(value))
    except (TypeError, ValueError, OverflowError):
        return None


def person(user: User | None, viewer: User | None = None) -> str:
    if user is None:
        # Translators: who did something when no person did (a time-based rule).
        return gettext("The helpdesk")
    if viewer is not None and user.pk == viewer.pk:
        # Translators: the person reading the page, in place of their name ("Reported by: You").
        return pgettext("the reader, in place of their name", "You")
    return user.get_full_name() or user.username


def status_labels(viewer: User, ticket: Ticket) -> dict[str, str]:
    return STATUS_LABELS if ticket.reporter_id == viewer.pk else OTHERS_STATUS_LABELS


# --- wording -----------------------------------------------------------------

# Each sentence of the web timeline twice: said of someone else, where
# %(actor)s is their name (or "The helpdesk"), and said of the reader, where
# %(actor)s is "You", as languages conjugate the verb for each. The pairs are
# (someone else, the reader). Whole sentences, so translators may reorder them.
_SAID = {
    "status": (
        pgettext_lazy(
            "timeline: by someone else",
            # Translators: %(actor)s is who did it (a name, or "The helpdesk").
            "%(actor)s changed the status from %(old)s to %(new)s",
        ),
        pgettext_lazy(
            "timeline: by the reader",
            # Translators: %(actor)s is "You": conjugate for it, or drop it if your language may.
            "%(actor)s changed the status from %(old)s to %(new)s",
        ),
    ),
    "priority": (
        pgettext_lazy(
            "timeline: by someone else", "%(actor)s changed the priority from %(old)s to %(new)s"
        ),
        pgettext_lazy(
            "timeline: by the reader", "%(actor)s changed the priority from %(old)s to %(new)s"
        ),
    ),
    "unassigned": (
        pgettext_lazy("timeline: by someone else", "%(actor)s unassigned this ticket"),
        pgettext_lazy("timeline: by the reader", "%(actor)s unassigned this ticket"),
    ),
    "took": (
        pgettext_lazy("timeline: by someone else", "%(actor)s took this ticket"),
        pgettext_lazy("timeline: by the reader", "%(actor)s took this ticket"),
    ),
    "assigned": (
        pgettext_lazy(
            "timeline: by someone else",
            # Translators: %(assignee)s is a username.
            "%(actor)s assigned this ticket to %(assignee)s",
        ),
        pgettext_lazy("timeline: by the reader", "%(actor)s assigned this ticket to %(assignee)s"),
    ),
    "subject": (
        pgettext_lazy("timeline: by someone else", "%(actor)s edited the subject"),
        pgettext_lazy("timeline: by the reader", "%(actor)s edited the subject"),
    ),
    "description": (
        pgettext_lazy("timeline: by someone else", "%(actor)s edited the description"),
        pgettext_lazy("timeline: by the reader", "%(actor)s edited the description"),
    ),
    "edited": (
        # Translators: %(field)s is the name of a field of the ticket.
        pgettext_lazy("timeline: by someone else", "%(actor)s edited the %(field)s"),
        pgettext_lazy("timeline: by the reader", "%(actor)s edited the %(field)s"),
    ),
    "reported": (
        pgettext_lazy("timeline: by someone else", "%(actor)s reported this"),
        pgettext_lazy("timeline: by the reader", "%(actor)s reported this"),
    ),
    "replied": (
        pgettext_lazy("timeline: by someone else", "%(actor)s replied"),
        pgettext_lazy("timeline: by the reader", "%(actor)s replied"),
    ),
    "other": (
        # Translators: an event with no sentence of its own; %(event)s is its kind, e.g. "Created".
        pgettext_lazy("timeline: by someone else", "%(actor)s: %(event)s"),
        pgettext_lazy("timeline: by the reader", "%(actor)s: %(event)s"),
    ),
}


def _wording(event: TicketEvent, labels: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """Which of _SAID tells `event`, and the values it needs besides the actor."""
    if event.kind == Kind.STATUS_CHANGED:
        old = labels.get(event.old_value, event.old_value)
        new = labels.get(event.new_value, event.new_value)
        return "status", {"old": old, "new": new}
    if event.kind == Kind.PRIORITY_CHANGED:
        old = PRIORITY_LABELS.get(event.old_value, event.old_value)
        new = PRIORITY_LABELS.get(event.new_value, event.new_value)
        return "priority", {"old": old, "new": new}
    if event.kind == Kind.ASSIGNED:
        if not event.new_value:
            return "unassigned", {}
        if event.actor is not None and event.actor.username == event.new_value:
            return "took", {}
        return "assigned", {"assignee": event.new_value}
    if event.kind == Kind.EDITED:
        if event.field in ("subject", "description"):
            return event.field, {}
        return "edited", {"field": event.field}
    if event.kind == Kind.MESSAGE_POSTED:
        return "replied", {}
    return "other", {"event": event.get_kind_display()}


def _template(key: str, actor: User | None, viewer: User) -> str:
    by_reader = actor is not None and actor.pk == viewer.pk
    return str(_SAID[key][1 if by_reader else 0])


def _markup(template: str, /, **values: Any) -> SafeString:
    """A translated sentence with its values, as markup: both escaped, unless already safe."""
    escaped = {name: conditional_escape(value) for name, value in values.items()}
    return mark_safe(conditional_escape(template) % escaped)  # noqa: S308 (all escaped above)


def _sentence_html(
    template: str, values: dict[str, Any], actor: SafeString, *, rest_class: str = ""
) -> SafeString:
    """The sentence as markup, the actor's markup in place of %(actor)s.

    With `rest_class`, the words around the actor are wrapped in a span of that
    class, so they can be styled apart from the name wherever the translation
    puts it.
    """
    parts: list[str] = []
    for i, piece in enumerate(template.split("%(actor)s")):
        if i:
            parts.append(actor)
        text = _markup(piece, **values)
        words = text.strip()
        if rest_class and words:
            # Only whitespace is cut off the escaped text: what is left stays safe.
            lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
            words = mark_safe(words)  # noqa: S308
            text = format_html('{}<span class="{}">{}</span>{}', lead, rest_class, words, trail)
        parts.append(text)
    return mark_safe("".join(parts))  # noqa: S308 (each part is escaped)


def _actor_html(name: str, *, is_staff: bool) -> SafeString:
    if is_staff:
        return format_html(
            '<span class="entry-author">{}</span> <span class="tag tag-staff">{}</span>',
            name,
            # Translators: a tag beside the name of someone who works the helpdesk.
            pgettext("a person's role", "Staff"),
        )
    return format_html('<span class="entry-author">{}</span>', name)


def reported(ticket: Ticket, viewer: User) -> SafeString:
    """The head of the ticket's first entry, its description: who reported it."""
    template = _template("reported", ticket.reporter, viewer)
    name = _actor_html(person(ticket.reporter, viewer), is_staff=False)
    return _sentence_html(template, {}, name, rest_class="entry-what")


def said(event: TicketEvent, viewer: User, labels: dict[str, str] = STATUS_LABELS) -> str:
    """An event as a whole sentence, to the eyes of `viewer`."""
    key, values = _wording(event, labels)
    template = _template(key, event.actor, viewer)
    return template % {"actor": person(event.actor, viewer), **values}


# Audit trail lines follow the actor's name, like a log: "sam · set status new → pending".
_CHANGE = '<span class="hd-change">{} → {}</span>'


def audit_text(event: TicketEvent) -> SafeString:
    """An event as a line of the console's audit trail, after its actor's name.

    Staff see the stored values, old → new, so the trail shows exactly what
    was written.
    """
    if event.kind == Kind.CREATED:
        # Translators: the console's audit trail: a line after who did it, like a log entry.
        return _with_files(event, _markup(pgettext("audit trail", "opened the ticket")))
    if event.kind == Kind.STATUS_CHANGED:
        change = format_html(_CHANGE, event.old_value, event.new_value)
        return _markup(pgettext("audit trail", "set status %(change)s"), change=change)
    if event.kind == Kind.PRIORITY_CHANGED:
        change = format_html(_CHANGE, event.old_value, event.new_value)
        return _markup(pgettext("audit trail", "set priority %(change)s"), change=change)
    if event.kind == Kind.ASSIGNED:
        if not event.new_value:
            old = format_html('<span class="hd-change">{}</span>', event.old_value)
            return _markup(pgettext("audit trail", "unassigned %(assignee)s"), assignee=old)
        new = format_html('<span class="hd-change">{}</span>', event.new_value)
        if event.old_value:
            return _markup(
                pgettext("audit trail", "assigned to %(assignee)s (was %(previous)s)"),
                assignee=new,
                previous=event.old_value,
            )
        return _markup(pgettext("audit trail", "assigned to %(assignee)s"), assignee=new)
    if event.kind == Kind.EDITED:
        if event.field == "subject":
            change = format_html(
                '<span class="hd-change">“{}” → “{}”</span>', event.old_value, event.new_value
            )
            return _markup(pgettext("audit trail", "edited the subject %(change)s"), change=change)
        if event.field == "description":
            return _markup(pgettext("audit trail", "edited the description"))
        return _markup(pgettext("audit trail", "edited the %(field)s"), field=event.field)
    if event.kind == Kind.MESSAGE_POSTED:
        if event.is_internal:
            what = pgettext("audit trail", "added an internal note")
        else:
            what = pgettext("audit trail", "posted a message")
        line = format_html('<a href="#message-{}">{}</a>', event.message_id, what)
        return _with_files(event, line)
    return format_html("{}", event.get_kind_display())


def _with_files(event: TicketEvent, line: SafeString) -> SafeString:
    """The line, followed by the names of the files the change attached (escaped)."""
    if event.field != "attachments" or not event.old_value:
        return line
    names = format_html_join(
        ", ", '<span class="hd-change">{}</span>', ((name,) for name in event.old_value.split("\n"))
    )
    # Translators: the console's audit trail, after "posted a message": the files attached.
    return format_html(
        "{} {}", line, _markup(pgettext("audit trail", "with %(files)s"), files=names)
    )


def sentences(viewer: User, events: Iterable[TicketEvent], labels: dict[str, str]) -> list[str]:
    """The events as whole sentences, each said once, in order."""
    said_: list[str] = []
    for event in events:
        sentence = said(event, viewer, labels)
        if sentence not in said_:
            said_.append(sentence)
    return said_


# --- the web page's timeline -------------------------------------------------


@dataclass
class Entry:
    """One item of a ticket's timeline: a message or an event.

    `text` is its sentence ("Sam changed the status from New to Open"), and
    `html` the same sentence as the page shows it, the name marked up.
    """

    at: datetime
    message: Message | None = None
    event: TicketEvent | None = None
    initial: str = ""
    is_staff: bool = False
    is_new: bool = False
    text: str = ""
    html: SafeString | str = ""

    @property
    def anchor(self) -> str:
        return f"message-{self.message.pk}" if self.message else f"event-{self.event.pk}"


def _language() -> tuple[str | None, str]:
    """What worded entries are cached under: the language, and a word of it as
    translated now, so that another translation in force (the tests'
    pseudo-language) is never answered from the cache."""
    return get_language(), pgettext("a person's role", "Staff")


@functools.lru_cache(maxsize=4096)
def _worded(
    language: tuple,
    key: str,
    by_reader: bool,
    name: str,
    is_staff: bool,
    values: tuple[tuple[str, str], ...],
    rest_class: str,
) -> tuple[str, SafeString]:
    """An entry's sentence, as text and as markup: worded once per language and wording.

    A ticket's timeline says the same few sentences ("Sam replied") over and
    over, and each page again; wording one cost more than the rest of its entry.
    """
    template = str(_SAID[key][1 if by_reader else 0])
    named = dict(values)
    html = _sentence_html(
        template, named, _actor_html(name, is_staff=is_staff), rest_class=rest_class
    )
    return template % {"actor": name, **named}, html


def _entry(
    viewer: User, actor: User | None, key: str, values: dict[str, Any], *, rest_class: str = ""
) -> dict[str, Any]:
    """The fields of an Entry that say who did what."""
    by_reader = actor is not None and actor.pk == viewer.pk
    name = person(actor, viewer)
    is_staff = actor is not None and workflow.is_helpdesk_staff(actor)
    # The values as the sentence shows them: text (a status's label, a username).
    shown = tuple((name_, str(value)) for name_, value in values.items())
    text, html = _worded(_language(), key, by_reader, name, is_staff, shown, rest_class)
    return {"is_staff": is_staff, "text": text, "html": html}


def entries(
    viewer: User,
    messages: Iterable[Message],
    events: Iterable[TicketEvent],
    *,
    since: datetime | None,
    labels: dict[str, str],
) -> list[Entry]:
    """Messages and events in one list, oldest first.

    A reply and the status change it causes share a timestamp; the message
    comes first, as it caused the change. What others did after `since` is new.
    """
    keyed: list[tuple[tuple, Entry]] = []
    for message in messages:
        entry = Entry(
            at=message.created_at,
            message=message,
            initial=message.author.username[:1].upper(),
            is_new=since is not None
            and message.created_at > since
            and message.author_id != viewer.pk,
            **_entry(viewer, message.author, "replied", {}, rest_class="entry-what"),
        )
        keyed.append(((message.created_at, 0, message.pk), entry))
    for event in events:
        key, values = _wording(event, labels)
        entry = Entry(
            at=event.created_at,
            event=event,
            is_new=since is not None and event.created_at > since and event.actor_id != viewer.pk,
            **_entry(viewer, event.actor, key, values),
        )
        keyed.append(((event.created_at, 1, event.pk), entry))
    return [entry for _, entry in sorted(keyed, key=lambda pair: pair[0])]


def description_edited(timeline: Iterable[Entry]) -> bool:
    """Whether the description was edited: it is marked so, and only its own edits count."""
    return any(
        entry.event is not None
        and entry.event.kind == Kind.EDITED
        and entry.event.field == "description"
        for entry in timeline
    )


# --- the web page's timeline, read as rows -----------------------------------
#
# The ticket page reads its messages and events with `.values()`: building a
# model instance per message, event and person cost more than the page's
# wording and markup together (docs/BENCHMARKS.md). These rows carry what
# `entries` and the page read of them, under the same names.

# What the page reads of a person: the name it shows and whether they are staff.
PERSON_COLUMNS = ("username", "first_name", "last_name", "is_staff", "is_active")
MESSAGE_COLUMNS = (
    "id",
    "body",
    "created_at",
    "author_id",
    *(f"author__{column}" for column in PERSON_COLUMNS),
)
EVENT_COLUMNS = (
    "id",
    "kind",
    "field",
    "old_value",
    "new_value",
    "created_at",
    "actor_id",
    *(f"actor__{column}" for column in PERSON_COLUMNS),
)


@dataclass(frozen=True, slots=True)
class Person:
    """A user as a row: what `person` and `workflow.is_helpdesk_staff` read of one."""

    pk: int
    username: str
    first_name: str = ""
    last_name: str = ""
    is_staff: bool = False
    is_active: bool = False

    def get_full_name(self) -> str:
        # As AbstractUser.get_full_name.
        return f"{self.first_name} {self.last_name}".strip()


def person_row(row: dict[str, Any], prefix: str) -> Person | None:
    """The person whose columns in `row` start with `prefix` ("author__"), None if there is none."""
    pk = row[prefix[:-2] + "_id"]  # "author__" -> "author_id"
    if pk is None:
        return None
    return Person(
        pk,
        row[f"{prefix}username"],
        row.get(f"{prefix}first_name", ""),
        row.get(f"{prefix}last_name", ""),
        row.get(f"{prefix}is_staff", False),
        row.get(f"{prefix}is_active", False),
    )


class MessageRow:
    """A message read with MESSAGE_COLUMNS, as `entries` and the page read it."""

    __slots__ = ("attachment_list", "author", "author_id", "body", "created_at", "pk")

    def __init__(self, row: dict[str, Any]) -> None:
        self.pk = row["id"]
        self.body = row["body"]
        self.created_at = row["created_at"]
        self.author_id = row["author_id"]
        self.author = person_row(row, "author__")
        self.attachment_list: list[Any] = []


class EventRow:
    """An event read with EVENT_COLUMNS, as `entries` and `_wording` read it."""

    __slots__ = ("actor", "actor_id", "created_at", "field", "kind", "new_value", "old_value", "pk")

    def __init__(self, row: dict[str, Any]) -> None:
        self.pk = row["id"]
        self.kind = row["kind"]
        self.field = row["field"]
        self.old_value = row["old_value"]
        self.new_value = row["new_value"]
        self.created_at = row["created_at"]
        self.actor_id = row["actor_id"]
        self.actor = person_row(row, "actor__")

    def get_kind_display(self) -> str:
        return str(dict(Kind.choices).get(self.kind, self.kind))
