from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_staff_group(sender, **kwargs) -> None:
    from accounts.services import ensure_staff_group

    ensure_staff_group()


def _forget_failures(sender, request, user, **kwargs) -> None:
    from accounts.lockout import forget_failures

    forget_failures(user.get_username())


def _revoke_api_tokens(sender, user, **kwargs) -> None:
    from accounts.services import revoke_all_api_tokens

    revoke_all_api_tokens(user=user)


def _nothing_kept_changes(instance, update_fields) -> bool:
    # Nothing is kept for a row not yet made; and a sign-in's last_login is
    # read by no page, so it need not make every kept entry stale.
    return instance._state.adding or (
        update_fields is not None and set(update_fields) <= {"last_login"}
    )


def _forget_before_writing(sender, instance, update_fields=None, **kwargs) -> None:
    # Before an existing row changes, so that a cache that refuses the new
    # generation refuses the change with it (accounts.token_cache.forget_all).
    if _nothing_kept_changes(instance, update_fields):
        return
    from accounts.token_cache import forget_all

    forget_all()


def _forget_after_writing(
    sender, instance, created: bool = False, update_fields=None, **kwargs
) -> None:
    from django.db import connection

    from accounts.token_cache import forget_all

    if created:
        # Nothing is kept for a new user or token; but a new staff member
        # belongs in the console's kept list of staff (tickets.admin.filters).
        if getattr(instance, "is_staff", False):
            forget_all(strict=False)
        return
    if _nothing_kept_changes(instance, update_fields):
        return
    # Strict only where a refusal still undoes the change: inside a transaction.
    forget_all(strict=connection.in_atomic_block)


def _forget_on_relations(sender, **kwargs) -> None:
    from accounts.token_cache import forget_all

    forget_all()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        import helpdesk.checks  # noqa: F401 - registers the project's system checks

        # After the permissions of every app exist (they are made on post_migrate
        # too), make sure the staff group holds them; also after a test flush.
        post_migrate.connect(_ensure_staff_group, dispatch_uid="accounts.ensure_staff_group")
        # A successful sign-in (web, admin, sign-up) clears that account's failed
        # attempts, and only those; the API token endpoint does the same itself.
        user_logged_in.connect(_forget_failures, dispatch_uid="accounts.forget_failures")
        # A new password hash, by whatever path, ends the user's API tokens.
        from accounts.models import password_hash_changed

        password_hash_changed.connect(_revoke_api_tokens, dispatch_uid="accounts.revoke_tokens")
        # Any change to a user, a token, or a user's groups or permissions makes
        # every API token kept in the cache stale (accounts.token_cache).
        from django.contrib.auth.models import Group
        from django.db.models.signals import (
            m2m_changed,
            post_delete,
            post_save,
            pre_delete,
            pre_save,
        )

        from accounts.models import ApiToken, User

        for model in (User, ApiToken):
            for name, signal, handler in (
                ("pre_save", pre_save, _forget_before_writing),
                ("pre_delete", pre_delete, _forget_before_writing),
                ("save", post_save, _forget_after_writing),
                ("delete", post_delete, _forget_after_writing),
            ):
                uid = f"accounts.forget_api_tokens.{name}.{model.__name__}"
                signal.connect(handler, sender=model, dispatch_uid=uid)
        for through in (
            User.groups.through,
            User.user_permissions.through,
            Group.permissions.through,
        ):
            uid = f"accounts.forget_api_tokens.m2m.{through.__name__}"
            m2m_changed.connect(_forget_on_relations, sender=through, dispatch_uid=uid)
