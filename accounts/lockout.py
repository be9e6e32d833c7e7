"""django-axes hooks: one lockout key per account, the real client address, the answer.

What locks (settings.AXES_*): five failures for one username from one address
lock that pair, and five from one address lock the address; a username is
locked from every address only after AXES_USERNAME_FAILURE_LIMIT failures (50),
and its owner is then told by email. So a stranger's guesses lock the stranger
out, not the owner, unless they come from many addresses at once. Sessions and
API tokens are not sign-ins: they keep working through any lock.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext

from api.problems import is_api_request, problem_response


def canonical_username(username: str) -> str:
    """The key of an account's failed sign-ins, however its name is typed.

    Sign-in finds "alice" for "ALICE", and on PostgreSQL also for "al\u0131ce" (its
    case-insensitive match upper-cases both sides, and "\u0131".upper() is "I"):
    every spelling that reaches one account must share one count, or each would
    get five guesses of its own. So: NFKC, trimmed, upper-cased.
    """
    return unicodedata.normalize("NFKC", username).strip().upper()


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    username = None
    if credentials:
        username = credentials.get("username")
    if username is None and request is not None:
        data = request.POST if request.method == "POST" else {}
        username = data.get("username")
    return canonical_username(username) if isinstance(username, str) else username


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the one our own proxies saw.

    With TRUSTED_PROXY_COUNT proxies in front, the address their nearest
    neighbour reported is that many entries from the right of X-Forwarded-For
    (the rule DRF's throttles follow too); anything further left is whatever the
    client chose to send. Without proxies, the header is ignored.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return remote


def forget_failures(username: str) -> None:
    """After a successful sign-in (or password reset): this account's failures only.

    Never those of the address: a sign-in of one's own throw-away account would
    otherwise wipe the count of guesses made at someone else's.
    """
    reset(username=canonical_username(username))


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler, plus the lock on a username from every address.

    axes applies one failure limit to every lockout parameter; the username
    alone needs a far higher one, so it is counted here: the failures recorded
    for it from any address within the cool-off time. Attempts refused during a
    lock are not recorded (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so
    one address adds at most AXES_FAILURE_LIMIT to that count.
    """

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if username_failures(request, credentials) >= settings.AXES_USERNAME_FAILURE_LIMIT:
            request.axes_locked_everywhere = True
            return True
        return False

    def user_login_failed(
        self, sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        if username_failures(request, credentials) >= settings.AXES_USERNAME_FAILURE_LIMIT:
            request.axes_locked_out = True
            request.axes_locked_everywhere = True
            request.axes_credentials = credentials
            _tell_the_owner(request, credentials)


def username_failures(request: HttpRequest, credentials: dict | None) -> int:
    """Failed sign-ins at this username from any address, within the cool-off time."""
    username = get_client_username(request, credentials)
    if not username:
        return 0
    recent = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=get_cool_off_threshold(request)
    )
    return recent.aggregate(failures=Sum("failures_since_start"))["failures"] or 0


def _tell_the_owner(request: HttpRequest, credentials: dict | None) -> None:
    """Email the account's owner that it is locked everywhere: once per lock."""
    from accounts.tasks import tell_of_lockout

    typed = (credentials or {}).get("username")
    if not isinstance(typed, str) or not typed:
        return
    # Once per cool-off time and username (in every spelling). With the
    # per-process memory cache, each process may send its own; REDIS_URL shares it.
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    if not cache.add(f"lockout:told:{canonical_username(typed)}", True, timeout=seconds):
        return
    # The account that the guesses reach, found the way sign-in finds it.
    user_model = get_user_model()
    try:
        user = user_model._default_manager.get_by_natural_key(typed)
    except (user_model.DoesNotExist, user_model.MultipleObjectsReturned):
        return
    if user.email:
        tell_of_lockout.enqueue(user.pk)


def guard_current_password(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A change-password view whose wrong current passwords count as failed sign-ins.

    Knowing the current password is what a sign-in proves, so a wrong one here
    counts toward the same lockout, and a locked account or address cannot
    guess here either. For any view whose form has an `old_password` field and
    whose response carries the form in its context (Django's PasswordChangeView
    does: the web's and the console's).
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST" or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        credentials = {"username": request.user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return lockout_response(request, None, credentials)
        response = view(request, *args, **kwargs)
        form = (getattr(response, "context_data", None) or {}).get("form")
        if form is not None and form.has_error("old_password", "password_incorrect"):
            # axes counts it; at the limit AxesMiddleware answers with lockout_response.
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        return response

    return wrapper


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """Tell a locked-out caller so plainly: a page on the web, problem JSON on the API."""
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = max(1, int(cooloff.total_seconds() // 60))
    if getattr(request, "axes_locked_everywhere", False):
        detail = ngettext(
            "Too many failed sign-in attempts for this account, from many addresses. "
            "Sign-in to it is locked from everywhere; try again in %(minutes)s minute, "
            "or reset your password.",
            "Too many failed sign-in attempts for this account, from many addresses. "
            "Sign-in to it is locked from everywhere; try again in %(minutes)s minutes, "
            "or reset your password.",
            minutes,
        ) % {"minutes": minutes}
    else:
        detail = ngettext(
            "Too many failed sign-in attempts. Sign-in is locked for this account and "
            "address; try again in %(minutes)s minute, or reset your password.",
            "Too many failed sign-in attempts. Sign-in is locked for this account and "
            "address; try again in %(minutes)s minutes, or reset your password.",
            minutes,
        ) % {"minutes": minutes}
    if is_api_request(request):
        return problem_response(
            429,
            detail=detail,
            code="locked_out",
            title=gettext("Locked out"),
            headers={"Retry-After": str(int(cooloff.total_seconds()))},
        )
    return render(
        request,
        "registration/locked_out.html",
        {"cooloff_minutes": minutes, "detail": detail},
        status=429,
    )
