"""Every route of the URL conf answers every method without a server error.

The walk reads the URL conf itself, so a route added later is covered without
touching this file. Each route's parameters are filled twice where it has any:
with the id of an object that exists (of the admin page's own model, for the
console) and with one that does not. Every method is sent as each persona:
anonymous, an end user, helpdesk staff and a superuser. A 2xx, 3xx or 4xx is
fine (405 for a method a page does not have); a 5xx is the bug.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.regex_helper import normalize

from accounts.services import create_api_token
from tests.factories import StaffFactory, make_ticket
from tickets import services

# POST last: it may sign the persona out or delete what the route names.
METHODS = ("GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "POST")
PERSONAS = ("anonymous", "end user", "staff", "superuser")
MISSING_ID = "987654321"


@dataclass(frozen=True)
class Route:
    template: str  # "/tickets/%(pk)s/reply/"
    params: tuple[str, ...]
    model: type | None  # the console page's model, if it is one

    def __str__(self) -> str:
        return self.template


def _routes(patterns: list, prefix: str = "") -> list[Route]:
    routes = []
    for entry in patterns:
        # A pattern as a format string with its parameters, as reverse() sees it.
        template, params = normalize(entry.pattern.regex.pattern)[0]
        if isinstance(entry, URLResolver):
            routes += _routes(entry.url_patterns, prefix + template)
        elif isinstance(entry, URLPattern):
            admin = getattr(entry.callback, "model_admin", None)
            model = admin.model if admin is not None else None
            routes.append(Route("/" + prefix + template, tuple(params), model))
    return routes


ROUTES = _routes(get_resolver().url_patterns)
CASES = [
    pytest.param(route, existing, id=f"{route}{'' if existing else ' (missing)'}")
    for route in ROUTES
    for existing in ((True, False) if route.params else (True,))
]


@pytest.fixture
def world(db, reporter, agent):
    """One of everything a route can name: a ticket with a message, a token, a superuser."""
    root = StaffFactory(username="root")
    root.is_superuser = True
    root.save(update_fields=["is_superuser"])
    ticket = make_ticket(reporter, assignee=agent)
    services.post_message(actor=agent, ticket=ticket, body="Try turning it off and on.")
    token, _ = create_api_token(user=reporter, name="walk")
    return {
        "reporter": reporter,
        "agent": agent,
        "root": root,
        "ticket": ticket,
        "token": token,
    }


def _values(route: Route, world: dict, *, existing: bool) -> dict[str, str]:
    reporter = world["reporter"]
    if not existing:
        return {
            name: {"uidb64": "MTIzNDU2", "token": "set-password", "url": "nowhere/"}.get(
                name, MISSING_ID
            )
            for name in route.params
        }
    ticket = world["ticket"]
    obj = route.model._default_manager.order_by("pk").first() if route.model else None
    values = {
        "pk": ticket.pk,
        "ticket_id": ticket.pk,
        "token_id": world["token"].pk,
        "object_id": obj.pk if obj is not None else MISSING_ID,
        "id": obj.pk if obj is not None else reporter.pk,
        "content_type_id": ContentType.objects.get_for_model(ticket).pk,
        "app_label": "tickets",
        "url": "tickets/",
        "uidb64": urlsafe_base64_encode(force_bytes(reporter.pk)),
        "token": default_token_generator.make_token(reporter),
    }
    if route.template.startswith("/admin/r/"):
        values["object_id"] = ticket.pk
    return {name: str(values[name]) for name in route.params}


def _client(persona: str, world: dict) -> Client:
    client = Client(raise_request_exception=False)
    user = {"end user": "reporter", "staff": "agent", "superuser": "root"}.get(persona)
    if user is not None:
        client.force_login(world[user])
    return client


@pytest.fixture(autouse=True)
def _quiet_server_errors(caplog):
    # The 5xx are reported by the assertion, with the route: not as log noise too.
    caplog.set_level("CRITICAL", logger="django.request")


@pytest.mark.parametrize(("route", "existing"), CASES)
def test_no_method_is_a_server_error(route, existing, world):
    url = route.template % _values(route, world, existing=existing)
    failures = []
    for persona in PERSONAS:
        client = _client(persona, world)
        for method in METHODS:
            response = client.generic(method, url)
            if response.status_code >= 500:
                failures.append(f"{method} {url} as {persona}: {response.status_code}")
    assert failures == []


def test_the_walk_finds_the_routes_it_is_meant_to():
    templates = {route.template for route in ROUTES}
    assert {
        "/api/v1/docs/",
        "/api/v1/tickets/%(pk)s/",
        "/admin/autocomplete/",
        "/admin/tickets/ticket/%(object_id)s/change/",
        "/tickets/%(pk)s/reply/",
        "/accounts/password/reset/%(uidb64)s/%(token)s/",
    } <= templates


@pytest.mark.django_db
def test_the_api_docs_page_answers_options_with_the_methods_it_has(client):
    # The probe's find: OPTIONS /api/v1/docs/ was a 500 (TemplateDoesNotExist).
    response = client.options("/api/v1/docs/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert client.head("/api/v1/docs/").status_code == 200


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_nul_in_any_query_parameter_is_a_400(route, world):
    # PostgreSQL refuses NUL in text: a search or a filter holding one was a 500 there.
    url = route.template % _values(route, world, existing=True)
    client = _client("superuser", world)
    for query in ("q=a%00b", "term=a%00b", "a%00b=1"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, (url, query)
