from __future__ import annotations

import pytest

from notifications import services as notification_services
from tests.factories import StaffFactory


@pytest.fixture
def watcher(db):
    """Wes is staff and opted in to hear about every new ticket."""
    wes = StaffFactory(username="wes")
    notification_services.update_preferences(user=wes, new_ticket=True)
    return wes


@pytest.fixture
def mail(mailoutbox, django_capture_on_commit_callbacks):
    """Run services with after-commit callbacks executed; return who got mail for each call."""

    class Mail:
        outbox = mailoutbox

        def during(self, fn):
            start = len(mailoutbox)
            with django_capture_on_commit_callbacks(execute=True):
                result = fn()
            self.last = mailoutbox[start:]
            return result

        def recipients(self) -> list[str]:
            return sorted(address for m in self.last for address in m.to)

    return Mail()
