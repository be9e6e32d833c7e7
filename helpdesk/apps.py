from __future__ import annotations

from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    """The project as an app: wires the log lines of task runs (helpdesk.logs)."""

    name = "helpdesk"
    verbose_name = "Helpdesk"

    def ready(self) -> None:
        from django.tasks.signals import task_finished

        from helpdesk.logs import log_task_run

        task_finished.connect(log_task_run, dispatch_uid="helpdesk.logs.log_task_run")
