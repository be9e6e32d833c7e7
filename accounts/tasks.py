"""The task queue's side of accounts: emails that must not wait on a request."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User


@task()
def tell_of_lockout(user_id: int) -> bool:
    """Tell a user that sign-in to their account is locked from every address.

    In their language (else the site's): they did not ask for this email, and
    it must not read as spam or phishing to them.
    """
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    _send(
        user=user,
        language=user.language or settings.LANGUAGE_CODE,
        template="accounts/email/locked_everywhere",
        context={"cooloff_minutes": max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))},
    )
    return True


def _send(*, user: User, language: str, template: str, context: dict, subject: str = "") -> None:
    context = {"user": user, "site_name": settings.SITE_NAME, "site_url": settings.SITE_URL} | (
        context
    )
    with translation.override(language):
        subject = render_to_string(subject or f"{template}_subject.txt", context)
        body = render_to_string(f"{template}.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[user.email],
        headers={"Content-Language": language, "Auto-Submitted": "auto-generated"},
    ).send()


def _language(user: User, asked_in: str) -> str:
    # Their own choice first; else the language of the page that asked for the
    # email (its reader is, presumably, the address's owner); else the site's.
    if user.language:
        return user.language
    return asked_in if asked_in in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _verification_context(user: User) -> dict:
    from accounts.tokens import signup_tokens

    return {
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": signup_tokens.make_token(user),
    }


@task()
def send_verification(user_id: int, language: str = "") -> bool:
    """Mail a new account the link that proves its address and activates it."""
    from accounts.tokens import awaits_verification

    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.email or not awaits_verification(user):
        return False
    _send(
        user=user,
        language=_language(user, language),
        template="accounts/email/verify",
        context=_verification_context(user),
    )
    return True


@task()
def tell_of_signup_attempt(user_id: int, language: str = "") -> bool:
    """Someone signed up with an address that has an account: tell its owner.

    Sign-up answers as for a new address, so that it does not reveal who has
    an account; the owner learns of it here. An owner who has not followed
    their own link yet (they signed up twice) gets a new one instead.
    """
    from accounts.tokens import awaits_verification

    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.email:
        return False
    if awaits_verification(user):
        return send_verification.call(user_id, language)
    # A stranger asked in their language, not the owner's: the site's, unless the owner chose.
    _send(
        user=user,
        language=user.language or settings.LANGUAGE_CODE,
        template="accounts/email/signup_attempt",
        context={},
    )
    return True


@task()
def send_password_reset(user_id: int, language: str = "") -> bool:
    """Mail the link that sets a new password (PasswordResetView, off the request)."""
    from django.contrib.auth.tokens import default_token_generator

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return False
    _send(
        user=user,
        language=_language(user, language),
        template="registration/password_reset_email",
        subject="registration/password_reset_subject.txt",
        context={
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return True
