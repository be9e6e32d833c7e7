"""Users in the console: the staff flag brings the "Helpdesk staff" group along,
and the assignee autocomplete offers active staff only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import HELPDESK_STAFF_GROUP, User
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

AUTOCOMPLETE = reverse("admin:autocomplete")


def change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def user_form(user, **overrides) -> dict:
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "groups": [g.pk for g in user.groups.all()],
        # The API tokens inline (superusers only; these users have none).
        "api_tokens-TOTAL_FORMS": "0",
        "api_tokens-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def in_staff_group(user) -> bool:
    return user.groups.filter(name=HELPDESK_STAFF_GROUP).exists()


def test_ticking_staff_puts_the_user_in_the_helpdesk_staff_group(as_superuser, reporter):
    response = as_superuser.post(change_url(reporter), user_form(reporter, is_staff="on"))
    assert response.status_code == 302, response.context and response.context["errors"]
    reporter.refresh_from_db()
    assert reporter.is_staff and in_staff_group(reporter)


def test_unticking_staff_takes_them_out(as_superuser, other_agent):
    response = as_superuser.post(change_url(other_agent), user_form(other_agent, is_staff=""))
    assert response.status_code == 302
    other_agent.refresh_from_db()
    assert not other_agent.is_staff and not in_staff_group(other_agent)


def test_the_group_follows_the_flag_even_when_edited_by_hand(as_superuser, other_agent):
    response = as_superuser.post(change_url(other_agent), user_form(other_agent, groups=[]))
    assert response.status_code == 302
    assert in_staff_group(User.objects.get(pk=other_agent.pk))


def test_a_new_user_added_here_is_not_staff(as_superuser):
    response = as_superuser.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "erin",
            "email": "Erin@Example.com",
            "usable_password": "true",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 302
    erin = User.objects.get(username="erin")
    assert not erin.is_staff and not in_staff_group(erin)
    assert erin.email == "erin@example.com"


def test_email_addresses_are_unique_whatever_the_case(as_superuser, reporter):
    other = UserFactory(username="other")
    response = as_superuser.post(change_url(other), user_form(other, email="ALICE@example.com"))
    assert response.status_code == 200
    assert User.objects.get(pk=other.pk).email == "other@example.com"


def test_staff_who_are_not_superusers_cannot_make_staff(as_agent, reporter):
    response = as_agent.post(change_url(reporter), user_form(reporter, is_staff="on"))
    assert response.status_code == 403
    assert not User.objects.get(pk=reporter.pk).is_staff


def autocomplete(client, field: str, term: str = "") -> list[str]:
    response = client.get(
        AUTOCOMPLETE,
        {"app_label": "tickets", "model_name": "ticket", "field_name": field, "term": term},
    )
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_the_assignee_autocomplete_offers_active_staff_only(as_agent, reporter, other_agent):
    StaffFactory(username="retired", is_active=False)
    assert autocomplete(as_agent, "assignee") == ["dana", "sam"]
    assert autocomplete(as_agent, "assignee", "da") == ["dana"]
    assert autocomplete(as_agent, "assignee", "alice") == []


def test_the_reporter_autocomplete_offers_active_users(as_agent, reporter, other_user):
    UserFactory(username="gone", is_active=False)
    assert autocomplete(as_agent, "reporter") == ["alice", "charlie", "sam"]
    assert autocomplete(as_agent, "reporter", "alice@example") == ["alice"]


def test_end_users_cannot_use_the_autocomplete(client, reporter):
    client.force_login(reporter)
    response = client.get(
        AUTOCOMPLETE, {"app_label": "tickets", "model_name": "ticket", "field_name": "assignee"}
    )
    assert response.status_code == 302


def test_the_user_list_is_searchable(as_agent, reporter, other_user):
    response = as_agent.get(reverse("admin:accounts_user_changelist"), {"q": "charlie"})
    assert [u.username for u in response.context["cl"].result_list] == ["charlie"]


def test_the_group_exists_with_the_consoles_permissions(db):
    perms = set(
        Group.objects.get(name=HELPDESK_STAFF_GROUP).permissions.values_list("codename", flat=True)
    )
    assert {"view_ticket", "add_ticket", "change_ticket", "view_user"} <= perms
    assert "delete_ticket" not in perms
