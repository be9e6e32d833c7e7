from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_only_as_a_hash(reporter):
    token, raw = services.api_token_create(user=reporter, name="laptop")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in {stored.key_hash, stored.prefix, stored.name}
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    assert raw.startswith(stored.prefix)


def test_the_raw_key_authenticates_its_user(reporter):
    token, raw = services.api_token_create(user=reporter, name="laptop")
    found = services.api_token_authenticate(raw)
    assert found == token and found.user == reporter
    assert found.last_used_at is not None


def test_each_call_makes_a_new_token(reporter):
    _, a = services.api_token_create(user=reporter, name="a")
    _, b = services.api_token_create(user=reporter, name="b")
    assert a != b
    assert reporter.api_tokens.count() == 2


@pytest.mark.parametrize("raw", ["", "nope", "hd_" + "x" * 500])
def test_wrong_keys_authenticate_nobody(reporter, raw):
    services.api_token_create(user=reporter, name="laptop")
    assert services.api_token_authenticate(raw) is None


def test_an_inactive_users_token_is_refused(reporter):
    _, raw = services.api_token_create(user=reporter, name="laptop")
    reporter.is_active = False
    reporter.save()
    assert services.api_token_authenticate(raw) is None


def test_revoking_works_only_on_your_own_tokens(reporter, other_user):
    token, raw = services.api_token_create(user=reporter, name="laptop")
    assert services.api_token_revoke(user=other_user, token_id=token.pk) is False
    assert services.api_token_revoke(user=reporter, token_id=token.pk) is True
    assert services.api_token_authenticate(raw) is None


def test_names_are_limited(reporter):
    with pytest.raises(ValidationError):
        services.api_token_create(user=reporter, name="n" * 101)


def test_a_blank_name_gets_a_default(reporter):
    token, _ = services.api_token_create(user=reporter, name="  ")
    assert token.name.startswith("Token ")
