from __future__ import annotations

import pytest

from tests.factories import make_ticket
from tickets import selectors
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_search_matches_words_in_any_order_in_subject_or_description(reporter):
    vpn = make_ticket(reporter, subject="VPN drops", description="every hour on the wifi")
    make_ticket(reporter, subject="Printer jam", description="tray two")
    found = selectors.search(Ticket.objects.all(), "wifi vpn")
    assert list(found) == [vpn]


def test_search_ignores_case_and_blank_queries(reporter):
    ticket = make_ticket(reporter, subject="Outlook password prompt")
    assert list(selectors.search(Ticket.objects.all(), "OUTLOOK")) == [ticket]
    assert selectors.search(Ticket.objects.all(), "   ").count() == 1
