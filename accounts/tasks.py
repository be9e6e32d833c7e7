"""The task queue's side of accounts: emails that must not wait on a request."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

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
    language = user.language or settings.LANGUAGE_CODE
    context = {
        "user": user,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "cooloff_minutes": max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)),
    }
    with translation.override(language):
        subject = render_to_string("accounts/email/locked_everywhere_subject.txt", context)
        body = render_to_string("accounts/email/locked_everywhere.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[user.email],
        headers={"Content-Language": language, "Auto-Submitted": "auto-generated"},
    ).send()
    return True
