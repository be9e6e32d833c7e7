from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone


class Clock:
    """A fixed clock for the services: `clock.at(...)` then call them."""

    def __init__(self, monkeypatch):
        self.now = datetime(2026, 6, 1, 9, tzinfo=UTC)  # a Monday, 09:00 UTC
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def at(self, *args: int) -> datetime:
        self.now = datetime(*args, tzinfo=UTC)
        return self.now


@pytest.fixture
def fixed_clock(monkeypatch):
    return Clock(monkeypatch)
