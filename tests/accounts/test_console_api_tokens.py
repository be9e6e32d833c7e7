"""A user's API tokens in the console: superusers see and revoke them, other staff see none."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import ApiToken
from tests.factories import signed_in

pytestmark = pytest.mark.django_db

USERS = reverse("admin:accounts_user_changelist")


@pytest.fixture
def tokens(reporter):
    laptop, _ = services.create_api_token(user=reporter, name="Old laptop")
    backup, _ = services.create_api_token(user=reporter, name="Backup script")
    ApiToken.objects.filter(pk=backup.pk).update(last_used_at=timezone.now() - timedelta(hours=2))
    return [laptop, ApiToken.objects.get(pk=backup.pk)]


def change_url(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def user_form(user, **extra) -> dict:
    data = {
        "username": user.username,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    return data | extra


def test_a_superuser_sees_a_users_tokens(superuser, reporter, tokens):
    response = signed_in(superuser).get(change_url(reporter))
    html = response.content.decode()
    assert response.status_code == 200
    for token in tokens:
        assert token.name in html
        assert token.prefix in html
    assert "Last used" in html
    # Nothing to add from here: a token is made by its owner, who sees it once.
    assert 'name="api_tokens-MAX_NUM_FORMS" value="0"' in html


def test_staff_who_are_not_superusers_see_no_tokens(agent, reporter, tokens):
    response = signed_in(agent).get(change_url(reporter))
    html = response.content.decode()
    assert response.status_code == 200
    for token in tokens:
        assert token.name not in html
        assert token.prefix not in html


def test_a_superuser_revokes_one_token_through_the_service(
    superuser, reporter, tokens, monkeypatch
):
    calls = []
    revoke = services.revoke_api_token
    monkeypatch.setattr(services, "revoke_api_token", lambda **kw: calls.append(kw) or revoke(**kw))
    laptop, backup = tokens
    rows = {
        "api_tokens-TOTAL_FORMS": "2",
        "api_tokens-INITIAL_FORMS": "2",
        "api_tokens-MIN_NUM_FORMS": "0",
        "api_tokens-MAX_NUM_FORMS": "0",
        "api_tokens-0-id": str(backup.pk),
        "api_tokens-0-user": str(reporter.pk),
        "api_tokens-1-id": str(laptop.pk),
        "api_tokens-1-user": str(reporter.pk),
        "api_tokens-1-DELETE": "on",
    }
    response = signed_in(superuser).post(change_url(reporter), user_form(reporter, **rows))
    assert response.status_code == 302, response.context["errors"]
    assert list(ApiToken.objects.filter(user=reporter)) == [backup]
    assert calls == [{"user": reporter, "token_id": laptop.pk}]


def test_a_superuser_revokes_every_token_of_the_chosen_users(
    superuser, reporter, other_user, tokens
):
    services.create_api_token(user=other_user, name="Charlie's")
    kept, _ = services.create_api_token(user=superuser, name="Root's own")
    response = signed_in(superuser).post(
        USERS,
        {"action": "revoke_api_tokens", "_selected_action": [reporter.pk, other_user.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert list(ApiToken.objects.all()) == [kept]
    assert "Revoked 3 API tokens." in response.content.decode()


def test_staff_who_are_not_superusers_cannot_revoke(agent, reporter, tokens):
    client = signed_in(agent)
    assert "revoke_api_tokens" not in client.get(USERS).content.decode()
    client.post(USERS, {"action": "revoke_api_tokens", "_selected_action": [reporter.pk]})
    assert ApiToken.objects.filter(user=reporter).count() == 2
