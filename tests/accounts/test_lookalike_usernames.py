"""A username that looks like someone else's is refused (issue 19, finding 8).

"alice" with a Cyrillic a registered beside "alice" and could pass for her in the
console. Each username has a confusable skeleton (after Unicode TR39: the
same for strings that look alike); a new or renamed user whose skeleton
matches another user's is refused, on sign-up, in the console and in the
service under both.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import User
from accounts.text import skeleton, skeleton_key
from tests.factories import PASSWORD, StaffFactory, UserFactory

CYRILLIC_ALICE = "\u0430lice"  # CYRILLIC SMALL LETTER A
REFUSED = "This username looks too much like an existing one. Please choose another."


@pytest.mark.parametrize(
    "lookalike",
    [
        CYRILLIC_ALICE,
        "\u0430l\u0456\u0441\u0435",  # all Cyrillic but the l
        "\u03b1lice",  # GREEK SMALL LETTER ALPHA
        "\uff41lice",  # FULLWIDTH LATIN SMALL LETTER A
        "aIice",  # a capital I for the l
        "a\u04cfice",  # CYRILLIC SMALL LETTER PALOCHKA
    ],
)
def test_lookalikes_share_a_skeleton(lookalike):
    assert skeleton(lookalike) == skeleton("alice")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("\u0412\u041e\u0412", "BOB"),  # Cyrillic capitals ve, o, ve
        ("b0b", "bob"),
        ("\u0397ELLO", "hello"),  # Greek capital eta
        ("Ian", "lan"),
        ("\u0440aypal", "paypal"),  # CYRILLIC SMALL LETTER ER
        ("jose\u0301", "jos\u00e9"),  # decomposed and composed é
        ("rnary", "mary"),
    ],
)
def test_other_lookalikes(one, other):
    assert skeleton(one) == skeleton(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("alice", "alicia"),
        ("ian", "lan"),
        ("jose", "jos\u00e9"),
        ("\u0432\u043e\u0432", "bob"),  # lower-case Cyrillic вов does not look like bob
        ("\u03b7ello", "hello"),  # lower-case eta looks like n
    ],
)
def test_names_that_look_different_stay_apart(one, other):
    assert skeleton(one) != skeleton(other)


def test_the_skeleton_folds_case_after_reading_a_capital_i_as_l():
    # Names that differ in case only are one name anyway (refused as taken).
    assert skeleton("Bob") == skeleton("BOB") == skeleton("bob")
    assert skeleton("ALICE") == skeleton("allce")


@pytest.mark.django_db
def test_sign_up_refuses_a_lookalike(reporter):
    response = Client().post(
        "/accounts/signup/",
        {
            "username": CYRILLIC_ALICE,
            "email": "mallory@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not User.objects.filter(email="mallory@example.com").exists()


@pytest.mark.django_db
def test_the_service_refuses_a_lookalike(reporter):
    with pytest.raises(ValidationError) as refused:
        services.create_user(username=CYRILLIC_ALICE, email="m@example.com", password=PASSWORD)
    assert refused.value.message_dict == {"username": [REFUSED]}


@pytest.fixture
def as_superuser(db) -> Client:
    root = StaffFactory(username="root")
    root.is_superuser = True
    root.save(update_fields=["is_superuser"])
    client = Client()
    client.force_login(root)
    return client


@pytest.mark.django_db
def test_the_console_refuses_a_new_lookalike(as_superuser, reporter):
    response = as_superuser.post(
        reverse("admin:accounts_user_add"),
        {
            "username": CYRILLIC_ALICE,
            "email": "mallory@example.com",
            "usable_password": "true",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not User.objects.filter(email="mallory@example.com").exists()


def user_form(user, **overrides) -> dict:
    return {
        "username": user.username,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "api_tokens-TOTAL_FORMS": "0",
        "api_tokens-INITIAL_FORMS": "0",
    } | overrides


@pytest.mark.django_db
def test_the_console_refuses_renaming_someone_to_a_lookalike(as_superuser, reporter, other_user):
    url = reverse("admin:accounts_user_change", args=[other_user.pk])
    response = as_superuser.post(url, user_form(other_user, username=CYRILLIC_ALICE))
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert User.objects.get(pk=other_user.pk).username == "charlie"


@pytest.mark.django_db
def test_a_user_keeps_their_own_name(as_superuser, reporter):
    url = reverse("admin:accounts_user_change", args=[reporter.pk])
    response = as_superuser.post(url, user_form(reporter, first_name="Alicia"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_lookalikes_from_before_do_not_block_other_edits(as_superuser, reporter):
    # Names registered before this rule may collide; editing anything but the
    # name still works for both.
    twin = UserFactory(username="twin")
    User.objects.filter(pk=twin.pk).update(
        username=CYRILLIC_ALICE,
        username_skeleton=User.objects.get(pk=reporter.pk).username_skeleton,
    )
    twin.refresh_from_db()
    url = reverse("admin:accounts_user_change", args=[twin.pk])
    response = as_superuser.post(url, user_form(twin, email="twin@example.org"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_migration_gives_every_existing_user_a_skeleton(reporter, other_user):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0004_username_skeleton")
    User.objects.update(username_skeleton="")
    migration.fill_skeletons(apps, None)
    assert User.objects.get(pk=reporter.pk).username_skeleton == skeleton_key("alice")
    assert User.objects.get(pk=other_user.pk).username_skeleton == skeleton_key("charlie")


@pytest.mark.django_db
@pytest.mark.parametrize("staff", ["superuser", "agent"])
def test_the_user_list_shows_the_email_beside_lookalike_names(request, staff, reporter, agent):
    # Two names from before the rule that share a skeleton: each shows its email.
    twin = UserFactory(username="twin", email="twin@example.org")
    User.objects.filter(pk=twin.pk).update(
        username=CYRILLIC_ALICE,
        username_skeleton=User.objects.get(pk=reporter.pk).username_skeleton,
    )
    loner = UserFactory(username="loner", email="loner@example.org")
    if staff == "superuser":
        client = request.getfixturevalue("as_superuser")
    else:
        client = Client()
        client.force_login(agent)
    response = client.get(reverse("admin:accounts_user_changelist"))
    html = response.content.decode()
    assert f'{CYRILLIC_ALICE} <span class="lookalike"' in html
    assert "(twin@example.org)" in html
    assert "(<span" not in html
    assert f"({reporter.email})" in html
    assert f"({loner.email})" not in html
