"""Project middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext

from api.problems import is_api_request, problem_response


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


def refuse_nul_in_query(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """A NUL character anywhere in the query string is a 400, before any view sees it.

    PostgreSQL refuses NUL in text, so a search term or a list filter holding
    one (`?term=a%00b`) was a 500 from the database; no one types it, and no
    parameter of ours has a use for it. One check here covers every interface,
    the console's built-in search and filters included. Under /api/ the answer
    is the API's problem, naming the parameters.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        names = sorted(
            name
            for name, values in request.GET.lists()
            if "\x00" in name or any("\x00" in value for value in values)
        )
        if not names:
            return get_response(request)
        if is_api_request(request):
            # Django's own wording (and translations) for the same refusal in a form.
            message = gettext("Null characters are not allowed.")
            return problem_response(
                400,
                detail=" ".join(f"{name}: {message}" for name in names),
                code="invalid",
                extra={"errors": {name: [message] for name in names}},
            )
        raise BadRequest("A NUL character in the query string.")

    return middleware
