from __future__ import annotations

import pytest

from tests.factories import StaffFactory, UserFactory, make_ticket


@pytest.fixture
def reporter(db):
    """Alice reports issues."""
    return UserFactory(username="alice", first_name="Alice")


@pytest.fixture
def other_user(db):
    """Charlie is another end user, who must see nothing of Alice's."""
    return UserFactory(username="charlie", first_name="Charlie")


@pytest.fixture
def agent(db):
    """Sam works the helpdesk."""
    return StaffFactory(username="sam", first_name="Sam")


@pytest.fixture
def superuser(db):
    """Root runs the installation: staff and superuser."""
    user = StaffFactory(username="root", first_name="Root")
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return user


@pytest.fixture
def other_agent(db):
    return StaffFactory(username="dana", first_name="Dana")


@pytest.fixture
def ticket(reporter):
    return make_ticket(reporter)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and throttles start from zero in every test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def write_limits(settings):
    """The production limits on new tickets and messages (test settings lift them)."""
    from helpdesk import settings as production

    scopes = ("report", "reply", "report_staff", "reply_staff")
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        **{scope: production.RATE_LIMITS[scope] for scope in scopes},
    }
    return settings.RATE_LIMITS
