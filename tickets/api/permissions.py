"""Permissions of the API beyond "signed in" (the default for every view).

Who may act on which ticket is not decided here: selectors decide what a user
sees (404 otherwise) and services what they may do (403 or 409 otherwise).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from tickets import workflow

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class IsHelpdeskStaff(BasePermission):
    message = _("Only helpdesk staff may do this.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and workflow.is_helpdesk_staff(request.user))
