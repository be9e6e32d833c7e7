"""Applying a macro to a ticket, and keeping macros: every write of this app.

A macro fills its reply's placeholders (macros.placeholders, never a template
engine), then the reply and the field changes go through
tickets.services.reply_and_modify in one transaction: the workflow's rules
apply, and a refused change (an invalid transition, a stale version, a closed
ticket) writes nothing, the reply included. A preview runs the same checks
and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from macros import placeholders, selectors
from macros.models import Macro
from tickets import selectors as ticket_selectors
from tickets import services as ticket_services
from tickets import validation, workflow
from tickets.exceptions import InvalidTransition, NotAllowed, TicketClosed

if TYPE_CHECKING:
    from accounts.models import User
    from tickets.models import Ticket


@dataclass
class Outcome:
    """What applying a macro does (or, for a preview, would do)."""

    # The ticket after the change; for a preview, as it is.
    ticket: Ticket
    body: str
    is_internal: bool
    # The ticket fields it changes, as modify_ticket takes them (assignee: a User or None).
    changes: dict[str, Any] = field(default_factory=dict)
    applied: bool = False


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def fill(macro: Macro, *, ticket: Ticket, actor: User) -> str:
    return placeholders.fill(
        macro.body,
        {
            "reporter_name": _name(ticket.reporter),
            "ticket_number": str(ticket.pk),
            "subject": ticket.subject,
            "staff_name": _name(actor),
        },
    )


def planned_changes(macro: Macro, *, ticket: Ticket, actor: User) -> dict[str, Any]:
    """The fields the macro would change on `ticket`, checked as the services would."""
    changes: dict[str, Any] = {}
    if macro.status and macro.status != ticket.status:
        allowed = workflow.allowed_transitions(actor, ticket)
        if macro.status not in allowed:
            raise InvalidTransition(current=ticket.status, requested=macro.status, allowed=allowed)
        changes["status"] = macro.status
    if macro.priority and macro.priority != ticket.priority:
        changes["priority"] = macro.priority
    assignee: Any = ticket.assignee
    if macro.assign == Macro.Assign.ME:
        assignee = actor
    elif macro.assign == Macro.Assign.NOBODY:
        assignee = None
    elif macro.assign == Macro.Assign.PERSON:
        if macro.assignee is None:
            raise ValidationError({"macro": [_("The person this macro assigns to is gone.")]})
        assignee = validation.clean_assignee(macro.assignee)
    if getattr(assignee, "pk", None) != ticket.assignee_id:
        changes["assignee"] = assignee
    return changes


def _prepare(*, actor: User, ticket: Ticket | int, macro: Macro | int) -> tuple[Ticket, Macro]:
    pk = ticket.pk if hasattr(ticket, "pk") else ticket
    current = ticket_selectors.get_visible_ticket(actor, pk)
    if not workflow.is_helpdesk_staff(actor):
        raise NotAllowed(_("Only helpdesk staff may use macros."))
    found = selectors.get_visible_macro(actor, getattr(macro, "pk", macro))
    if found is None:
        # Another's personal macro is as unknown as one that does not exist.
        raise ValidationError({"macro": [_("No such macro.")]})
    if current.is_closed:
        raise TicketClosed()
    return current, found


def preview_macro(*, actor: User, ticket: Ticket | int, macro: Macro | int) -> Outcome:
    """What apply_macro would do, checked the same way, without writing anything."""
    current, found = _prepare(actor=actor, ticket=ticket, macro=macro)
    return Outcome(
        body=fill(found, ticket=current, actor=actor),
        is_internal=found.is_internal,
        changes=planned_changes(found, ticket=current, actor=actor),
        ticket=current,
    )


@transaction.atomic
def apply_macro(
    *,
    actor: User,
    ticket: Ticket | int,
    macro: Macro | int,
    expected_version: int | None = None,
) -> Outcome:
    """Post the macro's reply and make its changes, in one transaction."""
    plan = preview_macro(actor=actor, ticket=ticket, macro=macro)
    if plan.body.strip():
        message = ticket_services.reply_and_modify(
            actor=actor,
            ticket=plan.ticket.pk,
            body=plan.body,
            is_internal=plan.is_internal,
            expected_version=expected_version,
            **plan.changes,
        )
        after = message.ticket
    else:
        after = ticket_services.modify_ticket(
            actor=actor,
            ticket=plan.ticket.pk,
            expected_version=expected_version,
            **plan.changes,
        )
    return Outcome(
        body=plan.body,
        is_internal=plan.is_internal,
        changes=plan.changes,
        ticket=after,
        applied=True,
    )


@transaction.atomic
def save_macro(*, actor: User, macro: Macro, shared: bool) -> Macro:
    """Create or change a macro: shared with all staff, or personal to `actor`."""
    if not workflow.is_helpdesk_staff(actor):
        raise NotAllowed(_("Only helpdesk staff may keep macros."))
    if macro.pk is not None and macro.owner_id not in (None, actor.pk):
        raise NotAllowed(_("This macro is someone else's."))
    macro.owner = None if shared else actor
    if macro.assign != Macro.Assign.PERSON:
        macro.assignee = None
    macro.full_clean()
    macro.save()
    return macro


@transaction.atomic
def delete_macro(*, actor: User, macro: Macro) -> None:
    if macro.owner_id not in (None, actor.pk) or not workflow.is_helpdesk_staff(actor):
        raise NotAllowed(_("This macro is someone else's."))
    macro.delete()
