"""The test settings with production's durable task queue, for tests run as separate processes."""

from helpdesk.settings_test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
