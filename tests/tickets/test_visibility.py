from __future__ import annotations

import pytest

from tests.factories import UserFactory, make_ticket
from tickets import selectors, services
from tickets.exceptions import TicketNotFound

pytestmark = pytest.mark.django_db


def test_a_reporter_sees_only_their_own_tickets(reporter, other_user):
    mine = make_ticket(reporter)
    make_ticket(other_user)
    assert list(selectors.visible_tickets(reporter)) == [mine]


def test_staff_see_every_ticket(agent, reporter, other_user):
    tickets = {make_ticket(reporter), make_ticket(other_user)}
    assert set(selectors.visible_tickets(agent)) == tickets


def test_anonymous_and_inactive_users_see_nothing(reporter):
    from django.contrib.auth.models import AnonymousUser

    make_ticket(reporter)
    assert not selectors.visible_tickets(AnonymousUser()).exists()
    reporter.is_active = False
    reporter.save()
    assert not selectors.visible_tickets(reporter).exists()


def test_the_related_users_are_joined(agent, reporter, django_assert_num_queries):
    for _ in range(3):
        make_ticket(reporter, assignee=agent)
    # Expect 1 query: tickets with reporter and assignee joined.
    with django_assert_num_queries(1):
        names = [
            (t.reporter.username, t.assignee.username) for t in selectors.visible_tickets(agent)
        ]
    assert names == [("alice", "sam")] * 3


def test_the_lookup_finds_a_visible_ticket(reporter, ticket):
    assert selectors.get_visible_ticket(reporter, ticket.pk) == ticket
    assert selectors.get_visible_ticket(reporter, str(ticket.pk)) == ticket


@pytest.mark.parametrize("pk", ["abc", None, "", "1.5", -1, 0, 2**70])
def test_the_lookup_treats_nonsense_ids_as_not_found(reporter, pk):
    with pytest.raises(TicketNotFound):
        selectors.get_visible_ticket(reporter, pk)


def test_the_lookup_hides_another_users_ticket(other_user, ticket):
    with pytest.raises(TicketNotFound):
        selectors.get_visible_ticket(other_user, ticket.pk)


def test_internal_notes_and_their_events_are_for_staff_only(reporter, agent, ticket):
    services.post_message(actor=reporter, ticket=ticket, body="public")
    services.post_message(actor=agent, ticket=ticket, body="secret", is_internal=True)

    assert [m.body for m in selectors.visible_messages(reporter, ticket)] == ["public"]
    assert [m.body for m in selectors.visible_messages(agent, ticket)] == ["public", "secret"]
    assert [e.kind for e in selectors.visible_events(reporter, ticket)] == [
        "created",
        "message_posted",
    ]
    assert len(selectors.visible_events(agent, ticket)) == 3


def test_staff_list_holds_only_active_staff(agent):
    UserFactory(username="enduser")
    from tests.factories import StaffFactory

    StaffFactory(username="retired", is_active=False)
    assert list(selectors.staff_users()) == [agent]
