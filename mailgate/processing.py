"""Email in, the interface: read a stored message and route it through the ticket services.

`process` routes one stored message exactly as the web reply form would
(report_issue, post_message: the workflow and the limits apply), and records
what became of it through mailgate.services. Idempotent: only a message still
queued is processed, under a row lock, so a second worker or a second delivery
posts nothing twice. A failure (a bug, a message nothing can read) is recorded
with its error and undoes whatever it half wrote; it blocks nothing else.

Trust: the sender is the From address and nothing else. A reply lands on a
ticket only if the sender may see it and the message is not suspicious (a
Reply-To elsewhere, a failed check in Authentication-Results written by a
server we trust); otherwise it becomes a new ticket of the sender's own. No
header sets a field, a status or an assignee.
"""

from __future__ import annotations

import logging
import re
import secrets
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import User
from mailgate import parsing, quotes, selectors, services
from mailgate.models import InboundMail
from notifications.emails import read_message_id
from notifications.models import EmailDelivery
from notifications.replies import is_own_address, read_reply_address
from tickets import services as ticket_services
from tickets import workflow
from tickets.exceptions import RateLimited, TicketClosed, TicketNotFound
from tickets.models import SUBJECT_MAX_LENGTH, TEXT_MAX_LENGTH, Message, Ticket

logger = logging.getLogger(__name__)

Outcome = InboundMail.Outcome
PERIODS = {"m": 60, "h": 3600, "d": 86400}
_TICKET_IN_SUBJECT = re.compile(r"\[#(\d{1,18})\]")
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|wg|fw|fwd|tr|rv|sv|antw)\s*(\[\d+\])?\s*:\s*)+", re.I)


@dataclass
class Result:
    outcome: str
    error: str = ""
    ticket: Ticket | None = None
    message: Message | None = None


@transaction.atomic
def process(*, inbound_id: int) -> str:
    """Route one queued message; its outcome. Anything but a queued message is left alone."""
    mail = services.claim(inbound_id=inbound_id)
    if mail is None:
        return "skipped"
    try:
        # A savepoint: a failure halfway undoes whatever the routing wrote.
        with transaction.atomic():
            result = route(bytes(mail.raw))
    except Exception as exc:
        logger.exception("Processing inbound mail %s failed", mail.pk)
        tail = "".join(traceback.format_exception_only(exc)).strip()
        result = Result(Outcome.FAILED, error=f"{type(exc).__name__}: {tail}"[:4000])
    services.record_outcome(
        mail=mail,
        outcome=result.outcome,
        error=result.error,
        ticket=result.ticket,
        message=result.message,
    )
    return result.outcome


def route(raw: bytes) -> Result:
    """Decide what `raw` is (new ticket, reply, automatic, refused) and do it."""
    parsed = parsing.parse(raw)
    if not parsed.sender:
        return Result(Outcome.REFUSED, _("The message has no single sender address (From)."))
    if is_own_address(parsed.sender):
        return Result(Outcome.IGNORED, _("The message comes from the helpdesk's own address."))
    if parsed.automatic:
        # Never answered, never a ticket: that is how mail loops are avoided.
        return Result(Outcome.IGNORED, parsed.automatic)
    user = _sender(parsed)
    if isinstance(user, Result):
        return user
    # A NUL is never text anyone wrote (and the services refuse it).
    body = _clip(quotes.strip_reply(parsed.body.replace("\x00", "")))

    files = [ContentFile(a.content, name=a.filename) for a in parsed.attachments]
    if not body and files:
        body = _("(Files only, no text.)")

    ticket = _thread(parsed, user) if _may_reply(parsed) else None
    if ticket is not None and ticket.status != Ticket.Status.CLOSED:
        internal = False
        marker = getattr(settings, "HELPDESK_EMAIL_NOTE_MARKER", "#note")
        if marker and workflow.is_helpdesk_staff(user):
            first, _sep, rest = body.lstrip().partition("\n")
            if first.strip().lower() == marker.lower():
                internal, body = True, rest.strip()
        try:
            message = _with_files(
                lambda body, files: ticket_services.post_message(
                    actor=user, ticket=ticket.pk, body=body, is_internal=internal, files=files
                ),
                body,
                files,
            )
        except TicketClosed:
            # Closed between the look and the lock: a follow-up ticket, as below.
            pass
        except TicketNotFound:
            ticket = None
        except (RateLimited, ValidationError) as exc:
            return Result(Outcome.REFUSED, _error_text(exc))
        else:
            return Result(Outcome.REPLY, ticket=message.ticket, message=message)
    return _new_ticket(parsed, user, body, files, follows=ticket)


def _new_ticket(
    parsed: parsing.ParsedMail,
    user: User,
    body: str,
    files: list[ContentFile],
    *,
    follows: Ticket | None,
) -> Result:
    limit, period = _ticket_rate()
    since = timezone.now() - timedelta(seconds=period)
    if selectors.tickets_made_by_mail_from(parsed.sender, since=since) >= limit:
        return Result(
            Outcome.REFUSED,
            _("Too many new tickets by email from this address; try again later."),
        )
    subject = services.first_line(_REPLY_PREFIX.sub("", parsed.subject), SUBJECT_MAX_LENGTH)
    description = body or subject
    if follows is not None:
        link = settings.SITE_URL + follows.get_absolute_url()
        # Translators: the first line of a ticket made by an email answering a closed one.
        intro = _("Follow-up to the closed ticket #%(number)s: %(url)s") % {
            "number": follows.pk,
            "url": link,
        }
        description = _clip(f"{intro}\n\n{description}")
    try:
        ticket = _with_files(
            lambda description, files: ticket_services.report_issue(
                reporter=user, subject=subject or None, description=description, files=files
            ),
            description,
            files,
        )
    except (RateLimited, ValidationError) as exc:
        return Result(Outcome.REFUSED, _error_text(exc))
    return Result(Outcome.TICKET, ticket=ticket)


