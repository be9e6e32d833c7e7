"""fetch_mail against a real Dovecot: every message lands exactly once, even if killed half way."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mailgate.imap import MailboxError, fetch, parse_url
from mailgate.models import InboundMail
from tests.mailgate import dovecot
from tests.mailgate.conftest import make_mail
from tickets.models import Ticket

ROOT = Path(__file__).resolve().parents[2]

if not dovecot.available():
    if os.getenv("CI"):
        pytest.fail("dovecot and openssl are required in CI (.ci/run installs them)")
    pytest.skip(
        "dovecot (apt-get install dovecot-imapd) or openssl is not installed",
        allow_module_level=True,
    )


@pytest.fixture
def server():
    with dovecot.running() as running:
        yield running


def url(server, *, starttls: bool = False, after: str = "move") -> str:
    auth = f"{dovecot.USER}:{dovecot.PASSWORD}@127.0.0.1"
    if starttls:
        base = f"imap://{auth}:{server.starttls_port}/INBOX?starttls=True&"
    else:
        base = f"imaps://{auth}:{server.port}/INBOX?"
    return f"{base}after={after}&cafile={server.cafile}"


def test_killed_half_way_then_run_again_each_message_lands_exactly_once(server, tmp_path):
    for n in range(100):
        raw = make_mail(sender=f"person{n}@example.com", subject=f"Message {n}", body=f"n={n}")
        server.deliver(raw, f"{n}.eml")
    database = tmp_path / "fetch.sqlite3"
    env = {
        **os.environ,
        # Production's queue in the database: a message and its task commit together.
        "DJANGO_SETTINGS_MODULE": "tests.mailgate.settings_db_queue",
        "DATABASE_URL": f"sqlite:///{database}",
        "HELPDESK_EMAIL_ADDRESS": "support@helpdesk.test",
        "HELPDESK_EMAIL_IMAP": url(server),
        "HELPDESK_EMAIL_TICKET_RATE": "1000/h",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)  # noqa: S603

    def stored() -> int:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT COUNT(*) FROM mailgate_inboundmail").fetchone()[0]

    fetcher = subprocess.Popen(  # noqa: S603 - our own manage.py
        [*manage, "fetch_mail"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while stored() < 30 and fetcher.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    fetcher.send_signal(signal.SIGKILL)
    fetcher.wait()
    half = stored()
    assert 0 < half < 100, "the fetcher must be killed half way"
    assert server.folder_count("INBOX") > 0

    subprocess.run([*manage, "fetch_mail"], env=env, check=True, cwd=ROOT)  # noqa: S603
    # The worker processes what was queued, by either run.
    worker = [*manage, "db_worker", "--batch", "--no-startup-delay", "-v0"]
    subprocess.run(worker, env=env, check=True, cwd=ROOT)  # noqa: S603

    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT header_message_id, outcome FROM mailgate_inboundmail").fetchall()
        tickets = db.execute("SELECT subject FROM tickets_ticket").fetchall()
    assert len(rows) == 100
    assert len({message_id for message_id, _ in rows}) == 100
    assert {outcome for _, outcome in rows} == {"ticket"}
    assert sorted(s for (s,) in tickets) == sorted(f"Message {n}" for n in range(100))
    assert server.folder_count("INBOX") == 0
    assert server.folder_count("Processed") == 100


def test_starttls_and_delete_after_storing(server, db, django_capture_on_commit_callbacks):
    for n in range(3):
        server.deliver(make_mail(sender=f"p{n}@example.com", subject=f"S{n}"), f"{n}.eml")
    with django_capture_on_commit_callbacks(execute=True):
        assert fetch(parse_url(url(server, starttls=True, after="delete"))) == 3
    assert Ticket.objects.count() == 3
    assert InboundMail.objects.filter(mailbox__startswith="imap:support@127.0.0.1").count() == 3
    assert server.folder_count("INBOX") == 0
    assert server.folder_count("Processed") == 0


def test_a_message_over_the_limit_is_refused_without_fetching_it_whole(
    server, db, settings, django_capture_on_commit_callbacks
):
    settings.HELPDESK_EMAIL_MAX_BYTES = 5_000
    server.deliver(make_mail(body="z" * 20_000), "big.eml")
    with django_capture_on_commit_callbacks(execute=True):
        fetch(parse_url(url(server)))
    mail = InboundMail.objects.get()
    assert mail.outcome == InboundMail.Outcome.REFUSED
    assert mail.size > 20_000
    assert len(mail.raw) < 5_000
    assert server.folder_count("Processed") == 1


def test_a_wrong_password_is_an_error_and_loses_nothing(server, db, settings):
    server.deliver(make_mail(), "1.eml")
    settings.HELPDESK_EMAIL_IMAP = [url(server).replace(dovecot.PASSWORD, "wrong")]
    with pytest.raises(CommandError):
        call_command("fetch_mail")
    assert server.folder_count("INBOX") == 1
    assert not InboundMail.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        "imap://u:p@host/INBOX",  # plain IMAP: the password in the clear
        "pop3://u:p@host/",
        "imaps://host/INBOX",  # no user
        "imaps://u:p@host/INBOX?after=archive",
        "imaps://u:p@host/INBOX?sneaky=1",
    ],
)
def test_a_bad_mailbox_url_is_refused(bad):
    with pytest.raises(MailboxError):
        parse_url(bad)
