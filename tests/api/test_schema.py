"""The OpenAPI schema and the interactive docs, served without any CDN."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

SCHEMA = "/api/v1/schema/"
DOCS = "/api/v1/docs/"

OPERATIONS = {
    ("/api/v1/auth/token/", "post"),
    ("/api/v1/auth/token/", "delete"),
    ("/api/v1/me/", "get"),
    ("/api/v1/staff/", "get"),
    ("/api/v1/tickets/", "get"),
    ("/api/v1/tickets/", "post"),
    ("/api/v1/tickets/{id}/", "get"),
    ("/api/v1/tickets/{id}/", "patch"),
    ("/api/v1/tickets/{id}/status/", "post"),
    ("/api/v1/tickets/{id}/apply-macro/", "post"),
    ("/api/v1/tickets/{ticket_id}/messages/", "get"),
    ("/api/v1/tickets/{ticket_id}/messages/", "post"),
    ("/api/v1/tickets/{ticket_id}/events/", "get"),
    ("/api/v1/files/{id}/", "get"),
    ("/api/v1/files/{id}/thumbnail/", "get"),
}


@pytest.fixture
def schema(anon):
    response = anon.get(SCHEMA, HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_anyone_may_read_the_schema_of_every_operation(schema):
    operations = {
        (path, method)
        for path, item in schema["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert operations == OPERATIONS
    assert schema["openapi"].startswith("3.")


def test_the_schema_is_public_even_with_a_bad_token(anon):
    anon.credentials(HTTP_AUTHORIZATION="Token nonsense")

    assert anon.get(SCHEMA).status_code == 200


def test_every_error_is_documented_as_problem_json(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert list(response["content"]) == ["application/problem+json"], (
                        path,
                        method,
                        status,
                    )
            assert "429" in operation["responses"], (path, method)


def test_ticket_writes_document_if_match_and_its_412(schema):
    for path, method in [
        ("/api/v1/tickets/{id}/", "patch"),
        ("/api/v1/tickets/{id}/status/", "post"),
        ("/api/v1/tickets/{id}/apply-macro/", "post"),
        ("/api/v1/tickets/{ticket_id}/messages/", "post"),
    ]:
        operation = schema["paths"][path][method]
        assert "If-Match" in [p["name"] for p in operation["parameters"]]
        assert "412" in operation["responses"]


def test_the_list_documents_its_filters_ordering_and_pages(schema):
    names = {p["name"] for p in schema["paths"]["/api/v1/tickets/"]["get"]["parameters"]}

    assert names == {
        "status",
        "priority",
        "assignee",
        "reporter",
        "created_after",
        "created_before",
        "updated_after",
        "q",
        "sla",
        "ordering",
        "cursor",
        "page_size",
    }


def test_generating_the_schema_gives_no_warnings():
    out = io.StringIO()

    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out, stderr=io.StringIO())

    assert out.getvalue().startswith("openapi: 3")


def test_the_docs_are_served_from_our_own_static_files(anon):
    response = anon.get(DOCS)

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    # The start-up script comes as a file of its own (no inline script), and
    # it is what points Swagger UI at our schema.
    script = anon.get(DOCS, {"script": ""}).content.decode()
    assert SCHEMA in script
    for cdn in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com"):
        assert cdn not in html


def test_the_docs_assets_are_there(client):
    response = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")

    assert response.status_code == 200
