"""What every API view does before and after its own work."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.cache import patch_cache_control
from rest_framework.exceptions import MethodNotAllowed

if TYPE_CHECKING:
    from django.http import HttpResponse
    from rest_framework.request import Request


class ApiViewMixin:
    """Put first in every API view's bases (DRF's APIView or a viewset comes after it)."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # A method the endpoint does not have is 405 for anyone, before asking
        # who they are (DRF would answer an anonymous caller 401 first).
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise MethodNotAllowed(request.method)
        # A body over the limit is 413 whatever it holds, before any work: Django
        # would only notice when the body is read (and DRF not at all when the
        # media type is not one it parses).
        # Multipart bodies carry files, which Django spools to disk: they are
        # bounded by settings.REQUEST_MAX_SIZE (helpdesk.middleware) and their
        # fields, still, by DATA_UPLOAD_MAX_MEMORY_SIZE as Django parses them.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.content_type.startswith("multipart/form-data"):
            limit = settings.REQUEST_MAX_SIZE
        if limit is not None and _declared_length(request) > limit:
            raise RequestDataTooBig()
        super().initial(request, *args, **kwargs)

    def finalize_response(
        self, request: Request, response: HttpResponse, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        response = super().finalize_response(request, response, *args, **kwargs)
        # Answers depend on who asks: shared caches must not keep them, and
        # private ones must check back (with the ETag, where there is one).
        patch_cache_control(response, private=True, no_cache=True)
        return response


def _declared_length(request: Request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
