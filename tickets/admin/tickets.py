"""The ticket queue and ticket page of the staff console.

Every change made here goes through tickets.services, so the workflow, the
audit trail and the version checks hold exactly as in the API: the change and
add pages are our own views (rendered with the admin's templates) rather than
ModelForm saves, the bulk actions call one service per ticket, and deletes go
through services.delete_ticket. Domain errors are mapped to messages and form
errors here, once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, ChangeList
from django.contrib.humanize.templatetags.humanize import intcomma, naturaltime
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince

from accounts.models import User
from tickets import dashboard, search, selectors, services, workflow
from tickets.admin.filters import ACTIVE, AssigneeFilter, StatusFilter
from tickets.admin.forms import TicketAddForm, TicketChangeForm
from tickets.admin.pagination import BoundedCountPaginator, cap_for_page
from tickets.exceptions import (
    InvalidTransition,
    NotAllowed,
    StaleVersion,
    TicketClosed,
    TicketError,
    TicketNotFound,
)
from tickets.models import Ticket

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse

Status = Ticket.Status
Priority = Ticket.Priority

# Bulk actions call one service per ticket; past this, ask for a narrower selection.
BULK_LIMIT = 500
# Search terms longer than this are cut: nobody types more, and it bounds the work.
TICKET_ID = re.compile(r"#?(\d{1,18})")
ALLOWED_METHODS = ("GET", "HEAD", "POST")

# Which form field a service's ValidationError key belongs to.
FORM_FIELD_FOR = {"body": "reply"}


def _methods_allowed(request: HttpRequest) -> HttpResponse | None:
    if request.method not in ALLOWED_METHODS:
        return HttpResponseNotAllowed(ALLOWED_METHODS)
    return None


def _when(value) -> str:
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        local.strftime("%Y-%m-%d %H:%M"),
        naturaltime(value),
    )


def _ticket_link(ticket: Ticket) -> str:
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    return format_html('<a href="{}">#{} “{}”</a>', url, ticket.pk, ticket.subject)


def _skip_reason(exc: Exception) -> str:
    if isinstance(exc, InvalidTransition):
        if exc.current == exc.requested:
            return f"already {exc.current}"
        return f"{exc.current} cannot move to {exc.requested}"
    if isinstance(exc, TicketClosed):
        return "closed"
    if isinstance(exc, ValidationError):
        return " ".join(msg for msgs in exc.message_dict.values() for msg in msgs)
    if isinstance(exc, TicketNotFound):
        return "deleted meanwhile"
    return str(exc)


def _bulk_action(description: str, method: str, value: str) -> Callable:
    """An admin action that calls `method` of the ModelAdmin with one fixed value."""

    @admin.action(description=description, permissions=["change"])
    def action(model_admin: TicketAdmin, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        getattr(model_admin, method)(request, queryset, value)

    return action


class TicketChangeList(ChangeList):
    """The queue, which may list a search's matches best first (see
    TicketAdmin.get_search_results): then no column header shows as sorted."""

    @property
    def by_relevance(self) -> bool:
        return tuple(self.queryset.query.order_by) == search.RELEVANCE_ORDER

    def get_ordering_field_columns(self) -> dict[int, str]:
        if self.by_relevance:
            return {}
        return super().get_ordering_field_columns()


class TicketAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "subject",
        "reporter",
        "status_badge",
        "priority_badge",
        "assignee_name",
        "last_update",
        "age",
    )
    list_display_links = ("number", "subject")
    list_filter = (
        StatusFilter,
        "priority",
        AssigneeFilter,
        ("created_at", admin.DateFieldListFilter),
    )
    list_select_related = ("reporter", "assignee")
    list_per_page = 50
    list_max_show_all = 200
    # Newest activity first, from the tickets_updated index.
    ordering = ("-updated_at", "-id")
    # get_search_results does the searching; these only switch the search box on.
    search_fields = ("subject", "description", "reporter__username", "reporter__email")
    search_help_text = (
        "Words from the subject or description, a ticket number (#123 for that ticket "
        "alone), or the reporter's exact username or email address."
    )
    # The total above the list and the per-option counts are exact COUNT(*)s
    # over the table: bounded counts replace them (see BoundedCountPaginator).
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = (
        "set_open",
        "set_pending",
        "set_resolved",
        "set_closed",
        "assign_to_me",
        "unassign",
        "set_priority_low",
        "set_priority_normal",
        "set_priority_high",
        "set_priority_urgent",
    )
    change_form_template = "admin/tickets/ticket/change_form.html"
    # Adding is a plain form (report_issue): Django's generic template fits it.
    add_form_template = "admin/change_form.html"
    change_list_template = "admin/tickets/ticket/change_list.html"

    class Media:
        css = {"all": ["admin_extra/console.css"]}

    # --- who may do what ----------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[Ticket]:
        return selectors.visible_tickets(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Ticket | None = None) -> bool:
        # A closed ticket takes no more changes: its page is view-only.
        if obj is not None and obj.is_closed:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Ticket | None = None) -> bool:
        # Closing keeps the record; deleting is for superusers (spam, personal data).
        return request.user.is_active and request.user.is_superuser

    # --- the list -----------------------------------------------------------

    @admin.display(description="#", ordering="id")
    def number(self, ticket: Ticket) -> str:
        return f"#{ticket.pk}"

    @admin.display(description="Status", ordering="status")
    def status_badge(self, ticket: Ticket) -> str:
        return render_to_string(
            "includes/status_badge.html",
            {"status": ticket.status, "label": ticket.get_status_display(), "console": True},
        )

    @admin.display(description="Priority", ordering="priority_rank")
    def priority_badge(self, ticket: Ticket) -> str:
        return format_html(
            '<span class="hd-badge hd-priority-{}">{}</span>',
            ticket.priority,
            ticket.get_priority_display(),
        )

    @admin.display(description="Assignee", ordering="assignee__username")
    def assignee_name(self, ticket: Ticket) -> str:
        if ticket.assignee is None:
            return format_html('<span class="hd-quiet">{}</span>', "Unassigned")
        return ticket.assignee.username

    @admin.display(description="Last update", ordering="updated_at")
    def last_update(self, ticket: Ticket) -> str:
        return _when(ticket.updated_at)

    @admin.display(description="Age", ordering="-created_at")
    def age(self, ticket: Ticket) -> str:
        local = timezone.localtime(ticket.created_at)
        return format_html(
            '<span title="Opened {}">{}</span>',
            local.strftime("%Y-%m-%d %H:%M"),
            timesince(ticket.created_at, depth=1),
        )

    def get_paginator(
        self,
        request: HttpRequest,
        queryset: QuerySet[Ticket],
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
    ) -> BoundedCountPaginator:
        return BoundedCountPaginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            cap=cap_for_page(request.GET.get(PAGE_VAR), per_page),
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Ticket], search_term: str
    ) -> tuple[QuerySet[Ticket], bool]:
        """Words of the subject or description (search.find_all, which becomes
        full-text search on PostgreSQL), or a ticket number, or the reporter's
        exact username or email address. Best matches first when they are few
        enough to rank and no column is sorted."""
        term = search_term.strip()[: search.MAX_QUERY_LENGTH]
        if not term:
            return queryset, False
        # OR-ed as querysets rather than `pk IN (search)`, so that the database
        # can stop at the first page of matches along the queue's index.
        number = TICKET_ID.fullmatch(term)
        if number and term.startswith("#"):
            # "#123" names a ticket: no need to read every description for it.
            return queryset.filter(pk=int(number.group(1))), False
        # The list and its status tabs search alike: ask the index once per request.
        probes = request.__dict__.setdefault("_ticket_search_probes", {})
        results, rankable = search.find_all(queryset, term, probes=probes)
        if number:
            results |= queryset.filter(pk=int(number.group(1)))
        if " " not in term:
            term_lower = term.lower()
            reporters = list(
                User.objects.alias(username_lower=Lower("username"), email_lower=Lower("email"))
                .filter(Q(username_lower=term_lower) | Q(email_lower=term_lower))
                .values_list("pk", flat=True)
            )
            if reporters:
                # A name: that person's tickets, which no text ranks, in the
                # queue's order (ranking them could mean sorting thousands).
                results |= queryset.filter(reporter__in=reporters)
                rankable = False
        # The queue arrives in its order already: the column the user sorted by,
        # or else last update, which gives way to relevance when all could be ranked.
        if rankable and not request.GET.get(ORDER_VAR):
            results = results.order_by(*search.RELEVANCE_ORDER)
        return results, False

    def get_changelist(self, request: HttpRequest, **kwargs) -> type[ChangeList]:
        return TicketChangeList

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        if refused := _methods_allowed(request):
            return refused
        extra_context = {"title": "Ticket queue", **(extra_context or {})}
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        if isinstance(response, TemplateResponse) and "cl" in context:
            context["status_tabs"] = self._status_tabs(request, context["cl"])
            context["search_order"] = self._search_order(request, context["cl"])
        return response

    def _search_order(self, request: HttpRequest, cl) -> str | None:
        """How a search's matches are listed, when the user did not sort by a column."""
        if not cl.query or request.GET.get(ORDER_VAR):
            return None
        if cl.by_relevance:
            return "Best matches first; click a column header to sort by it instead."
        if cl.result_count > search.SEARCH_PROBE:
            probe = search.SEARCH_PROBE
            return (
                f"More than {intcomma(probe)} match{pluralize(probe, 'es')}: newest activity "
                "first. Add words to list the best matches first."
            )
        return None

    def _status_tabs(self, request: HttpRequest, cl) -> list[dict[str, Any]]:
        """Counts per status of the list as filtered (but for its status), in one query."""
        tickets = cl.get_queryset(request, exclude_parameters=[StatusFilter.parameter_name])
        # A search for a common word matches much of the table: count less far.
        cap = dashboard.SEARCH_COUNT_CAP if cl.query else None
        counts = dashboard.status_counts(tickets, cap=cap)
        current = request.GET.get(StatusFilter.parameter_name, "")
        active = [counts[s] for s in workflow.ACTIVE_STATUSES]
        tabs = [
            {"value": "", "label": "All", "count": None},
            {
                "value": ACTIVE,
                "label": "Active",
                "count": dashboard.BoundedCount(
                    sum(c.value for c in active), any(c.capped for c in active)
                ),
            },
            *(
                {"value": value, "label": label, "count": counts[value]}
                for value, label in Status.choices
            ),
        ]
        for tab in tabs:
            tab["url"] = cl.get_query_string(
                {StatusFilter.parameter_name: tab["value"] or None, PAGE_VAR: None}
            )
            tab["current"] = tab["value"] == current
        return tabs

    # --- bulk actions -------------------------------------------------------

    def _bulk(
        self,
        request: HttpRequest,
        queryset: QuerySet[Ticket],
        *,
        done: str,
        apply: Callable[[Ticket], Ticket],
    ) -> None:
        """Apply `apply` (one service call) to each selected ticket; report what was skipped."""
        tickets = list(queryset.order_by("pk")[: BULK_LIMIT + 1])
        if len(tickets) > BULK_LIMIT:
            self.message_user(
                request,
                f"Select at most {BULK_LIMIT} tickets at a time; nothing was changed.",
                messages.ERROR,
            )
            return
        applied: list[Ticket] = []
        unchanged: list[Ticket] = []
        skipped: list[tuple[Ticket, str]] = []
        for ticket in tickets:
            try:
                updated = apply(ticket)
            except (TicketError, ValidationError) as exc:
                skipped.append((ticket, _skip_reason(exc)))
            else:
                (applied if updated.version != ticket.version else unchanged).append(ticket)
        if applied:
            noun = "ticket" if len(applied) == 1 else "tickets"
            self.message_user(
                request, f"{done.format(n=len(applied), noun=noun)}.", messages.SUCCESS
            )
        if unchanged:
            self.message_user(
                request,
                format_html(
                    "Already so, left as they were: {}.",
                    format_html_join(", ", "{}", ((_ticket_link(t),) for t in unchanged)),
                ),
                messages.INFO,
            )
        if skipped:
            self.message_user(
                request,
                format_html(
                    "Skipped {} {}: {}.",
                    len(skipped),
                    "ticket" if len(skipped) == 1 else "tickets",
                    format_html_join(
                        "; ", "{} ({})", ((_ticket_link(t), why) for t, why in skipped)
                    ),
                ),
                messages.WARNING,
            )

    def _set_status(self, request: HttpRequest, queryset: QuerySet[Ticket], status: str) -> None:
        self._bulk(
            request,
            queryset,
            done=f"Moved {{n}} {{noun}} to {status}",
            apply=lambda t: services.change_status(actor=request.user, ticket=t.pk, status=status),
        )

    set_open = _bulk_action("Set status: open", "_set_status", Status.OPEN)
    set_pending = _bulk_action("Set status: pending", "_set_status", Status.PENDING)
    set_resolved = _bulk_action("Set status: resolved", "_set_status", Status.RESOLVED)
    set_closed = _bulk_action("Set status: closed", "_set_status", Status.CLOSED)

    def _modify(
        self, request: HttpRequest, queryset: QuerySet[Ticket], done: str, **changes
    ) -> None:
        self._bulk(
            request,
            queryset,
            done=done,
            apply=lambda t: services.modify_ticket(actor=request.user, ticket=t.pk, **changes),
        )

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        self._modify(request, queryset, "Assigned {n} {noun} to you", assignee=request.user)

    @admin.action(description="Unassign", permissions=["change"])
    def unassign(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        self._modify(request, queryset, "Unassigned {n} {noun}", assignee=None)

    def _set_priority(
        self, request: HttpRequest, queryset: QuerySet[Ticket], priority: str
    ) -> None:
        self._modify(
            request, queryset, f"Set {{n}} {{noun}} to {priority} priority", priority=priority
        )

    set_priority_low = _bulk_action("Set priority: low", "_set_priority", Priority.LOW)
    set_priority_normal = _bulk_action("Set priority: normal", "_set_priority", Priority.NORMAL)
    set_priority_high = _bulk_action("Set priority: high", "_set_priority", Priority.HIGH)
    set_priority_urgent = _bulk_action("Set priority: urgent", "_set_priority", Priority.URGENT)

    # --- deleting (superusers only) ----------------------------------------

    def delete_model(self, request: HttpRequest, obj: Ticket) -> None:
        services.delete_ticket(actor=request.user, ticket=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        for ticket in queryset:
            services.delete_ticket(actor=request.user, ticket=ticket)

    # --- the ticket page ----------------------------------------------------

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        # The audit trail (TicketEvents) is the history; it is on the ticket page.
        url = reverse("admin:tickets_ticket_change", args=[object_id])
        return HttpResponseRedirect(f"{url}#audit-trail")

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        if refused := _methods_allowed(request):
            return refused
        ticket = self.get_object(request, unquote(object_id))
        if ticket is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, ticket):
            raise PermissionDenied
        user = request.user
        if request.method != "POST":
            form = TicketChangeForm(ticket=ticket, user=user, admin_site=self.admin_site)
            return self._render_ticket(request, ticket, form)
        if not super().has_change_permission(request, ticket):
            raise PermissionDenied
        if ticket.is_closed:
            # Closed by someone else since this page was loaded.
            return self._refuse(request, ticket, TicketClosed(), unsent=request.POST.get("reply"))
        form = TicketChangeForm(request.POST, ticket=ticket, user=user, admin_site=self.admin_site)
        if not form.is_valid():
            return self._render_ticket(request, ticket, form)
        try:
            summary = self._save(request, ticket, form)
        except StaleVersion as exc:
            current = self.get_object(request, ticket.pk)
            if current is None:
                return self._deleted_meanwhile(request, ticket)
            if current.is_closed:
                return self._refuse(
                    request, current, TicketClosed(), unsent=form.cleaned_data["reply"]
                )
            messages.error(
                request,
                f"Not saved: someone else changed ticket #{ticket.pk} after you opened it "
                f"(you had version {exc.expected}, it is now version {exc.current}). "
                "Nothing was overwritten. The conversation and history below are up to date "
                "and your input is kept; check it and save again.",
            )
            rebased = form.rebased(current, user=user, admin_site=self.admin_site)
            return self._render_ticket(request, current, rebased)
        except TicketNotFound:
            return self._deleted_meanwhile(request, ticket)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                field = FORM_FIELD_FOR.get(name, name)
                form.add_error(field if field in form.fields else None, errors)
            return self._render_ticket(request, ticket, form)
        except InvalidTransition as exc:
            form.add_error("status", exc.message)
            return self._render_ticket(request, ticket, form)
        except TicketClosed as exc:
            current = self.get_object(request, ticket.pk) or ticket
            return self._refuse(request, current, exc, unsent=form.cleaned_data["reply"])
        except NotAllowed as exc:
            messages.error(request, f"Not saved. {exc.message}")
            return self._render_ticket(request, ticket, form)
        if summary:
            messages.success(request, f"Ticket #{ticket.pk}: {summary}.")
        else:
            messages.info(request, f"Ticket #{ticket.pk}: nothing to save.")
        return self._after_save(request, ticket)

    def _save(self, request: HttpRequest, ticket: Ticket, form: TicketChangeForm) -> str:
        """Send the form to the services; return a summary of what was done."""
        changes = form.changes()
        reply = form.cleaned_data["reply"]
        internal = form.cleaned_data["internal"]
        version = form.cleaned_data["version"]
        if reply.strip():
            services.reply_and_modify(
                actor=request.user,
                ticket=ticket,
                body=reply,
                is_internal=internal,
                expected_version=version,
                **changes,
            )
        elif changes:
            services.modify_ticket(
                actor=request.user, ticket=ticket, expected_version=version, **changes
            )
        done = []
        if reply.strip():
            done.append("internal note added" if internal else "reply sent")
        if "status" in changes:
            done.append(f"status set to {changes['status']}")
        if "priority" in changes:
            done.append(f"priority set to {changes['priority']}")
        if "assignee" in changes:
            assignee = changes["assignee"]
            done.append(f"assigned to {assignee.username}" if assignee else "unassigned")
        done.extend(f"{name} edited" for name in ("subject", "description") if name in changes)
        return ", ".join(done)

    def _after_save(self, request: HttpRequest, ticket: Ticket) -> HttpResponse:
        preserved = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        if "_continue" in request.POST:
            url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
        else:
            url = reverse("admin:tickets_ticket_changelist")
        return HttpResponseRedirect(add_preserved_filters(preserved, url))

    def _refuse(
        self, request: HttpRequest, ticket: Ticket, exc: TicketError, *, unsent: str | None
    ) -> HttpResponse:
        """Say why nothing was saved, on the ticket as it is now, with the unsent reply."""
        messages.error(request, f"Not saved. {exc.message}")
        form = TicketChangeForm(ticket=ticket, user=request.user, admin_site=self.admin_site)
        return self._render_ticket(request, ticket, form, unsent_reply=(unsent or "").strip())

    def _deleted_meanwhile(self, request: HttpRequest, ticket: Ticket) -> HttpResponse:
        messages.error(request, f"Ticket #{ticket.pk} was deleted meanwhile; nothing was saved.")
        return HttpResponseRedirect(reverse("admin:tickets_ticket_changelist"))

    def _render_ticket(
        self,
        request: HttpRequest,
        ticket: Ticket,
        form: TicketChangeForm,
        *,
        unsent_reply: str = "",
    ) -> HttpResponse:
        can_change = self.has_change_permission(request, ticket)
        reply_fieldsets = [
            (None, {"fields": ["reply", ("internal", "status"), "version"]}),
        ]
        side_fieldsets = [
            ("Ticket", {"fields": ["priority", "assignee"]}),
            (
                "Subject and description",
                {"fields": ["subject", "description"], "classes": ["collapse"]},
            ),
        ]
        adminform = helpers.AdminForm(form, reply_fieldsets + side_fieldsets, {})
        context = {
            **self.admin_site.each_context(request),
            "title": f"Ticket #{ticket.pk}",
            "subtitle": ticket.subject,
            "adminform": adminform,
            "reply_adminform": helpers.AdminForm(form, reply_fieldsets, {}),
            "side_adminform": helpers.AdminForm(form, side_fieldsets, {}),
            "object_id": ticket.pk,
            "original": ticket,
            "is_popup": False,
            "to_field": None,
            "media": self.media + adminform.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            "conversation": selectors.visible_messages(request.user, ticket),
            "events": selectors.visible_events(request.user, ticket),
            "show_save_and_add_another": False,
            "show_save": can_change,
            "show_save_and_continue": can_change,
            "unsent_reply": unsent_reply,
        }
        return self.render_change_form(request, context, change=True, obj=ticket)

    # --- adding a ticket for someone ---------------------------------------

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        if refused := _methods_allowed(request):
            return refused
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            form = TicketAddForm(admin_site=self.admin_site)
        else:
            form = TicketAddForm(request.POST, admin_site=self.admin_site)
            if form.is_valid():
                try:
                    ticket = services.report_issue(
                        actor=request.user,
                        reporter=form.cleaned_data["reporter"],
                        subject=form.cleaned_data["subject"],
                        description=form.cleaned_data["description"],
                        priority=form.cleaned_data["priority"],
                    )
                except ValidationError as exc:
                    for name, errors in exc.message_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                except NotAllowed as exc:
                    form.add_error("reporter", exc.message)
                else:
                    messages.success(
                        request,
                        f"Ticket #{ticket.pk} opened for {ticket.reporter.username}. "
                        "Assign it or reply below.",
                    )
                    return HttpResponseRedirect(
                        reverse("admin:tickets_ticket_change", args=[ticket.pk])
                    )
        fieldsets = [(None, {"fields": ["reporter", "subject", "description", "priority"]})]
        adminform = helpers.AdminForm(form, fieldsets, {})
        context = {
            **self.admin_site.each_context(request),
            "title": "Open a ticket for someone",
            "subtitle": None,
            "adminform": adminform,
            "object_id": None,
            "original": None,
            "is_popup": False,
            "to_field": None,
            "media": self.media + adminform.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            "show_save_and_add_another": False,
            "show_save_and_continue": False,
        }
        return self.render_change_form(request, context, add=True, obj=None)
