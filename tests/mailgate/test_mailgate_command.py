"""manage.py mailgate: one message on standard input, exit codes a mail server understands."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.utils import OperationalError

from mailgate import services
from mailgate.models import InboundMail
from tests.mailgate.conftest import make_mail

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(db, monkeypatch, django_capture_on_commit_callbacks):
    def run(raw: bytes) -> int:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
        with pytest.raises(SystemExit) as exit_, django_capture_on_commit_callbacks(execute=True):
            call_command("mailgate", stderr=io.StringIO())
        return exit_.value.code

    return run


def test_a_message_is_stored_and_processed_with_0(run, reporter):
    assert run(make_mail()) == 0
    mail = InboundMail.objects.get()
    assert (mail.mailbox, mail.outcome) == ("pipe", InboundMail.Outcome.TICKET)


def test_the_same_message_again_is_0_and_stored_once(run, reporter):
    raw = make_mail()
    assert run(raw) == 0
    assert run(raw) == 0
    assert InboundMail.objects.count() == 1


def test_an_unknown_sender_when_they_are_off_is_67(run, settings):
    settings.HELPDESK_EMAIL_UNKNOWN_SENDERS = False
    assert run(make_mail(sender="stranger@example.org")) == 67
    assert InboundMail.objects.get().outcome == InboundMail.Outcome.REFUSED


def test_a_message_over_the_size_limit_is_67(run, settings, reporter):
    settings.HELPDESK_EMAIL_MAX_BYTES = 5_000
    assert run(make_mail(body="y" * 10_000)) == 67


def test_a_database_that_is_down_is_75_and_stores_nothing(run, reporter, monkeypatch):
    def down(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(services, "receive", down)
    assert run(make_mail()) == 75
    assert not InboundMail.objects.exists()


def test_a_database_that_cannot_be_reached_is_75_for_the_real_command(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings_test",
        "DATABASE_URL": f"sqlite:///{tmp_path}/no-such-folder/db.sqlite3",
    }
    done = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), "mailgate"],
        input=make_mail(),
        env=env,
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 75, done.stderr.decode()
