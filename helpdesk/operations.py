"""The operator's endpoints, answered before any other middleware runs.

`/healthz` and `/readyz` (helpdesk.health) are for the load balancer and
`/metrics` (helpdesk.metrics) for Prometheus. They sit outside the site: no
session, no authentication, no language, no private-pages header, no
redirect to https (a balancer probes the app server over plain HTTP), and no
host allowlist (a balancer or Prometheus often addresses the server by IP).
What they answer depends on nothing the request says beyond its method (and,
for the metrics, its credentials and address), so the Host header cannot
steer them. Any other path goes on to the site, with every check in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest, HttpResponse

ENDPOINTS = {"/healthz": "healthz", "/readyz": "readyz", "/metrics": "metrics"}


def endpoint_of(request: HttpRequest) -> str | None:
    return ENDPOINTS.get(request.path_info.rstrip("/") or "/")


def operations_endpoints(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    def middleware(request: HttpRequest) -> HttpResponse:
        name = endpoint_of(request)
        if name is None:
            return get_response(request)
        if name == "metrics":
            from helpdesk.metrics import metrics_response

            response = metrics_response(request)
        else:
            from helpdesk.health import health_response

            response = health_response(request, name)
        # SecurityMiddleware, which would say so, is not on their way.
        response["X-Content-Type-Options"] = "nosniff"
        return response

    return middleware
