"""Ticket pages for end users: my tickets, report an issue, the conversation.

Reads go through tickets.selectors, writes through tickets.services. Domain
errors are turned into a message on the page in one place, `_explain`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from helpdesk.forms import add_service_errors
from helpdesk.ratelimit import too_many
from tickets import attachments, search, selectors, services, timeline, workflow
from tickets.exceptions import (
    InvalidTransition,
    RateLimited,
    StaleVersion,
    TicketClosed,
    TicketError,
    TicketNotFound,
)
from tickets.forms import (
    EditTicketForm,
    ReplyForm,
    ReportIssueForm,
    StatusForm,
)
from tickets.models import Message, Ticket, TicketEvent
from tickets.timeline import STATUS_LABELS

if TYPE_CHECKING:
    from accounts.models import User

Status = Ticket.Status
Kind = TicketEvent.Kind

PAGE_SIZE = 25
# What a row of "my tickets" reads: no description, no reporter.
ROW_FIELDS = (
    "subject",
    "status",
    "priority",
    "updated_at",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
)

# What the ticket page reads of a ticket: no model instance (TicketRow).
TICKET_COLUMNS = (
    "id",
    "subject",
    "description",
    "status",
    "priority",
    "version",
    "created_at",
    "updated_at",
    "resolved_at",
    "closed_at",
    "attachment_count",
    "reporter_id",
    "reporter__username",
    "reporter__first_name",
    "reporter__last_name",
    "assignee_id",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
)


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    statuses: tuple[str, ...] | None  # None: every status

    @property
    def condition(self) -> Q:
        return Q() if self.statuses is None else Q(status__in=self.statuses)


TABS = (
    # Translators: the tab of the tickets still being worked on (new or open).
    Tab("open", pgettext_lazy("tickets tab", "Open"), (Status.NEW, Status.OPEN)),
    Tab("waiting", STATUS_LABELS[Status.PENDING], (Status.PENDING,)),
    Tab("solved", STATUS_LABELS[Status.RESOLVED], (Status.RESOLVED,)),
    Tab("closed", STATUS_LABELS[Status.CLOSED], (Status.CLOSED,)),
    # Translators: the tab of all one's tickets, whatever their status.
    Tab("all", pgettext_lazy("tickets tab", "All"), None),
)
TABS_BY_KEY = {tab.key: tab for tab in TABS}


class CountedPaginator(Paginator):
    """A paginator told its count, which the tab counts already hold."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


# --- helpers -----------------------------------------------------------------


def _get_ticket(request: HttpRequest, pk: int) -> Ticket:
    """The ticket if the user may see it; a ticket you may not see is not found."""
    try:
        return selectors.get_visible_ticket(request.user, pk)
    except TicketNotFound:
        raise Http404("No such ticket.") from None


def _explain(exc: TicketError) -> str:
    """What a refused change means to the person who tried it."""
    if isinstance(exc, StaleVersion):
        return _(
            "This ticket changed after you loaded the page, so your change was not applied. "
            "What changed is marked below: check it and try again."
        )
    if isinstance(exc, InvalidTransition):
        current = STATUS_LABELS.get(exc.current, exc.current)
        requested = STATUS_LABELS.get(exc.requested, exc.requested)
        # Translators: both are a ticket's status, e.g. "Waiting on you" and "Closed".
        return _("This ticket is %(current)s now, so it cannot be changed to %(requested)s.") % {
            "current": current,
            "requested": requested,
        }
    if isinstance(exc, TicketClosed):
        return _(
            "This ticket is closed, so it takes no more changes or replies. "
            "If you still need help, report a new issue."
        )
    return exc.message


def _detail_url(ticket: Ticket, *, since: int | None = None, anchor: str = "") -> str:
    url = ticket.get_absolute_url()
    if since is not None:
        url += "?" + urlencode({"since": since})
    return url + (f"#{anchor}" if anchor else "")


