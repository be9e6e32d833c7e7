from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceLevelsConfig(AppConfig):
    name = "service_levels"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from service_levels import services
        from service_levels.models import Calendar, Policy
        from tickets.services import steps

        # Every ticket write keeps the due times, in its own UPDATE or INSERT.
        steps.register_save_hook(services.apply)

        def forget(**kwargs: object) -> None:
            # Now, and again once the change is committed, so that no other
            # process caches the old rows in between.
            services.forget_policies()
            transaction.on_commit(services.forget_policies)

        for model in (Policy, Calendar):
            post_save.connect(
                forget, sender=model, weak=False, dispatch_uid=f"forget-{model.__name__}"
            )
            post_delete.connect(
                forget, sender=model, weak=False, dispatch_uid=f"forget-{model.__name__}-d"
            )