def _with_files[T](write: Callable[[str, list], T], text: str, files: list[ContentFile]) -> T:
    """`write(text, files)`; if the files are refused, the text alone, saying why.

    A file over a limit must not cost the sender their message: it is posted
    without the files and with the reason, and the raw mail keeps them.
    """
    try:
        return write(text, files)
    except ValidationError as exc:
        reasons = getattr(exc, "error_dict", {}).get("files")
        if not files or not reasons or len(exc.error_dict) > 1:
            raise
    # Translators: added to a message from an email whose files could not be attached.
    note = _("The attached files were not added: %(reasons)s") % {
        "reasons": " ".join(m for error in reasons for m in error.messages)
    }
    return write(_clip(f"{text}\n\n{note}"), [])


def _ticket_rate() -> tuple[int, int]:
    count, _sep, period = getattr(settings, "HELPDESK_EMAIL_TICKET_RATE", "5/h").partition("/")
    return int(count), PERIODS[period[0]]


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)[:4000]
    return str(exc)[:4000]


def _clip(text: str) -> str:
    if len(text) <= TEXT_MAX_LENGTH:
        return text
    # The whole message is in the stored raw mail.
    return text[: TEXT_MAX_LENGTH - 2] + "\n…"


# --- who wrote it ------------------------------------------------------------------


def _sender(parsed: parsing.ParsedMail) -> User | Result:
    user = User.objects.filter(email__iexact=parsed.sender).first()
    if user is None:
        if not getattr(settings, "HELPDESK_EMAIL_UNKNOWN_SENDERS", True):
            return Result(Outcome.REFUSED, _("Mail from unknown senders is turned off."))
        try:
            user = _create_sender(parsed.sender)
        except ValidationError as exc:
            return Result(Outcome.REFUSED, _error_text(exc))
    if not user.is_active:
        return Result(Outcome.REFUSED, _("The sender's account is not active."))
    return user


def _create_sender(address: str) -> User:
    """An end user for a new address: no usable password (a reset sets one)."""
    username = re.sub(r"[^\w.@+-]", "", address)[:140] or "mail"
    for candidate in (username, f"{username[:130]}-{secrets.token_hex(3)}"):
        try:
            with transaction.atomic():
                return account_services.create_user(
                    username=candidate, email=address, password=None
                )
        except ValidationError as exc:
            if "email" in exc.message_dict:
                raise
    return account_services.create_user(
        username=f"mail-{secrets.token_hex(6)}", email=address, password=None
    )


def _may_reply(parsed: parsing.ParsedMail) -> bool:
    """Whether the message may answer an existing ticket, rather than only open a new one."""
    if any(address != parsed.sender for address in parsed.reply_to):
        return False
    trusted = set(getattr(settings, "HELPDESK_EMAIL_TRUSTED_AUTHSERV_IDS", []))
    for header in parsed.authentication_results:
        authserv_id = header.split(";", 1)[0].strip().split()[0].lower() if header else ""
        if authserv_id not in trusted:
            continue  # anyone can write this header; only our own servers' counts
        results = {
            method.lower(): value.lower()
            for method, value in re.findall(r"\b(dmarc|spf|dkim)\s*=\s*(\w+)", header, re.I)
        }
        if results.get("dmarc") == "fail":
            return False
        if "dmarc" not in results and results and "pass" not in results.values():
            return False
    return True


# --- which ticket it answers -------------------------------------------------------


def _thread(parsed: parsing.ParsedMail, user: User) -> Ticket | None:
    """The ticket the message answers, if the sender may post to it; None: a new ticket.

    In order: a Message-ID the helpdesk sent in In-Reply-To or References,
    then a signed reply address among the recipients, then [#number] in the
    subject (only from the ticket's reporter). The first found decides: a
    sender who may not see that ticket gets a new ticket instead.

    Staff mail threads only by the signed reply address made for them: anyone
    can write a staff member's From, Message-IDs and numbers can be guessed,
    and staff may post (internal notes too) to every ticket.
    """
    if workflow.is_helpdesk_staff(user):
        ticket_id = _by_reply_address(parsed, user)
    else:
        ticket_id = _by_message_id(parsed) or _by_reply_address(parsed, user)
        if ticket_id is None:
            ticket_id = _by_subject(parsed, user)
    if ticket_id is None:
        return None
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None or workflow.role_of(user, ticket) is None:
        return None
    return ticket


def _by_message_id(parsed: parsing.ParsedMail) -> int | None:
    for value in [*parsed.in_reply_to, *reversed(parsed.references)]:
        ids = read_message_id(value)
        if ids is None:
            continue
        ticket_id, event_id, recipient_id = ids
        # The helpdesk sent it if it recorded the delivery that Message-ID names.
        if EmailDelivery.objects.filter(
            event_id=event_id, recipient_id=recipient_id, event__ticket_id=ticket_id
        ).exists():
            return ticket_id
    return None


def _by_reply_address(parsed: parsing.ParsedMail, user: User) -> int | None:
    for address in parsed.recipients:
        found = read_reply_address(address)
        # Signed for one recipient: a forwarded notification's address does not
        # let someone else post as if they were that person.
        if found is not None and found[1] == user.pk:
            return found[0]
    return None


def _by_subject(parsed: parsing.ParsedMail, user: User) -> int | None:
    match = _TICKET_IN_SUBJECT.search(parsed.subject)
    if match is None:
        return None
    ticket = Ticket.objects.filter(pk=int(match[1])).only("pk", "reporter_id", "status").first()
    if ticket is None:
        return None
    return ticket.pk if ticket.reporter_id == user.pk else None
