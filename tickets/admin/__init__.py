"""The staff console: Django admin over tickets.services and tickets.selectors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.functional import SimpleLazyObject, lazy
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy, pgettext

from tickets.admin.tickets import TicketAdmin
from tickets.models import Ticket

if TYPE_CHECKING:
    from django.http import HttpRequest


def _console_name() -> str:
    # Translators: the console's title; %(site_name)s is the helpdesk's configured name.
    return gettext("%(site_name)s staff console") % {"site_name": settings.SITE_NAME}


def _boolean_icon(value: bool | None) -> str:
    """Django's yes/no icon, with its text alternative in the reader's language.

    Django's own names the icon "True", "False" or "None", in English whatever
    the language, and screen readers read it out: in lists (the users', the
    notification preferences') and on view-only pages. Every boolean the
    console shows goes through this function (Django imports it from
    admin_list each time it draws one), so it is replaced here, once.
    """
    icon = {True: "yes", False: "no", None: "unknown"}[value]
    text = {
        True: pgettext("a yes/no icon's text", "Yes"),
        False: pgettext("a yes/no icon's text", "No"),
        None: pgettext("a yes/no icon's text", "Unknown"),
    }[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text)


admin_list._boolean_icon = _boolean_icon

_djangos_app_list = admin.site.get_app_list


def _app_list(request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
    """Django's list of apps and models, worked out when a template first reads it.

    Every page's context has it as available_apps (each_context), for the nav
    sidebar, which is off here: four permission checks per registered model,
    1.5% of the queue's time at a million tickets, for nothing. The dashboard
    lists it, and reads it there as before.
    """
    if app_label is not None:
        return _djangos_app_list(request, app_label)
    return SimpleLazyObject(lambda: _djangos_app_list(request))


admin.site.get_app_list = _app_list

admin.site.register(Ticket, TicketAdmin)
# Lazy: worded in the language of each request, not the one at start-up.
admin.site.site_header = lazy(_console_name, str)()
admin.site.site_title = lazy(_console_name, str)()
admin.site.index_title = gettext_lazy("Dashboard")
# The queue needs the width more than a second menu: breadcrumbs and the
# dashboard lead everywhere.
admin.site.enable_nav_sidebar = False
