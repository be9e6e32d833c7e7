"""Project middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers


def private_pages(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Pages for a signed-in person are theirs alone: no shared cache may keep them."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            patch_cache_control(response, private=True, no_cache=True)
        return response

    return middleware


def user_language(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """A signed-in person reads the product in the language they chose on their account.

    Runs after LocaleMiddleware (which took the browser's Accept-Language or the
    language cookie) and after authentication; a person with no choice keeps that.
    API requests authenticate by token inside the view, so they go by Accept-Language.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None else ""
        if chosen and user.is_authenticated:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        response = get_response(request)
        if chosen:
            response.headers["Content-Language"] = chosen
            patch_vary_headers(response, ("Cookie",))
        return response

    return middleware
