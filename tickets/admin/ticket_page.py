"""The ticket page and the add page of the staff console.

Both are our own views rendered with the admin's templates, not ModelForm
saves: the forms (forms.py) parse the input, tickets.services writes it, and a
refusal is worded by error_messages.error_message. The two pages share one
context builder, `_page_context`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from helpdesk.forms import add_service_errors
from macros import selectors as macro_selectors
from macros import services as macro_services
from service_levels import selectors as service_levels
from service_levels.clock import State, Target
from tickets import selectors, services
from tickets.admin.error_messages import error_message
from tickets.admin.forms import FORM_FIELD_FOR, TicketAddForm, TicketChangeForm
from tickets.admin.wording import priority_in_sentence, status_in_sentence
from tickets.exceptions import (
    InvalidTransition,
    NotAllowed,
    RateLimited,
    StaleVersion,
    TicketClosed,
    TicketError,
    TicketNotFound,
)

if TYPE_CHECKING:
    from django import forms
    from django.http import HttpRequest, HttpResponse
    from django.utils.functional import Promise

    from tickets.models import Ticket

Fieldsets = list[tuple["str | Promise | None", dict[str, Any]]]

# The ticket page: the reply box under the conversation, the ticket's fields beside it.
REPLY_FIELDSETS: Fieldsets = [
    (None, {"fields": ["reply", "files", ("internal", "status"), "version"]}),
]
SIDE_FIELDSETS: Fieldsets = [
    # Translators: the heading of the ticket page's box of priority and assignee.
    (pgettext_lazy("ticket page heading", "Ticket"), {"fields": ["priority", "assignee"]}),
    (
        gettext_lazy("Subject and description"),
        {"fields": ["subject", "description"], "classes": ["collapse"]},
    ),
]
ADD_FIELDSETS: Fieldsets = [
    (None, {"fields": ["reporter", "subject", "description", "priority"]}),
]


class TicketPageAdmin(admin.ModelAdmin):
    """The change and add views of TicketAdmin (tickets.py puts the parts together)."""

    change_form_template = "admin/tickets/ticket/change_form.html"
    # Adding is a plain form (report_issue): Django's generic template fits it.
    add_form_template = "admin/change_form.html"

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        # The audit trail (TicketEvents) is the history; it is on the ticket page.
        url = reverse("admin:tickets_ticket_change", args=[object_id])
        return HttpResponseRedirect(f"{url}#audit-trail")

    # --- the ticket page ----------------------------------------------------

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        ticket = self.get_object(request, unquote(object_id))
        if ticket is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, ticket):
            raise PermissionDenied
        user = request.user
        if request.method != "POST":
            form = None
            if "macro" in request.GET and self.has_change_permission(request, ticket):
                form = self._macro_form(request, ticket, request.GET["macro"])
            if form is None:
                form = TicketChangeForm(ticket=ticket, user=user, admin_site=self.admin_site)
            return self._render_ticket(request, ticket, form)
        # The model permission alone: a ticket closed meanwhile gets a message, not a 403.
        if not super().has_change_permission(request, ticket):
            raise PermissionDenied
        if ticket.is_closed:
            # Closed by someone else since this page was loaded.
            return self._refuse(request, ticket, TicketClosed(), unsent=request.POST.get("reply"))
        form = TicketChangeForm(
            request.POST, request.FILES, ticket=ticket, user=user, admin_site=self.admin_site
        )
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
            messages.error(request, error_message(exc, ticket_id=ticket.pk))
            rebased = form.rebased(current, user=user, admin_site=self.admin_site)
            return self._render_ticket(request, current, rebased)
        except TicketNotFound:
            return self._deleted_meanwhile(request, ticket)
        except ValidationError as exc:
            add_service_errors(form, exc, field_for=FORM_FIELD_FOR)
            return self._render_ticket(request, ticket, form)
        except InvalidTransition as exc:
            form.add_error("status", error_message(exc, ticket_id=ticket.pk, where="field"))
            return self._render_ticket(request, ticket, form)
        except TicketClosed as exc:
            current = self.get_object(request, ticket.pk) or ticket
            return self._refuse(request, current, exc, unsent=form.cleaned_data["reply"])
        except NotAllowed as exc:
            messages.error(request, error_message(exc, ticket_id=ticket.pk))
            return self._render_ticket(request, ticket, form)
        except RateLimited as exc:
            # One message too many (the services count them for every interface):
            # nothing is saved, and the form keeps the reply for later.
            messages.error(request, error_message(exc, ticket_id=ticket.pk))
            return _too_many(self._render_ticket(request, ticket, form), exc)
        if summary:
            # Translators: %(changes)s lists what the save did, e.g. "reply sent,
            # status set to pending" (the phrases below, joined by commas).
            done = _("Ticket #%(number)s: %(changes)s.")
            messages.success(request, done % {"number": ticket.pk, "changes": summary})
        else:
            nothing = _("Ticket #%(number)s: nothing to save.")
            messages.info(request, nothing % {"number": ticket.pk})
        return self._after_save(request, ticket)

    def _macro_form(
        self, request: HttpRequest, ticket: Ticket, macro_id: str
    ) -> TicketChangeForm | None:
        """The page's form filled in with a macro's reply and changes, for the user to save.

        Bound, so that a change the workflow would refuse shows as the status
        field's error now; nothing is written until the user saves.
        """
        user = request.user
        macro = macro_selectors.get_visible_macro(user, macro_id)
        if macro is None:
            messages.error(request, _("No such macro."))
            return None
        loaded = TicketChangeForm.initial_for(ticket)
        data: dict[str, Any] = {
            **{key: "" if value is None else value for key, value in loaded.items()},
            **{f"initial-{name}": loaded[name] or "" for name in TicketChangeForm.EDITABLE},
            "reply": macro_services.fill(macro, ticket=ticket, actor=user),
        }
        if macro.is_internal:
            data["internal"] = "on"
        if macro.status and macro.status != ticket.status:
            data["status"] = macro.status
        if macro.priority:
            data["priority"] = macro.priority
        if macro.assign == macro.Assign.ME:
            data["assignee"] = user.pk
        elif macro.assign == macro.Assign.NOBODY:
            data["assignee"] = ""
        elif macro.assign == macro.Assign.PERSON and macro.assignee_id:
            data["assignee"] = macro.assignee_id
        messages.info(
            request,
            _("Macro “%(name)s” filled in below: check it, then save.") % {"name": macro.name},
        )
        return TicketChangeForm(data, ticket=ticket, user=user, admin_site=self.admin_site)

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
                files=form.cleaned_data["files"],
                **changes,
            )
        elif changes:
            services.modify_ticket(
                actor=request.user, ticket=ticket, expected_version=version, **changes
            )
        done = []
        if reply.strip():
            done.append(_("internal note added") if internal else _("reply sent"))
            if files := form.cleaned_data["files"]:
                done.append(
                    ngettext("%(count)s file attached", "%(count)s files attached", len(files))
                    % {"count": len(files)}
                )
        if "status" in changes:
            status = status_in_sentence(changes["status"])
            done.append(_("status set to %(status)s") % {"status": status})
        if "priority" in changes:
            priority = priority_in_sentence(changes["priority"])
            done.append(_("priority set to %(priority)s") % {"priority": priority})
        if "assignee" in changes:
            assignee = changes["assignee"]
            if assignee:
                done.append(_("assigned to %(name)s") % {"name": assignee.username})
            else:
                done.append(pgettext("what a save did", "unassigned"))
        if "subject" in changes:
            done.append(_("subject edited"))
        if "description" in changes:
            done.append(_("description edited"))
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
        messages.error(request, error_message(exc, ticket_id=ticket.pk))
        form = TicketChangeForm(ticket=ticket, user=request.user, admin_site=self.admin_site)
        return self._render_ticket(request, ticket, form, unsent_reply=(unsent or "").strip())

    def _deleted_meanwhile(self, request: HttpRequest, ticket: Ticket) -> HttpResponse:
        messages.error(request, error_message(TicketNotFound(), ticket_id=ticket.pk))
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
        context = self._page_context(
            request,
            form,
            REPLY_FIELDSETS + SIDE_FIELDSETS,
            ticket=ticket,
            title=_("Ticket #%(number)s") % {"number": ticket.pk},
            subtitle=ticket.subject,
            show_save_and_continue=can_change,
        )
        conversation = list(selectors.visible_messages(request.user, ticket))
        # The files of the report and every message: one query, none without files.
        files = selectors.attachments_by_message(request.user, ticket)
        for message in conversation:
            message.attachment_list = files.get(message.pk, [])
        context.update(
            {
                "reply_adminform": helpers.AdminForm(form, REPLY_FIELDSETS, {}),
                "side_adminform": helpers.AdminForm(form, SIDE_FIELDSETS, {}),
                "conversation": conversation,
                "report_files": files.get(None, []),
                "events": selectors.visible_events(request.user, ticket),
                "show_save": can_change,
                "unsent_reply": unsent_reply,
                "service_levels": service_level_rows(ticket),
            }
        )
        return self.render_change_form(request, context, change=True, obj=ticket)

    # --- adding a ticket for someone ---------------------------------------

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        rate_limited: RateLimited | None = None
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
                    add_service_errors(form, exc, field_for=FORM_FIELD_FOR)
                except NotAllowed as exc:
                    # An inactive reporter, say: the error is about the person chosen.
                    form.add_error("reporter", error_message(exc, where="field"))
                except RateLimited as exc:
                    messages.error(request, error_message(exc))
                    rate_limited = exc
                else:
                    opened = _(
                        "Ticket #%(number)s opened for %(reporter)s. Assign it or reply below."
                    )
                    messages.success(
                        request,
                        opened % {"number": ticket.pk, "reporter": ticket.reporter.username},
                    )
                    return HttpResponseRedirect(
                        reverse("admin:tickets_ticket_change", args=[ticket.pk])
                    )
        context = self._page_context(
            request,
            form,
            ADD_FIELDSETS,
            ticket=None,
            title=_("Open a ticket for someone"),
            subtitle=None,
            show_save_and_continue=False,
        )
        response = self.render_change_form(request, context, add=True, obj=None)
        return _too_many(response, rate_limited) if rate_limited else response

    # --- what both pages show -----------------------------------------------

    def _page_context(
        self,
        request: HttpRequest,
        form: forms.Form,
        fieldsets: Fieldsets,
        *,
        ticket: Ticket | None,
        title: str,
        subtitle: str | None,
        show_save_and_continue: bool,
    ) -> dict[str, Any]:
        """What the admin's change_form template needs, for `ticket` (None: a new one)."""
        adminform = helpers.AdminForm(form, fieldsets, {})
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": subtitle,
            "adminform": adminform,
            "object_id": None if ticket is None else ticket.pk,
            "original": ticket,
            "is_popup": False,
            "to_field": None,
            "media": self.media + adminform.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            "show_save_and_add_another": False,
            "show_save_and_continue": show_save_and_continue,
        }


