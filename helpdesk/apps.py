from __future__ import annotations

from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    """The project as an app: wires the log line and the metrics of task runs and new tickets."""

    name = "helpdesk"
    verbose_name = "Helpdesk"

    def ready(self) -> None:
        from django.core.signals import request_finished
        from django.db.models.signals import post_save
        from django.tasks.signals import task_finished

        from helpdesk.logs import forget_request_id, log_task_run
        from helpdesk.metrics import count_task_run, count_ticket_created

        request_finished.connect(forget_request_id, dispatch_uid="helpdesk.logs.forget_request_id")
        task_finished.connect(log_task_run, dispatch_uid="helpdesk.logs.log_task_run")
        task_finished.connect(count_task_run, dispatch_uid="helpdesk.metrics.count_task_run")
        post_save.connect(
            count_ticket_created,
            sender="tickets.Ticket",
            dispatch_uid="helpdesk.metrics.count_ticket_created",
        )