class TicketRow:
    """A ticket read with TICKET_COLUMNS: what the ticket page and the workflow read of one."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.__dict__ = row
        self.pk = row["id"]
        self.reporter = timeline.person_row(row, "reporter__")
        self.assignee = timeline.person_row(row, "assignee__")

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    def get_absolute_url(self) -> str:
        return reverse("tickets:detail", args=[self.pk])


def _ticket_row(request: HttpRequest, pk: int) -> TicketRow:
    """The ticket as a row if the user may see it (as _get_ticket decides it)."""
    tickets = Ticket.objects.values(*TICKET_COLUMNS)
    try:
        return TicketRow(selectors.get_visible_ticket(request.user, pk, tickets))
    except TicketNotFound:
        raise Http404("No such ticket.") from None


def _render_detail(
    request: HttpRequest,
    ticket: TicketRow | int,
    *,
    reply_form: ReplyForm | None = None,
) -> HttpResponse:
    """The ticket page, of a ticket read as a row or by its id.

    Read as rows: no model instance is needed to show it, and building them
    cost more than the rest of the view (docs/BENCHMARKS.md).
    """
    user = request.user
    if not isinstance(ticket, TicketRow):
        ticket = _ticket_row(request, ticket)
    # The web page is the reporter's view of the conversation, for staff too:
    # internal notes live in the staff console.
    public_messages = selectors.visible_messages(
        user, ticket, Message.objects.values(*timeline.MESSAGE_COLUMNS), public_only=True
    )
    events = selectors.visible_events(
        user, ticket, TicketEvent.objects.values(*timeline.EVENT_COLUMNS), public_only=True
    ).filter(kind__in=timeline.SHOWN_KINDS)
    labels = timeline.status_labels(user, ticket)
    entries = timeline.entries(
        user,
        map(timeline.MessageRow, public_messages),
        map(timeline.EventRow, events),
        since=timeline.from_micros(request.GET.get("since")),
        labels=labels,
    )
    # The files of the report and of every message shown: one query, none without files.
    files = selectors.attachments_by_message(user, ticket)
    if files:
        for entry in entries:
            if entry.message is not None:
                entry.message.attachment_list = files.get(entry.message.pk, [])

    allowed = workflow.allowed_transitions(user, ticket)
    state = {"version": ticket.version, "seen": timeline.micros(ticket.updated_at)}
    context = {
        "ticket": ticket,
        "status_label": labels[ticket.status],
        "timeline": entries,
        "edited": timeline.description_edited(entries),
        "new_count": sum(entry.is_new for entry in entries),
        "is_reporter": ticket.reporter_id == user.pk,
        "can_solve": Status.RESOLVED in allowed,
        "can_reopen": ticket.status == Status.RESOLVED and Status.OPEN in allowed,
        "can_edit": workflow.role_of(user, ticket) is not None and not ticket.is_closed,
        "reply_form": reply_form or ReplyForm(initial=state),
        "report_files": files.get(None, []),
        "state": state,
        # The language switcher brings the reader back here, not to the reply's address.
        "language_next": ticket.get_absolute_url(),
    }
    return render(request, "tickets/detail.html", context)


def _stale_reply(changes: list[str]) -> str:
    """What a reply posted from a stale page tells its author: what changed meanwhile."""
    if not changes:
        return _(
            "Your reply was posted. The ticket changed while you were writing. "
            "New items are marked below."
        )
    listed = "; ".join(changes[:4])
    if len(changes) > 4:
        # Translators: ends a list of changes that goes on; %(changes)s is the list so far.
        listed = _("%(changes)s; and more") % {"changes": listed}
    return _(
        # Translators: %(changes)s lists what others did meanwhile, e.g. "Sam replied; Sam …".
        "Your reply was posted. The ticket changed while you were writing: %(changes)s. "
        "New items are marked below."
    ) % {"changes": listed}


def _changes_since(user: User, ticket: Ticket, seen: datetime, until: datetime) -> list[str]:
    """What happened to the ticket between `seen` and `until`, as sentences."""
    events = (
        selectors.visible_events(user, ticket)
        .filter(created_at__gt=seen, created_at__lt=until, is_internal=False)
        .exclude(kind=Kind.CREATED)
    )
    return timeline.sentences(user, events, timeline.status_labels(user, ticket))


# --- pages -------------------------------------------------------------------


@require_safe
@login_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    # A NUL never gets here: helpdesk.middleware.refuse_nul_in_query answers 400.
    q = request.GET.get("q", "")[: search.MAX_QUERY_LENGTH].strip()
    tab = TABS_BY_KEY.get(request.GET.get("tab", ""), TABS[0])
    # Everyone's list is the tickets they reported, staff included: staff work
    # the whole queue in the staff console.
    # A search lists the best matches first; the list, the latest activity.
    mine = search.find(
        selectors.visible_tickets(request.user).filter(reporter=request.user),
        q,
        by_relevance=True,
    )
    # One query for every tab's count; a reporter's tickets are few enough to
    # count. Counted by status and added up here: one GROUP BY costs Django a
    # third of what five filtered counts cost to compile.
    by_status = dict(mine.order_by().values_list("status").annotate(Count("pk")))
    counts = {
        t.key: sum(
            n for status, n in by_status.items() if t.statuses is None or status in t.statuses
        )
        for t in TABS
    }
    # Only what a row shows (tickets/templatetags/helpdesk_web.py, ticket_rows).
    rows = (
        mine.filter(tab.condition).select_related(None).select_related("assignee").only(*ROW_FIELDS)
    )
    if not q:
        rows = rows.order_by("-updated_at", "-id")
    page = CountedPaginator(rows, PAGE_SIZE, count=counts[tab.key]).get_page(
        request.GET.get("page")
    )
    tickets = list(page.object_list)
    for ticket in tickets:
        ticket.status_label = STATUS_LABELS[ticket.status]
    context = {
        "tabs": [(t, counts[t.key]) for t in TABS],
        "tab": tab,
        "q": q,
        "max_query_length": search.MAX_QUERY_LENGTH,
        "page": page,
        "tickets": tickets,
        "has_any": counts["all"] > 0 or bool(q),
    }
    return render(request, "tickets/list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    form = (
        ReportIssueForm(request.POST, request.FILES)
        if request.method == "POST"
        else ReportIssueForm()
    )
    if form.is_bound and form.is_valid():
        try:
            ticket = services.report_issue(reporter=request.user, **form.cleaned_data)
        except RateLimited as exc:
            # The services count new tickets and messages, for every interface.
            return too_many(request, exc.wait)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except TicketError as exc:
            form.add_error(None, _explain(exc))
        else:
            messages.success(
                request,
                _(
                    "Thanks, your issue is reported as ticket #%(number)s. "
                    "We will answer here; you can add details below at any time."
                )
                % {"number": ticket.pk},
            )
            return redirect(ticket)
    return render(request, "tickets/new.html", {"form": form})


@require_safe
@login_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, pk)


@require_POST
@login_required
def ticket_reply(request: HttpRequest, pk: int) -> HttpResponse:
    # A row: the service locks and re-reads the ticket, the page shows the row.
    ticket = _ticket_row(request, pk)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, ticket, reply_form=form)
    # Posted without expected_version: a reply is never lost to a change made
    # meanwhile. We tell the user about that change afterwards instead.
    try:
        message = services.post_message(
            actor=request.user,
            ticket=ticket.pk,
            body=form.cleaned_data["body"],
            files=form.cleaned_data["files"],
        )
    except RateLimited as exc:
        return too_many(request, exc.wait)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_detail(request, ticket, reply_form=form)
    except TicketError as exc:
        messages.error(request, _explain(exc))
        return redirect(ticket)

    fresh = message.ticket
    seen = form.cleaned_data["seen"]
    # post_message bumps the version by one: anything above that came from others.
    if form.cleaned_data["version"] < fresh.version - 1:
        seen_at = timeline.from_micros(seen)
        changes = []
        if seen_at is not None:
            changes = _changes_since(request.user, fresh, seen_at, message.created_at)
        messages.warning(request, _stale_reply(changes))
        return HttpResponseRedirect(_detail_url(fresh, since=seen, anchor=f"message-{message.pk}"))
    if fresh.status != ticket.status and fresh.status == Status.OPEN:
        messages.success(request, _("Your reply was posted and the ticket is open again."))
    else:
        messages.success(request, _("Your reply was posted."))
    return HttpResponseRedirect(_detail_url(fresh, anchor=f"message-{message.pk}"))


@require_POST
@login_required
def ticket_status(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _get_ticket(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That request was incomplete. Please try again from this page."))
        return redirect(ticket)
    status = form.cleaned_data["status"]
    try:
        services.change_status(
            actor=request.user,
            ticket=ticket,
            status=status,
            expected_version=form.cleaned_data["version"],
        )
    except TicketError as exc:
        messages.error(request, _explain(exc))
        since = form.cleaned_data["seen"] if isinstance(exc, StaleVersion) else None
        return HttpResponseRedirect(_detail_url(ticket, since=since))
    if status == Status.RESOLVED:
        messages.success(
            request,
            _("Marked as solved. Glad it is sorted! If the problem comes back, reopen the ticket."),
        )
    elif status == Status.OPEN:
        messages.success(request, _("Ticket reopened. The helpdesk will pick it up again."))
    else:
        messages.success(
            request, _("Status changed to %(status)s.") % {"status": STATUS_LABELS[status]}
        )
    return redirect(ticket)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def ticket_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _get_ticket(request, pk)
    if ticket.is_closed:
        messages.error(request, _explain(TicketClosed()))
        return redirect(ticket)
    if request.method != "POST":
        form = EditTicketForm(
            initial={
                "subject": ticket.subject,
                "description": ticket.description,
                "version": ticket.version,
                "seen": timeline.micros(ticket.updated_at),
            }
        )
        return render(request, "tickets/edit.html", {"form": form, "ticket": ticket})

    form = EditTicketForm(request.POST)
    stale = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            updated = services.modify_ticket(
                actor=request.user,
                ticket=ticket,
                expected_version=data["version"],
                subject=data["subject"],
                description=data["description"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleVersion:
            # Keep what they typed and show what is there now; sending the
            # form again applies their text over the current version, knowingly.
            stale = True
            ticket = _get_ticket(request, pk)
            fields = request.POST.copy()
            fields["version"] = str(ticket.version)
            fields["seen"] = str(timeline.micros(ticket.updated_at))
            form = EditTicketForm(fields)
            form.is_valid()
        except TicketError as exc:
            messages.error(request, _explain(exc))
            return redirect(ticket)
        else:
            if updated.version == ticket.version:
                messages.info(request, _("Nothing to save: the ticket already says that."))
            else:
                messages.success(request, _("Your changes are saved."))
            return redirect(updated)
    return render(request, "tickets/edit.html", {"form": form, "ticket": ticket, "stale": stale})


@require_safe
@login_required
def attachment(request: HttpRequest, pk: int, thumbnail: bool = False) -> HttpResponse:
    """A file, if the user may see its ticket and its message; 404 otherwise, every time."""
    try:
        found = selectors.get_visible_attachment(request.user, pk)
        return attachments.file_response(found, thumbnail=thumbnail)
    except (TicketNotFound, FileNotFoundError):
        raise Http404("No such file.") from None