SLA_TARGETS = (
    # Translators: service level targets, as listed on the console's ticket page.
    (Target.FIRST_REPLY, gettext_lazy("First reply")),
    (Target.NEXT_REPLY, gettext_lazy("Next reply")),
    (Target.RESOLUTION, gettext_lazy("Resolution")),
)
SLA_STATES = {
    # Translators: what a service level target's clock is doing.
    State.NOT_STARTED: pgettext_lazy("service level target", "not started"),
    State.RUNNING: pgettext_lazy("service level target", "running"),
    State.PAUSED: pgettext_lazy("service level target", "paused"),
    State.MET: pgettext_lazy("service level target", "met"),
    State.BREACHED: pgettext_lazy("service level target", "breached"),
}


def service_level_rows(ticket: Ticket) -> dict[str, Any] | None:
    """Each target of the ticket's policy: met, running (due when), paused or breached."""
    result = service_levels.evaluate(ticket, timezone.now())
    if result is None:
        return None
    policy = service_levels.policy_by_id(ticket.sla_policy_id)
    return {
        "policy": policy.name if policy else "",
        "targets": [
            {
                "label": label,
                "state": result.clock(target).state.value,
                "state_label": SLA_STATES[result.clock(target).state],
                "due": result.clock(target).due,
            }
            for target, label in SLA_TARGETS
        ],
    }


def _too_many(response: HttpResponse, exc: RateLimited) -> HttpResponse:
    """The page as it was, answered 429 with Retry-After, as the API and the web do."""
    response.status_code = 429
    response["Retry-After"] = str(exc.wait)
    return response
