"""A console action's selection that is not a list of keys is a 400, not a 500."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken
from accounts.services import create_api_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = [model._meta for model in admin.site._registry]


@pytest.fixture
def as_superuser():
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("opts", MODELS, ids=[opts.label for opts in MODELS])
@pytest.mark.parametrize("value", ["abc", "1\x00", "1.5", "", "99999999999999999999"])
def test_a_selection_of_non_keys_is_refused_on_every_list(as_superuser, opts, value):
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = as_superuser.post(
        url, {"action": "delete_selected", "_selected_action": ["1", value]}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("url", "action"),
    [
        ("admin:accounts_user_changelist", "revoke_api_tokens"),
        ("admin:notifications_emaildelivery_changelist", "retry"),
    ],
)
def test_the_user_and_delivery_lists_refuse_a_bad_selection(as_superuser, url, action):
    for value in ("abc", "1\x00"):
        response = as_superuser.post(reverse(url), {"action": action, "_selected_action": [value]})
        assert response.status_code == 400


def test_a_good_selection_still_acts(as_superuser, reporter):
    create_api_token(user=reporter, name="laptop")
    response = as_superuser.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "revoke_api_tokens", "_selected_action": [str(reporter.pk)]},
    )
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=reporter).exists()
