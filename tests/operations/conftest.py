from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def as_reporter(reporter) -> Client:
    client = Client()
    client.force_login(reporter)
    return client
