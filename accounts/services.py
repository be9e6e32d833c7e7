"""Writes to accounts: sign-up, staff membership, sign-ins and API tokens.

Like the services of tickets: keyword-only, typed, each one transaction (a
single statement is one by itself), raising ValidationError on bad values with
nothing written.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import token_cache
from accounts.models import HELPDESK_STAFF_GROUP, ApiToken, User, hash_token
from accounts.tokens import awaits_verification

TOKEN_PREFIX = "hd_"  # noqa: S105 - a marker, not a secret
TOKEN_NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length
# last_used_at is for people, not for auditing: refreshing it at most once a
# minute spares a write on every API request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@transaction.atomic
def create_user(
    *,
    username: str,
    email: str,
    password: str | None,
    is_staff: bool = False,
    is_active: bool = True,
) -> User:
    """A new user; inactive (`is_active=False`) until sign-up's email link is followed."""
    user = User(username=username, email=email, is_staff=is_staff, is_active=is_active)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    if is_staff:
        user.groups.add(_staff_group())
    return user


@transaction.atomic
def replace_unverified_user(*, user: User, username: str, email: str, password: str) -> User:
    """Give an account that never proved its address to whoever signs up with it now.

    Whoever signed up first (perhaps a stranger with someone else's address)
    loses it: its username, password and language become the new sign-up's,
    as for a new account. The new password hash also retires every link sent
    before (accounts.tokens signs over it), so only the next one will work.
    """
    # Re-read under a lock: the owner may be following the link right now.
    locked = User.objects.select_for_update().get(pk=user.pk)
    # A console-made account that was switched off before it was ever used is
    # not a pending sign-up, whatever it looks like: never hand its rights over.
    if not awaits_verification(locked) or locked.is_staff or locked.is_superuser:
        raise ValidationError({"email": _("This account is already confirmed.")})
    locked.username = username
    locked.email = email
    locked.language = ""
    locked.date_joined = timezone.now()
    locked.set_password(password)
    locked.full_clean(exclude=["password"])
    locked.save(update_fields=["username", "email", "language", "date_joined", "password"])
    locked.groups.clear()
    locked.user_permissions.clear()
    return locked


@transaction.atomic
def activate_user(*, user: User) -> User:
    """Let a user whose email address is now proven sign in.

    `user` is the account as the link and password were checked against: if it
    changed since (taken over by a new sign-up meanwhile), nothing is activated.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not awaits_verification(locked) or locked.password != user.password:
        raise ValidationError(_("This link is no longer valid. Sign up again to get a new one."))
    locked.is_active = True
    locked.save(update_fields=["is_active"])
    return locked


@transaction.atomic
def set_staff(*, user: User, is_staff: bool) -> User:
    """Make a user helpdesk staff, or end that; the group follows the flag."""
    user.is_staff = is_staff
    user.save(update_fields=["is_staff"])
    if is_staff:
        user.groups.add(_staff_group())
    else:
        user.groups.remove(_staff_group())
    return user


def set_language(*, user: User, language: str) -> User:
    """Save the language the user reads the product in; blank: their browser's."""
    if language not in ("", *dict(settings.LANGUAGES)):
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def record_sign_in(*, user: User) -> User:
    """Stamp `last_login` for a sign-in that opens no session (an API token).

    The web login gets the same through Django's user_logged_in signal
    (django.contrib.auth.models.update_last_login); this writes exactly what
    that receiver writes, one UPDATE of the one column.
    """
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    return user


def _staff_group() -> Group:
    group, _created = Group.objects.get_or_create(name=HELPDESK_STAFF_GROUP)
    return group


# What helpdesk staff may do in the admin console, as (app, model, actions).
# Deleting tickets is for superusers only.
STAFF_PERMISSIONS = [
    ("tickets", "ticket", ["view", "add", "change"]),
    ("tickets", "message", ["view", "add"]),
    ("tickets", "ticketevent", ["view"]),
    ("accounts", "user", ["view"]),
    ("notifications", "emaildelivery", ["view"]),
    ("notifications", "notificationpreferences", ["view", "change"]),
    # Inbound email: "change" is processing a failed one again (the only change there is).
    ("mailgate", "inboundmail", ["view", "change"]),
    # Shared macros and their own; another's personal ones stay out of reach (macros.admin).
    ("macros", "macro", ["view", "add", "change", "delete"]),
]


def ensure_staff_group() -> Group:
    """Create the "Helpdesk staff" group with its permissions, if anything is missing.

    The data migrations create it on a new database; this runs after every
    migrate and flush (post_migrate), so a flushed test database has it too.
    """
    from django.contrib.auth.models import Permission

    group = _staff_group()
    wanted = Permission.objects.none()
    for app_label, model, actions in STAFF_PERMISSIONS:
        wanted |= Permission.objects.filter(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    group.permissions.add(*wanted)
    return group


@transaction.atomic
def create_api_token(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a named token; return it with its raw key, which is never stored."""
    # The name is the user's from then on: stored as written, in the language of
    # the moment it was made (like anything they type).
    name = (name or "").strip() or _("Token %(when)s") % {
        "when": f"{timezone.now():%Y-%m-%d %H:%M}"
    }
    if len(name) > TOKEN_NAME_MAX_LENGTH:
        raise ValidationError(
            {
                "name": ngettext(
                    "Ensure this value has at most %(limit)d character.",
                    "Ensure this value has at most %(limit)d characters.",
                    TOKEN_NAME_MAX_LENGTH,
                )
                % {"limit": TOKEN_NAME_MAX_LENGTH}
            }
        )
    if "\x00" in name:
        raise ValidationError({"name": _("Null characters are not allowed.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw), prefix=raw[:8])
    return token, raw


def revoke_api_token(*, user: User, token_id: int) -> bool:
    """Revoke one of the user's tokens; False when they hold no such token."""
    deleted, _by_model = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


def revoke_all_api_tokens(*, user: User) -> int:
    """Revoke every token of the user; how many.

    Called whenever the user's password hash changes (accounts.models.User.save
    sends password_hash_changed), and by a superuser in the console.
    """
    deleted, _by_model = ApiToken.objects.filter(user=user).delete()
    return deleted


def authenticate_api_token(raw: str) -> ApiToken | None:
    """The active user's token with this raw key, or None.

    From the shared cache when it holds the token as current (accounts.token_cache),
    from the database otherwise.
    """
    if not raw or len(raw) > 200:
        return None
    key_hash = hash_token(raw)
    token, generation = token_cache.lookup(key_hash) if token_cache.enabled() else (None, None)
    fresh = token is None
    if fresh:
        try:
            # get(), not first(): the hash is unique, and first() would add an ORDER BY.
            token = ApiToken.objects.select_related("user").get(
                key_hash=key_hash, user__is_active=True
            )
        except ApiToken.DoesNotExist:
            return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
        fresh = True
    if fresh and token_cache.enabled():
        token_cache.keep(key_hash, token, generation)
    return token
