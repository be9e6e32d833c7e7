"""Which macros a staff member may see and use: the shared ones and their own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from macros.models import Macro
from tickets import workflow

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def visible_macros(user: User | AnonymousUser) -> QuerySet[Macro]:
    """Shared macros and the user's own, for active staff; nothing for anyone else."""
    if not workflow.is_helpdesk_staff(user):
        return Macro.objects.none()
    return Macro.objects.filter(Q(owner__isnull=True) | Q(owner=user)).order_by("name", "id")


def get_visible_macro(user: User | AnonymousUser, pk: Any) -> Macro | None:
    """The macro with this id if `user` may use it, else None (another's is as good as none)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return visible_macros(user).select_related("assignee").filter(pk=pk).first()
