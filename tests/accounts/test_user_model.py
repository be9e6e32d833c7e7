from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts import services
from accounts.models import HELPDESK_STAFF_GROUP, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_custom_user_model_is_in_use():
    from django.contrib.auth import get_user_model

    assert get_user_model() is User


def test_email_is_unique_ignoring_case(reporter):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("alice2", email="ALICE@example.com", password=PASSWORD)


def test_username_is_unique_ignoring_case(reporter):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("Alice", email="other@example.com", password=PASSWORD)


def test_create_user_validates_and_explains(reporter):
    with pytest.raises(ValidationError) as excinfo:
        services.create_user(username="ALICE", email="Alice@Example.com", password=PASSWORD)
    messages = " ".join(excinfo.value.messages)
    assert "username already exists" in messages


def test_email_is_required():
    with pytest.raises(ValidationError) as excinfo:
        services.create_user(username="nomail", email="", password=PASSWORD)
    assert "email" in excinfo.value.message_dict


def test_create_user_stores_a_hashed_password_and_lowercase_email():
    user = services.create_user(username="bob", email="Bob@Example.COM", password=PASSWORD)
    assert user.email == "bob@example.com"
    assert user.password != PASSWORD and user.check_password(PASSWORD)


def test_sign_in_ignores_the_case_of_the_username(reporter, rf):
    request = rf.post("/accounts/login/")
    assert authenticate(request, username="ALICE", password=PASSWORD) == reporter


def test_the_staff_group_exists_with_ticket_permissions():
    group = Group.objects.get(name=HELPDESK_STAFF_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"view_ticket", "change_ticket", "add_message", "view_ticketevent"} <= codenames
    assert "delete_ticket" not in codenames


def test_making_a_user_staff_adds_them_to_the_group_and_back():
    user = UserFactory()
    services.set_staff(user=user, is_staff=True)
    assert user.groups.filter(name=HELPDESK_STAFF_GROUP).exists()
    assert user.has_perm("tickets.change_ticket")
    user = User.objects.get(pk=user.pk)
    services.set_staff(user=user, is_staff=False)
    user = User.objects.get(pk=user.pk)
    assert not user.is_staff
    assert not user.groups.filter(name=HELPDESK_STAFF_GROUP).exists()
    assert not user.has_perm("tickets.change_ticket")


@pytest.mark.django_db(transaction=True)
def test_the_staff_group_survives_a_flush_of_the_database():
    from django.core.management import call_command

    call_command("flush", "--no-input", verbosity=0)
    group = Group.objects.get(name=HELPDESK_STAFF_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"change_ticket", "view_emaildelivery", "change_notificationpreferences"} <= codenames
