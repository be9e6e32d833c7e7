"""A NUL character in a query parameter is bad input in every interface: 400, never a 500.

PostgreSQL refuses NUL in text, so these were server errors there (the
console's autocomplete and list filters) while SQLite let them through: the
answer is the same 400 on both.
"""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.asserts import assertContains

from api.problems import PROBLEM_CONTENT_TYPE
from tests.factories import StaffFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_superuser(db) -> Client:
    root = StaffFactory(username="root")
    root.is_superuser = True
    root.save(update_fields=["is_superuser"])
    client = Client(raise_request_exception=False)
    client.force_login(root)
    return client


@pytest.fixture
def as_staff(agent) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(agent)
    return client


@pytest.mark.parametrize(
    "url",
    [
        # The probe's find: the assignee box's search.
        "/admin/autocomplete/?app_label=tickets&model_name=ticket&field_name=assignee&term=a%00b",
        "/admin/tickets/ticket/?q=a%00b",
        "/admin/tickets/ticket/?status=open%00",
        # Django's own list filters and searches, on the other pages of the console.
        "/admin/accounts/user/?username=a%00b",
        "/admin/accounts/user/?q=a%00b",
        "/admin/notifications/emaildelivery/?status=a%00b",
        "/admin/notifications/emaildelivery/?q=a%00b",
    ],
)
def test_the_console_refuses_a_nul(as_superuser, reporter, url):
    make_ticket(reporter)
    response = as_superuser.get(url)
    assertContains(response, "<title>Bad request", status_code=400)


def test_the_console_autocomplete_refuses_a_nul_for_staff_too(as_staff):
    query = {"app_label": "tickets", "model_name": "ticket", "field_name": "assignee"}
    response = as_staff.get("/admin/autocomplete/", {**query, "term": "a\x00b"})
    assert response.status_code == 400


def test_the_web_search_refuses_a_nul(reporter):
    make_ticket(reporter, subject="Printer on fire")
    client = Client(raise_request_exception=False)
    client.force_login(reporter)
    response = client.get("/tickets/", {"tab": "all", "q": "prin\x00ter"})
    assertContains(response, "<title>Bad request", status_code=400)


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/tickets/?q=nul%00byte", "q"),
        ("/api/v1/tickets/?status=open%00", "status"),
        ("/api/v1/staff/?cursor=%00", "cursor"),
        ("/api/v1/schema/?lang=e%00n", "lang"),
        ("/api/v1/docs/?lang=e%00n", "lang"),
    ],
)
def test_the_api_refuses_a_nul_naming_the_parameter(as_staff, url, name):
    response = as_staff.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == {name: ["Null characters are not allowed."]}
    assert name in body["detail"]


def test_a_nul_in_a_parameter_name_is_refused_too(as_staff):
    response = as_staff.get("/admin/tickets/ticket/?sta%00tus=open")
    assert response.status_code == 400


def test_the_refusal_carries_the_usual_headers(reporter):
    client = Client()
    client.force_login(reporter)
    response = client.get("/tickets/?q=%00")
    assert response.status_code == 400
    assert "Content-Security-Policy" in response
    assert "private" in response["Cache-Control"]
