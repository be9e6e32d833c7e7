from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_staff_group(sender, **kwargs) -> None:
    from accounts.services import ensure_staff_group

    ensure_staff_group()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # After the permissions of every app exist (they are made on post_migrate
        # too), make sure the staff group holds them; also after a test flush.
        post_migrate.connect(_ensure_staff_group, dispatch_uid="accounts.ensure_staff_group")
