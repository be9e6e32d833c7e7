"""The staff console's template tags: the dashboard, and the audit trail's wording."""

from __future__ import annotations

import functools
import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django import forms, template
from django.conf import settings
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from service_levels import selectors as service_levels
from tickets import dashboard, selectors, timeline, workflow
from tickets.admin import result_list, wording
from tickets.admin.filters import ACTIVE, MINE, UNASSIGNED
from tickets.admin.result_list import escape_text
from tickets.chart import activity_chart
from tickets.models import Ticket, TicketEvent

if TYPE_CHECKING:
    from django.db.models import QuerySet

register = template.Library()


@register.filter
def audit_text(event: TicketEvent) -> str:
    """An event as the audit trail words it (tickets.timeline), after its actor's name."""
    return timeline.audit_text(event)


@register.filter
def status_in_sentence(value: str) -> str:
    """A status as a sentence names it ("This ticket is closed.")."""
    return wording.status_in_sentence(value)


@register.tag(name="queue_result_list")
def queue_result_list_tag(parser: template.base.Parser, token: template.base.Token) -> Any:
    """The queue's table: Django's {% result_list %}, its rows made in one pass (result_list.py)."""
    return InclusionAdminNode(
        "queue_result_list",
        parser,
        token,
        # Looked up on each render, so that a test can put Django's in its place.
        func=lambda cl: result_list.queue_result_list(cl),
        template_name="queue_results.html",
        takes_context=False,
    )


# What iri_to_uri leaves alone: the unreserved characters and those it keeps.
_URI_SAFE = re.compile(r"[A-Za-z0-9_.~\-/#%\[\]=:;$&()+,!?*@']*")


@register.simple_tag
def filter_choices(choices: list[dict[str, Any]]) -> SafeString:
    """The items of admin/filter.html's list, as its loop renders them, in one pass."""
    items = []
    for choice in choices:
        selected = ' class="selected"' if choice["selected"] else ""
        link = choice["query_string"]
        # A link made by get_query_string is urlencoded: iri_to_uri would leave it as it is.
        href = escape_text(link if _URI_SAFE.fullmatch(link) else iri_to_uri(link))
        display = choice["display"]
        # A plain string (a staff member's name) escaped without conditional_escape's wrapper.
        shown = escape_text(display) if type(display) is str else conditional_escape(display)
        items.append(f'\n    <li{selected}>\n    <a href="{href}">{shown}</a></li>\n  ')
    return SafeString("".join(items))


def action_fields(form: forms.Form) -> SafeString:
    """The action form's fields, as admin/actions.html's loop renders them."""
    parts = []
    for field in form:
        if field.label:
            parts.append(f"<label>{conditional_escape(field.label)} {field}</label>")
        else:
            parts.append(str(field))
    return SafeString("".join(parts))


@functools.lru_cache(maxsize=64)
def _unbound_action_fields(form_class: type[ActionForm], choices: tuple, label: str) -> SafeString:
    form = form_class(auto_id=None)
    form.fields["action"].choices = choices
    form.fields["action"].label = label
    return action_fields(form)


@register.simple_tag
def queue_action_fields(form: forms.Form) -> SafeString:
    """The queue's action form, its widgets rendered once per list of actions and language.

    Unbound and without ids, as changelist_view makes it, the form is only its
    list of actions (which depends on the reader's permissions and language):
    rendering its widgets through their templates on every request was 3% of
    the queue's time. Anything else is rendered as it is.
    (Looked up on each render, so that a test can put Django's loop in its place.)"""
    return render_action_fields(form)


def render_action_fields(form: forms.Form) -> SafeString:
    if form.is_bound or form.auto_id or form.fields.keys() != {"action", "select_across"}:
        return action_fields(form)
    action = form.fields["action"]
    if not all(isinstance(label, (str, Promise)) for _, label in action.choices):
        return action_fields(form)  # groups of actions
    choices = tuple((str(value), str(label)) for value, label in action.choices)
    return _unbound_action_fields(type(form), choices, str(action.label))


