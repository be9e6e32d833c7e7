"""The ticket status machine, as data. Pure: no database access.

Forms, the admin, serializers and the API's `allowed_transitions` all read the
table below, so the rules live in one place.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from tickets.choices import TicketStatus as Status

if TYPE_CHECKING:
    from collections.abc import Mapping


class Role(StrEnum):
    STAFF = "staff"
    REPORTER = "reporter"


# Who may move a ticket from one status to which others. Listed in the order
# the statuses are shown, so that menus and API answers are stable.
TRANSITIONS: Mapping[Role, Mapping[str, tuple[str, ...]]] = {
    Role.STAFF: {
        Status.NEW: (Status.OPEN, Status.PENDING, Status.RESOLVED, Status.CLOSED),
        Status.OPEN: (Status.PENDING, Status.RESOLVED, Status.CLOSED),
        Status.PENDING: (Status.OPEN, Status.RESOLVED, Status.CLOSED),
        Status.RESOLVED: (Status.OPEN, Status.CLOSED),
        Status.CLOSED: (),
    },
    Role.REPORTER: {
        Status.NEW: (Status.RESOLVED,),
        Status.OPEN: (Status.RESOLVED,),
        Status.PENDING: (Status.RESOLVED,),
        Status.RESOLVED: (Status.OPEN,),
        Status.CLOSED: (),
    },
}

# A public message from the reporter on a ticket in one of these statuses
# moves it back to open: they answered, or the fix did not hold.
REOPEN_ON_REPORTER_REPLY = frozenset({Status.PENDING, Status.RESOLVED})

# Statuses counted as "still being worked on".
ACTIVE_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING)


class _UserLike(Protocol):
    pk: object
    is_staff: bool
    is_active: bool


class _TicketLike(Protocol):
    reporter_id: object
    status: str


def is_helpdesk_staff(user: _UserLike) -> bool:
    return bool(getattr(user, "is_active", False) and getattr(user, "is_staff", False))


def role_of(user: _UserLike, ticket: _TicketLike) -> Role | None:
    """The role `user` acts in on `ticket`, or None when they have no part in it."""
    if is_helpdesk_staff(user):
        return Role.STAFF
    if getattr(user, "is_active", False) and user.pk is not None and user.pk == ticket.reporter_id:
        return Role.REPORTER
    return None


def transitions_for(role: Role | None, status: str) -> tuple[str, ...]:
    if role is None:
        return ()
    return tuple(TRANSITIONS[role].get(status, ()))


def allowed_transitions(user: _UserLike, ticket: _TicketLike) -> tuple[str, ...]:
    """The statuses `user` may move `ticket` to now."""
    return transitions_for(role_of(user, ticket), ticket.status)


def can_transition(user: _UserLike, ticket: _TicketLike, target: str) -> bool:
    return target in allowed_transitions(user, ticket)
