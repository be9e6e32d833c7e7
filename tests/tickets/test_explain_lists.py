from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's")
def test_it_explains_every_list_of_every_interface(reporter, agent, settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    for _ in range(3):
        make_ticket(reporter)
    out = io.StringIO()
    call_command("explain_lists", staff="sam", reporter="alice", stdout=out)
    report = out.getvalue()
    assert "| api | list, default | staff | 200 |" in report
    assert "| web | my tickets, Open tab | reporter | 200 |" in report
    assert "| admin | changelist | staff | 200 |" in report
    assert "| admin | dashboard | staff | 200 |" in report
    # Every list answers: a scenario the interface refuses explains nothing.
    statuses = re.findall(r"^\| (?:api|web|admin) \| [^|]+ \| \w+ \| (\d+) \|", report, re.M)
    assert len(statuses) > 30
    assert set(statuses) == {"200"}
    assert "Index Scan" in report or "Seq Scan" in report
    # The tokens it made to call the API are gone again.
    assert not reporter.api_tokens.exists() and not agent.api_tokens.exists()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks the SQLite refusal")
def test_it_says_it_needs_postgresql():
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("explain_lists")