@register.simple_tag
def site_languages() -> list[tuple[str, str]]:
    """The languages the console is offered in, each named in its own language."""
    return list(settings.LANGUAGES)


def _queue_url(**params: str) -> str:
    url = reverse("admin:tickets_ticket_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def format_duration(value: timedelta | None) -> str:
    """A duration the way people say it: "45 min", "3 h 10 min", "2 days 4 h"."""
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    if minutes < 1:
        # Translators: a short duration in seconds, e.g. "40 s".
        return _("%(seconds)s s") % {"seconds": int(value.total_seconds())}
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = {"days": days, "hours": hours, "minutes": minutes}
    if days and hours:
        # Translators: a short duration, e.g. "2 days 4 h" (h for hours).
        return ngettext("%(days)s day %(hours)s h", "%(days)s days %(hours)s h", days) % parts
    if days:
        return ngettext("%(days)s day", "%(days)s days", days) % parts
    if hours and minutes:
        # Translators: a short duration, e.g. "3 h 10 min" (hours and minutes).
        return _("%(hours)s h %(minutes)s min") % parts
    if hours:
        # Translators: a short duration in hours, e.g. "3 h".
        return _("%(hours)s h") % parts
    # Translators: a short duration in minutes, e.g. "45 min".
    return _("%(minutes)s min") % parts


def _the_month(tickets: QuerySet[Ticket]) -> tuple[Any, Any, Any]:
    """The last 30 days' figures: per day, the median first reply, the service levels.

    They read the month's tickets (tens of thousands at a million): kept in the
    shared cache for HELPDESK_DASHBOARD_CACHE_SECONDS, so a busy console reads
    them once a minute rather than on every visit; the queue's counts of now
    (workload) are read every time. One entry for every staff member, who all
    see every ticket; a new day or another time zone is another entry.
    """
    now = timezone.now()

    def read() -> tuple[Any, Any, Any]:
        since = now - timedelta(days=dashboard.DAYS)
        return (
            dashboard.daily_activity(tickets),
            dashboard.first_staff_reply(tickets),
            service_levels.report(tickets, since=since, now=now),
        )

    zone = timezone.get_current_timezone_name()
    key = f"helpdesk:dashboard-month:{timezone.localdate(now).isoformat()}:{zone}"
    return dashboard.kept_for(key, settings.HELPDESK_DASHBOARD_CACHE_SECONDS, read)


@register.inclusion_tag("admin/tickets/dashboard.html", takes_context=True)
def helpdesk_dashboard(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    if not (workflow.is_helpdesk_staff(user) and user.has_perm("tickets.view_ticket")):
        return {"show": False}
    tickets = selectors.visible_tickets(user)
    load = dashboard.workload(user, tickets)
    days, first_reply, sla = _the_month(tickets)
    return {
        "show": True,
        "statuses": [
            {
                "value": value,
                "label": label,
                "count": load.by_status[value],
                "url": _queue_url(status=value),
            }
            for value, label in Ticket.Status.choices
        ],
        "unassigned": {
            "count": load.unassigned,
            "url": _queue_url(status=ACTIVE, assignee=UNASSIGNED),
        },
        "mine": {"count": load.mine, "url": _queue_url(status=ACTIVE, assignee=MINE)},
        "days": days,
        "chart": activity_chart(days),
        "first_reply": first_reply,
        "first_reply_median": format_duration(first_reply.median),
        "window": dashboard.DAYS,
        "sla": sla,
        "sla_targets": [
            # Translators: service level targets on the dashboard.
            (_("First reply"), sla.met["first_reply"]),
            (_("Next reply"), sla.met["next_reply"]),
            (_("Resolution"), sla.met["resolution"]),
        ],
        "sla_median": format_duration(sla.median_first_reply),
    }
