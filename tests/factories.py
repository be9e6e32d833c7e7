"""factory_boy factories for the test suite.

Tickets are made through services.report_issue, as the product makes them; a
test that needs a ticket in some status passes `status=` and the factory puts
it there directly, as the workflow is what those tests are not about.
"""

from __future__ import annotations

import factory
from django.test import Client
from django.utils import timezone

from accounts import services as account_services
from accounts.models import User
from tickets import services
from tickets.models import Ticket

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)


class StaffFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def helpdesk_group(obj, create, extracted, **kwargs):
        if create:
            account_services.set_staff(user=obj, is_staff=True)


def make_ticket(
    reporter: User,
    *,
    status: str = Ticket.Status.NEW,
    subject: str = "Printer on fire",
    description: str = "It smells of toner and regret.",
    priority: str | None = None,
    assignee: User | None = None,
) -> Ticket:
    ticket = services.report_issue(
        reporter=reporter, subject=subject, description=description, priority=priority
    )
    fields: dict = {}
    if status != Ticket.Status.NEW:
        now = timezone.now()
        fields["status"] = status
        if status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
            fields["resolved_at"] = now
        if status == Ticket.Status.CLOSED:
            fields["closed_at"] = now
    if assignee is not None:
        fields["assignee"] = assignee
    if fields:
        Ticket.objects.filter(pk=ticket.pk).update(**fields)
        ticket.refresh_from_db()
    return ticket


def signed_in(user) -> Client:
    """A test client signed in as `user`."""
    client = Client()
    client.force_login(user)
    return client
