from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

HELPDESK_STAFF_GROUP = "Helpdesk staff"


class CaseInsensitiveUserManager(UserManager):
    # "Alice" and "alice" are one person: sign-in, password reset and the API
    # token endpoint all find the account whatever the case typed.
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    email = models.EmailField("email address", max_length=254)
    # The language they read the product in (pages, emails); blank: their browser's.
    language = models.CharField(
        _("language"), max_length=8, blank=True, default="", choices=settings.LANGUAGES
    )

    objects = CaseInsensitiveUserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = "user"
        verbose_name_plural = "users"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(language__in=["", *dict(settings.LANGUAGES)]),
                name="accounts_user_language_known",
            ),
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message="A user with this email address already exists.",
            ),
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message="A user with this username already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()


def hash_token(raw: str) -> str:
    # Tokens are long random strings, so a fast unsalted hash is enough: what
    # matters is that the database never holds a usable token.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A named credential for the JSON API. Only its SHA-256 hash is stored."""

    # No index of its own: accounts_token_user_created leads with user_id.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        db_index=False,
    )
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the raw key, to tell tokens apart in a list.
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-id"]
        indexes = [
            # Lists a user's tokens on the API tokens page.
            models.Index(fields=["user", "-created_at"], name="accounts_token_user_created"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
