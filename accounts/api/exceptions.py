"""Errors of the accounts API beyond DRF's own, rendered as problems by api.problems."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions


class InvalidCredentials(exceptions.APIException):
    status_code = 400
    default_detail = _("Unable to sign in with the username and password given.")
    default_code = "invalid_credentials"
