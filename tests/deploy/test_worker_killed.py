"""A worker killed with SIGKILL mid-send loses no email, and sends none twice.

The delivery being sent stays queued (its transaction dies with the worker),
`notifications_sweep` queues it again, and another worker sends it. The task
the killed worker held stays "running" in django-tasks-db's table (it has no
lease to expire): the sweep is what recovers the email, which is why the
deploy/ timer runs it every five minutes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from email import message_from_bytes

from tests.deploy.conftest import needs_postgres
from tests.deploy.servers import ROOT, manage, production_env

pytestmark = [needs_postgres]

PEOPLE = 4


def _worker(env: dict, worker_id: str, log, *, batch: bool) -> subprocess.Popen:
    command = ["manage.py", "db_worker", "--no-startup-delay", "--interval", "0.1"]
    return subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, *command, *(["--batch"] if batch else []), "--worker-id", worker_id],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def test_a_killed_workers_email_is_sent_once_after_the_sweep(shared_database, tmp_path):
    mail = tmp_path / "mail"
    mail.mkdir()
    env = production_env(
        DATABASE_URL=shared_database,
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        EMAIL_BACKEND="tests.deploy.slow_mail.EmailBackend",
        SLOW_MAIL_DIR=str(mail),
        SLOW_MAIL_SECONDS="2",
    )
    manage(env, "migrate", "--noinput", "-v0")
    # A staff reply on each of PEOPLE tickets: one email to each reporter.
    manage(
        env,
        "shell",
        "-c",
        "from accounts.services import create_user\n"
        "from django.contrib.auth.models import Group\n"
        "from tickets import services\n"
        "sam = create_user(username='sam', email='sam@example.com', password=None,"
        " is_staff=True)\n"
        "sam.groups.add(Group.objects.get(name='Helpdesk staff'))\n"
        f"for n in range({PEOPLE}):\n"
        "    someone = create_user(username=f'p{n}', email=f'p{n}@example.com', password=None)\n"
        "    ticket = services.report_issue(reporter=someone, description='Help')\n"
        "    services.post_message(actor=sam, ticket=ticket, body=f'Reply {n}')\n",
    )
    with (tmp_path / "killed.log").open("wb") as log:
        doomed = _worker(env, "doomed", log, batch=False)
        try:
            deadline = time.monotonic() + 60
            while not list(mail.glob("started-*")):
                assert time.monotonic() < deadline, (tmp_path / "killed.log").read_text()
                time.sleep(0.05)
            os.kill(doomed.pid, signal.SIGKILL)
        finally:
            if doomed.poll() is None:
                doomed.kill()
            doomed.wait()
    assert list(mail.glob("sent-*")) == [], "killed before the send finished"

    out = manage(env, "notifications_sweep", "--grace", "0")
    assert "Re-queued" in out
    with (tmp_path / "rescue.log").open("wb") as log:
        rescue = _worker(env, "rescue", log, batch=True)
        assert rescue.wait(timeout=120) == 0, (tmp_path / "rescue.log").read_text()[-2000:]

    recipients = sorted(
        message_from_bytes(path.read_bytes())["To"] for path in mail.glob("sent-*.eml")
    )
    assert recipients == sorted(f"p{n}@example.com" for n in range(PEOPLE))
    states = manage(
        env,
        "shell",
        "-c",
        "from notifications.models import EmailDelivery\n"
        "print(sorted(EmailDelivery.objects.values_list('status', flat=True)))",
    )
    assert states.strip().splitlines()[-1] == str(["sent"] * PEOPLE)
