"""The benchmark's instrumentation is there only when HELPDESK_BENCH=True."""

from __future__ import annotations

import json

from django.test import RequestFactory

from accounts.models import User
from helpdesk.instrumentation import QUERY_COUNT_HEADER, QueryCountMiddleware
from tests.project.test_settings import PRODUCTION, manage

CEILING = "/bench/ceiling/"

# Asks a production-configured process (no database needed) whether the
# ceiling is routed and, if it is, for the ceiling itself.
PROBE = f"""
import json
from django.test import Client
from django.urls import Resolver404, resolve
try:
    resolve("{CEILING}")
except Resolver404:
    print(json.dumps({{"status": 404}}))
else:
    response = Client().get("{CEILING}", headers={{"host": "helpdesk.example.com"}}, secure=True)
    print(json.dumps({{
        "status": response.status_code,
        "query_count": response.get("{QUERY_COUNT_HEADER}"),
        "results": len(response.json()["results"]),
    }}))
"""


def probe(**env: str) -> dict:
    result = manage("shell", "-c", PROBE, DATABASE_URL="sqlite://:memory:", **PRODUCTION, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_ceiling_endpoint_is_not_routed_by_default(client):
    assert client.get(CEILING).status_code == 404


def test_responses_carry_no_query_count_by_default(client):
    response = client.get("/")

    assert response.status_code == 200
    assert QUERY_COUNT_HEADER not in response


def test_production_settings_do_not_route_the_ceiling():
    assert probe() == {"status": 404}


def test_helpdesk_bench_routes_the_ceiling_and_counts_queries():
    # The ceiling serves 25 tickets from memory: not a single query.
    assert probe(HELPDESK_BENCH="True") == {"status": 200, "query_count": "0", "results": 25}


def test_the_query_count_header_counts_every_statement_of_the_request(db):
    def view(request):
        from django.http import HttpResponse

        User.objects.count()
        User.objects.filter(username="alice").exists()
        return HttpResponse("ok")

    response = QueryCountMiddleware(view)(RequestFactory().get("/"))

    assert response[QUERY_COUNT_HEADER] == "2"
