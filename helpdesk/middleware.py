"""Project middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
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
    API requests with a token authenticate inside the view, after this, so they go
    by Accept-Language; API requests with the session cookie get the account's
    choice, like the pages.
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


class CheckConsoleSelection:
    """A console action's selection holds keys of the list's model, or it is a 400.

    Django's admin filters `pk__in` with the posted `_selected_action` values as
    they come, so `abc` or `1\\x00` in them was a 500 on every changelist (the
    user and email-delivery lists, the queue, third-party lists such as the task
    results). One check here covers them all, typed by each list's own key.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, args, kwargs) -> None:
        # Every view of a ModelAdmin's URLs carries it (ModelAdmin.get_urls).
        model_admin = getattr(view_func, "model_admin", None)
        if model_admin is None or request.method != "POST":
            return None
        from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
        from django.core.exceptions import ValidationError

        key = model_admin.model._meta.pk
        for value in request.POST.getlist(ACTION_CHECKBOX_NAME):
            try:
                pk = key.to_python(value)
            except ValidationError:
                raise BadRequest("A console action's selection is not a list of keys.") from None
            # A whole number the database cannot hold (SQLite fails on it in `pk__in`).
            if isinstance(pk, int) and not -(2**63) <= pk < 2**63:
                raise BadRequest("A console action's selection is not a list of keys.")
            if "\x00" in value:
                raise BadRequest("A NUL character in a console action's selection.")
        return None


def limit_request_size(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """A request body larger than settings.REQUEST_MAX_SIZE is a 413, before anything reads it.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE bounds a body's fields but not its
    files, which are spooled to disk: without this, one request could fill the
    disk. The limit is a message's files at their limits plus a megabyte, so
    every upload the attachment limits allow gets through, and the refusal of
    a too-large file names its limit (tickets.attachments) rather than this.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= settings.REQUEST_MAX_SIZE:
            return get_response(request)
        megabytes = settings.REQUEST_MAX_SIZE // (1024 * 1024)
        detail = gettext(
            "The request is larger than the %(megabytes)s MB this site accepts at once."
        ) % {"megabytes": megabytes}
        if is_api_request(request):
            return problem_response(413, detail=detail, code="request_too_large")
        response = render(request, "413.html", {"text": detail}, status=413)
        # The body is not read: the client must not reuse the connection for another request.
        response["Connection"] = "close"
        return response

    return middleware


class SignInNeedsSharedCache:
    """Sign-in, sign-up and password resets are refused while the shared cache is down.

    Their guards (the token endpoint's throttles, the limits on sign-ups and
    reset emails, the lockout email) count in the cache, which fails open
    while Redis is unreachable (helpdesk.cache); rather than let guessing or
    email floods through, these few forms say plainly that they are paused.
    Everything else keeps working. (The lockout itself is in the database.)
    """

    GUARDED_VIEWS = frozenset({"login", "admin:login", "api:token", "signup", "password_reset"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, args, kwargs):
        match = request.resolver_match
        if request.method != "POST" or match is None or match.view_name not in self.GUARDED_VIEWS:
            return None
        from helpdesk.cache import cache_available

        if cache_available():
            return None
        text = gettext(
            "Signing in is paused for a moment: a part of the helpdesk that protects it "
            "against password guessing is down. Please try again in a few minutes; if you "
            "are signed in already, everything else keeps working."
        )
        return _paused(request, gettext("Signing in is paused"), text, "sign_in_unavailable")

    def process_exception(self, request: HttpRequest, exception: Exception):
        """A change the shared cache could not tell every server about is refused, plainly.

        A sign-out, a new password or a deactivation sets a new generation in
        the cache before it is written (accounts.token_cache.forget_all); if
        Redis refuses it, the change is not made, rather than seem made while
        the servers serve the old session, user or token for minutes.
        """
        from accounts.token_cache import GenerationNotSet
        from helpdesk.error_pages import change_unavailable

        if not isinstance(exception, GenerationNotSet):
            return None
        return change_unavailable(request)


def _paused(request: HttpRequest, heading: str, text: str, code: str) -> HttpResponse:
    headers = {"Retry-After": "60", "Cache-Control": "no-store"}
    if is_api_request(request):
        return problem_response(503, detail=text, code=code, headers=headers)
    response = render(request, "503_sign_in.html", {"heading": heading, "text": text}, status=503)
    for name, value in headers.items():
        response[name] = value
    return response
