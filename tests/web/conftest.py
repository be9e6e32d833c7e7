"""Fixtures for the web page tests: a browser-less client signed in as each persona."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import signed_in


@pytest.fixture
def as_reporter(reporter) -> Client:
    """A client signed in as Alice, who reports issues."""
    return signed_in(reporter)


@pytest.fixture
def as_other_user(other_user) -> Client:
    """A client signed in as Charlie, who must see nothing of Alice's."""
    return signed_in(other_user)


@pytest.fixture
def as_agent(agent) -> Client:
    """A client signed in as Sam, helpdesk staff."""
    return signed_in(agent)
