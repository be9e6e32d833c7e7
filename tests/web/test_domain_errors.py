"""Each domain error of the services reads as one plain message on the web pages."""

from __future__ import annotations

import pytest

from tickets.exceptions import InvalidTransition, NotAllowed, StaleVersion, TicketClosed
from tickets.views import _explain


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            StaleVersion(expected=1, current=3),
            "This ticket changed after you loaded the page, so your change was not applied. "
            "What changed is marked below: check it and try again.",
        ),
        (
            InvalidTransition(current="pending", requested="closed", allowed=["resolved"]),
            "This ticket is Waiting on you now, so it cannot be changed to Closed.",
        ),
        (
            TicketClosed(),
            "This ticket is closed, so it takes no more changes or replies. "
            "If you still need help, report a new issue.",
        ),
        (NotAllowed("Only helpdesk staff may do that."), "Only helpdesk staff may do that."),
    ],
)
def test_each_domain_error_has_a_plain_message(error, message):
    assert _explain(error) == message
