"""The console's macros: keep shared and personal ones, and pick one for a ticket.

Every staff member sees the shared macros and their own, never another's
personal ones (404). Saving and deleting go through macros.services. The pick
page lists the macros for one ticket; choosing one opens the ticket page with
its reply and changes filled in (?macro=), to edit and save there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk.console import OfferedFiltersOnly
from macros import placeholders, selectors, services
from macros.models import Macro
from tickets import selectors as ticket_selectors
from tickets.exceptions import TicketNotFound

if TYPE_CHECKING:
    from django.urls import URLPattern


class MacroForm(forms.ModelForm):
    shared = forms.BooleanField(
        label=gettext_lazy("Shared with all staff"),
        required=False,
        help_text=gettext_lazy("Untick to keep it for yourself."),
    )

    class Meta:
        model = Macro
        fields = ["name", "body", "is_internal", "status", "priority", "assign", "assignee"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shared"].initial = self.instance.pk is None or self.instance.is_shared
        names = ", ".join(
            f"{{{{ {name} }}}} ({label})" for name, label in placeholders.PLACEHOLDERS.items()
        )
        # Translators: %(placeholders)s lists them, e.g. "{{ subject }} (the ticket's subject)".
        self.fields["body"].help_text = _(
            "Placeholders: %(placeholders)s. Nothing else is filled in."
        ) % {"placeholders": names}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("assign") == Macro.Assign.PERSON and not cleaned.get("assignee"):
            self.add_error("assignee", _("Choose the person to assign the ticket to."))
        if not (cleaned.get("body") or "").strip() and not any(
            cleaned.get(name) for name in ("status", "priority", "assign")
        ):
            self.add_error("body", _("Write a reply, or choose a change to make."))
        return cleaned


@admin.register(Macro)
class MacroAdmin(OfferedFiltersOnly):
    form = MacroForm
    list_display = ["name", "sharing", "status", "priority", "assign", "is_internal"]
    list_filter = ["is_internal"]
    search_fields = ["name"]
    list_select_related = ["owner"]

    @admin.display(description=gettext_lazy("Shared"))
    def sharing(self, macro: Macro) -> str:
        return _("all staff") if macro.is_shared else _("only you")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Macro]:
        # Another's personal macro does not exist for you: its page is a 404.
        return selectors.visible_macros(request.user).select_related("owner")

    def save_model(self, request: HttpRequest, obj: Macro, form: Any, change: bool) -> None:
        services.save_macro(actor=request.user, macro=obj, shared=form.cleaned_data["shared"])

    def delete_model(self, request: HttpRequest, obj: Macro) -> None:
        services.delete_macro(actor=request.user, macro=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Macro]) -> None:
        for macro in queryset:
            services.delete_macro(actor=request.user, macro=macro)

    def get_urls(self) -> list[URLPattern]:
        pick = path(
            "pick/<int:ticket_id>/",
            self.admin_site.admin_view(self.pick_view),
            name="macros_macro_pick",
        )
        return [pick, *super().get_urls()]

    def pick_view(self, request: HttpRequest, ticket_id: int) -> HttpResponse:
        """The macros the user may apply to this ticket, each a link to the filled-in page."""
        if not self.has_view_permission(request):
            raise Http404
        try:
            ticket = ticket_selectors.get_visible_ticket(request.user, ticket_id)
        except TicketNotFound:
            raise Http404 from None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Use a macro on ticket #%(number)s") % {"number": ticket.pk},
            "ticket": ticket,
            "macros": list(selectors.visible_macros(request.user).select_related("assignee")),
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/macros/pick.html", context)
