from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from notifications.tasks import queue_for_events
        from tickets import services

        # The events of every change the services make are queued, in the
        # change's transaction, for the worker to tell people about.
        services.register_event_hook(queue_for_events)
