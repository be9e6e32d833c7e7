from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_only_as_a_hash(reporter):
    token, raw = services.create_api_token(user=reporter, name="laptop")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in {stored.key_hash, stored.prefix, stored.name}
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    assert raw.startswith(stored.prefix)


def test_the_raw_key_authenticates_its_user(reporter):
    token, raw = services.create_api_token(user=reporter, name="laptop")
    found = services.authenticate_api_token(raw)
    assert found == token and found.user == reporter
    assert found.last_used_at is not None


def test_each_call_makes_a_new_token(reporter):
    _, a = services.create_api_token(user=reporter, name="a")
    _, b = services.create_api_token(user=reporter, name="b")
    assert a != b
    assert reporter.api_tokens.count() == 2


@pytest.mark.parametrize("raw", ["", "nope", "hd_" + "x" * 500])
def test_wrong_keys_authenticate_nobody(reporter, raw):
    services.create_api_token(user=reporter, name="laptop")
    assert services.authenticate_api_token(raw) is None


def test_an_inactive_users_token_is_refused(reporter):
    _, raw = services.create_api_token(user=reporter, name="laptop")
    reporter.is_active = False
    reporter.save()
    assert services.authenticate_api_token(raw) is None


def test_revoking_works_only_on_your_own_tokens(reporter, other_user):
    token, raw = services.create_api_token(user=reporter, name="laptop")
    assert services.revoke_api_token(user=other_user, token_id=token.pk) is False
    assert services.revoke_api_token(user=reporter, token_id=token.pk) is True
    assert services.authenticate_api_token(raw) is None


def test_names_are_limited(reporter):
    with pytest.raises(ValidationError):
        services.create_api_token(user=reporter, name="n" * 101)


def test_a_blank_name_gets_a_default(reporter):
    token, _ = services.create_api_token(user=reporter, name="  ")
    assert token.name.startswith("Token ")
