"""Account pages: the front page, sign-up, Django's auth views in our dress, API tokens."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.contrib.auth.signals import user_login_failed
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import BadRequest, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import services
from accounts.forms import (
    ApiTokenForm,
    LanguageForm,
    LoginForm,
    PasswordResetForm,
    SignupForm,
    VerifyEmailForm,
)
from accounts.lockout import forget_failures, guard_current_password, lockout_response
from accounts.models import User
from accounts.tasks import send_verification, tell_of_signup_attempt
from accounts.tokens import awaits_verification, signup_tokens
from helpdesk import ratelimit
from helpdesk.forms import add_service_errors
from helpdesk.ratelimit import by_address, rate_limited

# The raw value of a new API token waits in this cookie (signed, two minutes)
# between the POST that made it and the one page view that shows it.
NEW_TOKEN_COOKIE = "new_api_token"  # noqa: S105 - a cookie name, not a secret
# Long enough to survive a slow redirect, short enough not to linger.
NEW_TOKEN_MAX_AGE = 120
# Sign-up (or its email link) signs the new user in; name the backend, as axes' comes first.
MODEL_BACKEND = "accounts.backends.ModelBackend"
SITE_CONTEXT = {"site_name": settings.SITE_NAME}
# Django's form views treat PUT as POST; our forms only ever GET and POST.
FORM_METHODS = ["get", "post", "head", "options"]


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("tickets:list")
    return render(request, "home.html")


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("signup", by_address)
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("tickets:list")
    verify = settings.SIGNUP_VERIFY_EMAIL
    form = SignupForm(request.POST or None, verify_email=verify)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if verify and ratelimit.hit("signup_email", data["email"].strip().lower()):
            # Enough emails to this address for now (sign-ups from many client
            # addresses could flood it): the same page, and nothing sent or made.
            return redirect("signup_sent")
        owner = User.objects.filter(email__iexact=data["email"]).first() if verify else None
        if (
            owner is not None
            and awaits_verification(owner)
            and not (owner.is_staff or owner.is_superuser)
        ):
            # Nobody has proven the address yet, so whoever signed up with it
            # first has no claim to it: this sign-up takes the account over,
            # and only its link (to the address) and password will activate it.
            try:
                user = services.replace_unverified_user(
                    user=owner,
                    username=data["username"],
                    email=data["email"],
                    password=data["password1"],
                )
            except ValidationError as exc:
                if "email" in exc.message_dict:
                    # Confirmed meanwhile (its owner followed the link): as for any
                    # address with an account, the same page.
                    return redirect("signup_sent")
                add_service_errors(form, exc)
                return render(request, "accounts/signup.html", {"form": form})
            except IntegrityError:
                form.add_error(
                    None, _("This username or email address was just taken. Try another.")
                )
                return render(request, "accounts/signup.html", {"form": form})
            send_verification.enqueue(user.pk, translation.get_language() or "")
            return redirect("signup_sent")
        if owner is not None:
            # Answer as for a new address, in about as much time (the new one
            # hashes a password), and tell the address's owner instead.
            make_password(data["password1"])
            tell_of_signup_attempt.enqueue(owner.pk, translation.get_language() or "")
            return redirect("signup_sent")
        try:
            user = services.create_user(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                is_active=not verify,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except IntegrityError:
            if verify and not User.objects.filter(username__iexact=data["username"]).exists():
                # The address was just taken, by someone else's sign-up: say what we say for it.
                return redirect("signup_sent")
            # Someone took the name between our check and the insert.
            form.add_error(None, _("This username or email address was just taken. Try another."))
        else:
            if verify:
                send_verification.enqueue(user.pk, translation.get_language() or "")
                return redirect("signup_sent")
            login(request, user, backend=MODEL_BACKEND)
            _welcome(request, user)
            return redirect("tickets:list")
    return render(request, "accounts/signup.html", {"form": form})


def _welcome(request: HttpRequest, user: User) -> None:
    messages.success(
        request,
        _("Welcome, %(username)s! Your account is ready.") % {"username": user.username},
    )


@require_safe
def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_sent.html")


@require_http_methods(["GET", "HEAD", "POST"])
def verify_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Follow sign-up's link: GET shows a form, POST with the password activates and signs in.

    A GET changes nothing, so that a mail scanner opening the link does not
    use it up; the POST needs the page's CSRF token, which only a browser has.
    It needs the account's password too: the link proves the address, but a
    stranger may have signed up with it first, and whoever follows the link
    must not activate an account whose password someone else knows. A wrong
    password counts as a failed sign-in, toward the same lockout.
    """
    try:
        user_id = int(urlsafe_base64_decode(uidb64).decode())
        user = User.objects.get(pk=user_id)
    except (ValueError, OverflowError, UnicodeDecodeError, User.DoesNotExist):
        user = None
    valid = (
        user is not None and awaits_verification(user) and signup_tokens.check_token(user, token)
    )
    if not valid:
        return render(
            request,
            "accounts/signup_verify.html",
            {"valid": False, "username": "", "form": None},
            status=400,
        )
    form = VerifyEmailForm(request.POST or None, user=user)
    if request.method == "POST":
        credentials = {"username": user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return lockout_response(request, None, credentials)
        if form.is_valid():
            try:
                user = services.activate_user(user=user)
            except ValidationError:
                return render(
                    request,
                    "accounts/signup_verify.html",
                    {"valid": False, "username": "", "form": None},
                    status=400,
                )
            login(request, user, backend=MODEL_BACKEND)
            _welcome(request, user)
            return redirect("tickets:list")
        if form.has_error("password", "password_incorrect"):
            # axes counts it; at the limit AxesMiddleware answers with lockout_response.
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    return render(
        request,
        "accounts/signup_verify.html",
        {"valid": True, "username": user.username, "form": form},
    )


class LoginView(auth_views.LoginView):
    http_method_names = FORM_METHODS
    form_class = LoginForm
    redirect_authenticated_user = True
    extra_context = SITE_CONTEXT


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        # The session is new after logout, so the message survives the redirect.
        messages.info(request, _("You have been signed out."))
        return response


def _say_tokens_were_revoked(request: HttpRequest, revoked: int) -> None:
    # A new password shuts out whoever knew the old one: their sessions end
    # (Django sees to that) and so do any API tokens they made with it (the
    # user model sees to that, on every path that changes a password).
    if revoked:
        messages.info(
            request,
            ngettext(
                "Your %(count)s API token was revoked with the old password; "
                "create new ones for your programs.",
                "Your %(count)s API tokens were revoked with the old password; "
                "create new ones for your programs.",
                revoked,
            )
            % {"count": revoked},
        )


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    http_method_names = FORM_METHODS
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("account")
    success_message = gettext_lazy("Your password has been changed.")
    extra_context = SITE_CONTEXT

    # A wrong current password counts as a failed sign-in.
    @method_decorator(guard_current_password)
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        revoked = form.user.api_tokens.count()
        response = super().form_valid(form)
        _say_tokens_were_revoked(self.request, revoked)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    http_method_names = FORM_METHODS
    form_class = PasswordResetForm
    # Answers the same for known and unknown addresses: Django's view redirects
    # to the "check your email" page either way and only mails known users.
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    extra_email_context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL}
    extra_context = SITE_CONTEXT

    @method_decorator(rate_limited("password_reset", by_address))
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        # A few links an hour to one address at most, or the form would mail-bomb
        # it. Past that, the page says the same as ever and sends nothing.
        if ratelimit.hit("password_reset_email", form.cleaned_data["email"].strip().lower()):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    http_method_names = FORM_METHODS
    extra_context = SITE_CONTEXT


