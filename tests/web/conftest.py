"""Fixtures for the web page tests: a browser-less client signed in as each persona."""

from __future__ import annotations

import pytest
from django.test import Client


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_reporter(reporter) -> Client:
    """A client signed in as Alice, who reports issues."""
    return _signed_in(reporter)


@pytest.fixture
def as_other_user(other_user) -> Client:
    """A client signed in as Charlie, who must see nothing of Alice's."""
    return _signed_in(other_user)


@pytest.fixture
def as_agent(agent) -> Client:
    """A client signed in as Sam, helpdesk staff."""
    return _signed_in(agent)
