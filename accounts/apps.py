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
