"""Which database errors are an outage (503, try again) and which are a bug (500)."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError, connection

from helpdesk.error_pages import database_unreachable

pytestmark = pytest.mark.django_db


def test_a_closed_connection_is_an_outage():
    assert database_unreachable(InterfaceError("connection already closed"))


def test_an_error_on_a_healthy_connection_is_not(django_db_blocker):
    connection.ensure_connection()
    assert not database_unreachable(OperationalError("database is locked"))


def test_other_errors_are_not():
    assert not database_unreachable(ValueError("bug"))
    assert not database_unreachable(None)


def test_a_connection_that_no_longer_answers_is_an_outage(monkeypatch):
    connection.ensure_connection()
    monkeypatch.setattr(connection, "is_usable", lambda: False)
    assert database_unreachable(OperationalError("server closed the connection unexpectedly"))
