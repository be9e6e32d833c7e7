"""Error pages: JSON problem details under /api/, styled HTML pages elsewhere."""

from __future__ import annotations

from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(
    status: int,
    *,
    detail: str,
    code: str,
    title: str | None = None,
    extra: dict | None = None,
    headers: dict | None = None,
) -> JsonResponse:
    """An RFC 9457 problem details response, in the API's one error shape."""
    body = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        **(extra or {}),
    }
    return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE, headers=headers)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return problem_response(
            400, detail="The request could not be understood.", code="bad_request"
        )
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return problem_response(
            403, detail="You do not have permission to do that.", code="permission_denied"
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return problem_response(404, detail="Not found.", code="not_found")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return problem_response(
            500, detail="Something went wrong on our side; it has been logged.", code="server_error"
        )
    return defaults.server_error(request)
