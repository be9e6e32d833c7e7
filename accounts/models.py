from __future__ import annotations

import hashlib
from contextlib import nullcontext

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.text import skeleton_key

HELPDESK_STAFF_GROUP = "Helpdesk staff"

# Sent (with `user`) inside the transaction that stored a new password hash for
# an existing user; accounts.apps connects the revocation of their API tokens.
password_hash_changed = Signal()


class CaseInsensitiveUserManager(UserManager):
    # "Alice" and "alice" are one person: sign-in, password reset and the API
    # token endpoint all find the account whatever the case typed.
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})

    def has_lookalike(self, username: str, *, besides: int | None = None) -> bool:
        """Whether another user's name looks like `username` (accounts.text.skeleton)."""
        return self.filter(username_skeleton=skeleton_key(username)).exclude(pk=besides).exists()


LOOKALIKE_USERNAME = _("This username looks too much like an existing one. Please choose another.")


class User(AbstractUser):
    email = models.EmailField(_("email address"), max_length=254)
    # The language they read the product in (pages, emails); blank: their browser's.
    language = models.CharField(
        _("language"), max_length=8, blank=True, default="", choices=settings.LANGUAGES
    )

    # The confusable skeleton of the username, to find look-alikes by index.
    username_skeleton = models.CharField(
        _("username skeleton"), max_length=64, default="", editable=False
    )

    objects = CaseInsensitiveUserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [
            # Finds a user whose name looks like a new one (User.clean).
            models.Index(fields=["username_skeleton"], name="accounts_user_skeleton"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(language__in=["", *dict(settings.LANGUAGES)]),
                name="accounts_user_language_known",
            ),
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("A user with this email address already exists."),
            ),
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message=_("A user with this username already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.username

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()
        # "alice" spelt with a Cyrillic a must not pass for "alice". Checked when the name
        # is new or changes, so look-alikes from before this rule can still be edited.
        if skeleton_key(self.username) != self.username_skeleton and User.objects.has_lookalike(
            self.username, besides=self.pk
        ):
            raise ValidationError({"username": LOOKALIKE_USERNAME})

    # Whoever knew the old password may have made API tokens with it, so a new
    # password hash ends them all: here, where every path that changes the hash
    # meets (the web change and reset, the console's "Change password", a
    # superuser setting a password or turning password sign-in off,
    # `changepassword`). Compared with the hash in the database, not with the
    # one loaded, so an object refreshed or built by hand is judged right.
    # (A token check comparing a fingerprint of the hash, as sessions do, would
    # also catch raw UPDATEs, which nothing here makes; but it would end the
    # tokens on every hash upgrade, see check_password.)
    def save(self, *args, **kwargs) -> None:
        self.username_skeleton = skeleton_key(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_skeleton"}
        new_hash = self._saves_a_new_password_hash(kwargs.get("update_fields"))
        # One transaction: no new password without the old tokens gone.
        with transaction.atomic() if new_hash else nullcontext():
            super().save(*args, **kwargs)
            if new_hash:
                password_hash_changed.send(sender=type(self), user=self)

    def _saves_a_new_password_hash(self, update_fields) -> bool:
        if self._state.adding or self.pk is None or getattr(self, "_upgrading_hash", False):
            return False
        if update_fields is not None and "password" not in update_fields:
            return False
        stored = type(self)._base_manager.filter(pk=self.pk).values_list("password", flat=True)
        return stored.first() not in (None, self.password)

    # A right password stored with an outdated hasher (or work factor) is saved
    # hashed anew inside check_password: the same password, known to the same
    # people, so its tokens stay. Only that save is let through.
    def check_password(self, raw_password: str) -> bool:
        self._upgrading_hash = True
        try:
            return super().check_password(raw_password)
        finally:
            self._upgrading_hash = False

    async def acheck_password(self, raw_password: str) -> bool:
        self._upgrading_hash = True
        try:
            return await super().acheck_password(raw_password)
        finally:
            self._upgrading_hash = False


def hash_token(raw: str) -> str:
    # Tokens are long random strings, so a fast unsalted hash is enough: what
    # matters is that the database never holds a usable token.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A named credential for the JSON API. Only its SHA-256 hash is stored."""

    # No index of its own: accounts_token_user_created leads with user_id.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
        db_index=False,
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    # The first characters of the raw key, to tell tokens apart in a list.
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Lists a user's tokens on the API tokens page.
            models.Index(fields=["user", "-created_at"], name="accounts_token_user_created"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