class PasswordResetConfirmView(SuccessMessageMixin, auth_views.PasswordResetConfirmView):
    http_method_names = FORM_METHODS
    success_url = reverse_lazy("login")
    success_message = gettext_lazy("Your new password is set. Sign in with it now.")
    extra_context = SITE_CONTEXT

    def form_valid(self, form: Any) -> HttpResponse:
        revoked = form.user.api_tokens.count()
        response = super().form_valid(form)
        # Whoever can read the account's email owns it: lift a lockout on its
        # username, or a reset would not help the person locked out.
        forget_failures(form.user.get_username())
        _say_tokens_were_revoked(self.request, revoked)
        return response


@require_safe
@login_required
def account(request: HttpRequest) -> HttpResponse:
    language_form = LanguageForm(initial={"language": request.user.language})
    return render(request, "accounts/account.html", {"language_form": language_form})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Choose the language to read the product in, then go back to `next`.

    Saved on the account of a signed-in person (helpdesk.middleware.user_language
    applies it on every device), and in Django's language cookie for anyone
    (LocaleMiddleware reads it). Blank: the browser's Accept-Language again.
    """
    form = LanguageForm(request.POST)
    if "language" not in request.POST or not form.is_valid():
        raise BadRequest(_("Choose one of the languages offered."))
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.set_language(user=request.user, language=language)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    else:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.create_api_token(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Token “%(name)s” created.") % {"name": token.name})
            response = redirect("api_tokens")
            # The raw value rides to the next page in a short-lived signed
            # cookie, never in the session: the server keeps only its hash.
            response.set_signed_cookie(
                NEW_TOKEN_COOKIE,
                f"{token.pk}:{raw}",
                salt=NEW_TOKEN_COOKIE,
                max_age=NEW_TOKEN_MAX_AGE,
                path=reverse("api_tokens"),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Strict",
            )
            # It carries the raw token (in the cookie): nothing may keep it.
            response["Cache-Control"] = "no-store"
            return response

    tokens = list(request.user.api_tokens.order_by("-created_at", "-id"))
    # Shown once, by the page that displays it (not by a HEAD request).
    new_token = None
    cookie = None
    if request.method == "GET":
        cookie = request.get_signed_cookie(
            NEW_TOKEN_COOKIE, default=None, salt=NEW_TOKEN_COOKIE, max_age=NEW_TOKEN_MAX_AGE
        )
    if cookie:
        token_id, _colon, raw = cookie.partition(":")
        token = next((t for t in tokens if str(t.pk) == token_id), None)
        if token is not None:
            new_token = {"token": token, "raw": raw}
    response = render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "new_token": new_token,
            "api_base": request.build_absolute_uri("/api/v1/"),
        },
    )
    if cookie is not None:
        response.delete_cookie(NEW_TOKEN_COOKIE, path=reverse("api_tokens"), samesite="Strict")
    if new_token:
        response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def revoke_api_token(request: HttpRequest, token_id: int) -> HttpResponse:
    name = request.user.api_tokens.filter(pk=token_id).values_list("name", flat=True).first()
    # The service checks the owner: someone else's token is as absent as a missing one.
    if name is None or not services.revoke_api_token(user=request.user, token_id=token_id):
        raise Http404(_("No such token."))
    messages.success(
        request,
        _("Token “%(name)s” revoked. Programs using it can no longer sign in.") % {"name": name},
    )
    return redirect("api_tokens")
