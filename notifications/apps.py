from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from notifications.planner import plan_for_event
        from tickets import services

        # Every TicketEvent the services record passes through the planner,
        # inside the service's transaction.
        services.register_event_hook(plan_for_event)
