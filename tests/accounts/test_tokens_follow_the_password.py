"""A new password hash ends every API token of the user, by whatever path (issue 19, finding 1).

The web change and reset did; the console's own "Change password", a superuser
setting someone's password and turning password sign-in off did not. Now the
user model notices the stored hash change, whoever changes it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.test import Client

from accounts import services
from accounts.models import ApiToken, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW = "a-brand-new-passphrase-19"


@pytest.fixture(autouse=True, params=[0, 300], ids=["uncached", "cached"])
def _token_cache(request, settings):
    # Every case with the API token cache off and on (accounts.token_cache): a
    # token kept in the cache must stop working as soon as the password changes.
    settings.API_TOKEN_CACHE_SECONDS = request.param
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def as_superuser(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def token_for(user: User) -> str:
    _, raw = services.create_api_token(user=user, name="Script")
    assert works(raw)  # and, with the cache on, now kept in it
    return raw


def works(raw: str) -> bool:
    return services.authenticate_api_token(raw) is not None


def test_the_consoles_own_password_change_revokes_the_tokens(agent):
    raw = token_for(agent)
    client = Client()
    client.force_login(agent)
    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert not works(raw)


def test_a_superuser_setting_a_password_revokes_the_users_tokens(as_superuser, reporter):
    raw = token_for(reporter)
    response = as_superuser.post(
        f"/admin/accounts/user/{reporter.pk}/password/",
        {"usable_password": "true", "password1": NEW, "password2": NEW},
    )
    assert response.status_code == 302
    assert not works(raw)


def test_turning_password_sign_in_off_revokes_the_tokens(as_superuser, reporter):
    raw = token_for(reporter)
    response = as_superuser.post(
        f"/admin/accounts/user/{reporter.pk}/password/",
        {"usable_password": "false", "unset-password": "1"},
    )
    assert response.status_code == 302
    reporter.refresh_from_db()
    assert not reporter.has_usable_password()
    assert not works(raw)


@pytest.mark.parametrize("change", ["set_password", "set_unusable_password"])
def test_any_save_of_a_new_hash_revokes_the_tokens(reporter, change):
    raw = token_for(reporter)
    user = User.objects.get(pk=reporter.pk)
    if change == "set_password":
        user.set_password(NEW)
    else:
        user.set_unusable_password()
    user.save()
    assert not works(raw)


def test_saving_only_other_fields_keeps_the_tokens(reporter):
    raw = token_for(reporter)
    user = User.objects.get(pk=reporter.pk)
    user.first_name = "Alicia"
    user.save()
    user.save(update_fields=["last_login"])
    assert works(raw)


def test_another_users_new_password_leaves_your_tokens_alone(reporter, other_user):
    raw = token_for(reporter)
    other_user.set_password(NEW)
    other_user.save()
    assert works(raw)


def test_an_upgraded_hash_of_the_same_password_keeps_the_tokens(reporter, settings):
    # A Django upgrade raises the hasher's work factor; the next sign-in stores
    # the same password hashed anew. Nothing was disclosed: programs keep working.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    User.objects.filter(pk=reporter.pk).update(
        password=make_password(PASSWORD, hasher="pbkdf2_sha256")
    )
    raw = token_for(reporter)
    client = Client()
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(pk=reporter.pk).password.startswith("md5$")
    assert works(raw)


def test_the_console_change_keeps_other_users_tokens(as_superuser, reporter, other_user):
    mine = token_for(other_user)
    as_superuser.post(
        f"/admin/accounts/user/{reporter.pk}/password/",
        {"usable_password": "true", "password1": NEW, "password2": NEW},
    )
    assert works(mine)
    assert ApiToken.objects.filter(user=other_user).count() == 1


def test_a_new_user_starts_with_no_tokens_to_revoke(db):
    user = UserFactory(username="erin")
    assert user.api_tokens.count() == 0
