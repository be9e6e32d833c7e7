"""Where a request's CPU goes, part by part, in-process: middleware one by one, DRF's steps.

    .venv/bin/python -m bench.parts [--size 1m] [--calls 400] [--only list,detail]
    .venv/bin/python -m bench.parts --cprofile admin_list   # cProfile's top functions

Runs against a bench database (`python -m bench` loads them) with the bench's
production settings (HELPDESK_BENCH=True, the throttles on) and calls the WSGI
application itself, as gunicorn's workers do, `--calls` times per endpoint.
Times are CPU time of this process (`time.process_time_ns`), so the time spent
waiting on PostgreSQL (and on other processes of a busy machine) is not
counted; the database's own CPU is not in them either.

For each endpoint it prints the whole request (median and best), then the
middleware one by one (each layer's own time: a probe between every two
middleware, the layer's time is the difference of the probes around it), then
the steps inside the view, each the mean per request (a step's time includes
the steps it calls: authentication includes the token look-up). The tables in
docs/BENCHMARKS.md ("Where each millisecond goes") come from it. It leaves
nothing behind: the tokens and sessions it makes are deleted.
"""

from __future__ import annotations

import argparse
import functools
import io
import os
import secrets
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from bench.base import SIZES
from bench.database import server_env

# CPU nanoseconds per probe and step, summed over the calls of one endpoint.
TOTALS: dict[str, int] = defaultdict(int)
_DEPTH: dict[str, int] = defaultdict(int)


class _Probe:
    """A middleware that only measures: the time spent in the layers it wraps."""

    label = ""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        started = time.process_time_ns()
        try:
            return self.get_response(request)
        finally:
            TOTALS[self.label] += time.process_time_ns() - started


def _probe_class(index: int, label: str) -> str:
    """A probe class under a name Django can import, e.g. bench.parts._probe_3."""
    name = f"_probe_{index}"
    globals()[name] = type(name, (_Probe,), {"label": label})
    return f"{__name__}.{name}"


def timed(owner: Any, attribute: str, label: str) -> None:
    """Count the CPU time of owner.attribute (a method, function or property) under label."""
    original = owner.__dict__[attribute] if isinstance(owner, type) else getattr(owner, attribute)
    is_property = isinstance(original, property)
    function = original.fget if is_property else original

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        # Only the outermost call of a recursive or nested step counts.
        _DEPTH[label] += 1
        started = time.process_time_ns()
        try:
            return function(*args, **kwargs)
        finally:
            _DEPTH[label] -= 1
            if not _DEPTH[label]:
                TOTALS[label] += time.process_time_ns() - started

    setattr(owner, attribute, property(wrapper) if is_property else wrapper)


def instrument_steps() -> list[str]:
    """Time DRF's steps and ours; the labels, in the order they run."""
    from django.contrib.admin.views.main import ChangeList
    from django.template.response import SimpleTemplateResponse
    from rest_framework import serializers, throttling, views
    from rest_framework.response import Response

    import accounts.authentication
    import tickets.api.views
    from api.pagination import KeysetPagination
    from tickets.api.views import TicketChildViewSet, TicketViewSet

    steps = [
        (views.APIView, "initialize_request", "DRF: the Request object"),
        (views.APIView, "perform_content_negotiation", "DRF: content negotiation"),
        (views.APIView, "perform_authentication", "DRF: authentication"),
        (accounts.authentication, "authenticate_api_token", "  the token look-up (a query)"),
        (views.APIView, "check_permissions", "DRF: permissions"),
        (views.APIView, "check_throttles", "DRF: throttles"),
        (throttling.SimpleRateThrottle, "allow_request", "  a throttle and its cache"),
        (tickets.api.views, "check_query_params", "ours: checking the query parameters"),
        (TicketViewSet, "get_queryset", "ours: visible tickets (the queryset)"),
        (TicketViewSet, "filter_queryset", "ours: the filter set"),
        (KeysetPagination, "paginate_queryset", "ours: keyset page (the query)"),
        (tickets.api.views.selectors, "get_visible_ticket", "ours: the ticket (a query)"),
        (TicketChildViewSet, "get_children", "ours: the children's queryset"),
        (serializers.ListSerializer, "data", "serializing, a page"),
        (serializers.Serializer, "data", "serializing, one object"),
        (KeysetPagination, "get_paginated_response", "ours: next and previous links"),
        (views.APIView, "finalize_response", "DRF: finalize_response (headers)"),
        (Response, "rendered_content", "DRF: rendering JSON"),
        (ChangeList, "__init__", "console: ChangeList (queries, counts)"),
        (SimpleTemplateResponse, "rendered_content", "templates: rendering"),
    ]
    for owner, attribute, label in steps:
        timed(owner, attribute, label)
    return [label for _, _, label in steps]


def environ(
    path: str, headers: dict[str, str], method: str = "GET", body: bytes = b""
) -> dict[str, Any]:
    from django.test.client import RequestFactory

    path, _, query = path.partition("?")
    env = RequestFactory()._base_environ(
        PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD=method, SERVER_NAME="127.0.0.1"
    )
    env["HTTP_HOST"] = "127.0.0.1"
    env["wsgi.input"] = io.BytesIO(body)
    if body:
        env["CONTENT_LENGTH"] = str(len(body))
        env["CONTENT_TYPE"] = "application/json"
    for name, value in headers.items():
        env["HTTP_" + name.upper().replace("-", "_")] = value
    return env


# An endpoint's requests: a path to GET, or (for writes) a function that gives
# the next request of a cycle as (method, path, JSON body).
Target = str | Callable[[], tuple[str, str, bytes]]


def call(app: Callable, target: Target, headers: dict[str, str]) -> tuple[str, dict[str, str]]:
    status_headers: list[Any] = []

    def start_response(status: str, response_headers: list, exc_info: Any = None) -> None:
        status_headers[:] = [status, dict(response_headers)]

    method, path, data = ("GET", target, b"") if isinstance(target, str) else target()
    body = app(environ(path, headers, method, data), start_response)
    for _chunk in body:
        pass
    if hasattr(body, "close"):
        body.close()
    return status_headers[0], status_headers[1]


def cpu_ms(calls: int, work: Callable[[], object]) -> tuple[float, float]:
    """Median and best CPU milliseconds of `calls` runs of `work`, after a warm-up."""
    for _ in range(min(50, calls)):
        work()
    times = []
    for _ in range(calls):
        started = time.process_time_ns()
        work()
        times.append(time.process_time_ns() - started)
    return statistics.median(times) / 1e6, min(times) / 1e6


def compare(app: Callable, endpoints: dict, ab: str, calls: int, rounds: int = 8) -> None:
    """Each endpoint as configured (A) and with one setting changed (B), rounds alternating."""
    import json

    from django.test import override_settings

    name, _, raw = ab.partition("=")
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    print(f"A: as configured; B: {name}={value!r}. CPU ms per request, median of {calls}.")
    print(f"{'endpoint':40} {'A':>7} {'B':>7} {'B/A':>6}")
    per_round = max(calls // rounds, 1)
    for key, (label, path, headers) in endpoints.items():
        times: dict[str, list[int]] = {"A": [], "B": []}
        for side in ("A", "B"):  # warm both up
            with override_settings(**({name: value} if side == "B" else {})):
                for _ in range(30):
                    call(app, path, headers)
        for k in range(rounds):
            for side in ("A", "B") if k % 2 == 0 else ("B", "A"):
                with override_settings(**({name: value} if side == "B" else {})):
                    for _ in range(per_round):
                        started = time.process_time_ns()
                        call(app, path, headers)
                        times[side].append(time.process_time_ns() - started)
        a, b = (statistics.median(times[side]) / 1e6 for side in ("A", "B"))
        print(f"{label + ' (' + key + ')':40} {a:7.3f} {b:7.3f} {b / a:6.2f}")


def write_endpoints(users: dict[str, Any], tokens: dict[str, Any]) -> dict[str, tuple]:
    """The bench's writes, each a cycle of valid requests, as the bench's writer and staff.

    Everything they write hangs off tickets of the writer (bench-writer), made
    here through the services, or is a queued task: what the bench's cleanup
    deletes (bench/scenario.py). Adds the writer and its token to `users` and
    `tokens`, for main() to revoke.
    """
    import itertools
    import json
    import random

    from accounts.models import User
    from accounts.services import create_api_token, create_user
    from bench.scenario import INSERT_CEILING, TICKETS, WRITER, _text
    from tickets import services

    writer = User.objects.filter(username=WRITER).first() or create_user(
        username=WRITER, email=f"{WRITER}@bench.example.com", password=None
    )
    users["writer"] = writer
    tokens["writer"] = create_api_token(user=writer, name="bench.parts")
    rng = random.Random(11)  # noqa: S311 - test data

    def pool(n: int, status: str | None = None) -> list[int]:
        ids = []
        for i in range(n):
            ticket = services.report_issue(
                reporter=writer, subject=f"Bench parts {i}", description=_text(rng, 10, 80)
            )
            if status:
                services.change_status(actor=users["staff"], ticket=ticket, status=status)
            ids.append(ticket.pk)
        return ids

    def cycle(requests: list[tuple[str, str, dict]]) -> Callable[[], tuple[str, str, bytes]]:
        encoded = [(m, p, json.dumps(b).encode()) for m, p, b in requests]
        return itertools.cycle(encoded).__next__

    def toggles(ids: list[int], there: str, back: str) -> Callable[[], tuple[str, str, bytes]]:
        return cycle(
            [
                ("POST", f"{TICKETS}{pk}/status/", {"status": status})
                for status in (there, back)
                for pk in ids
            ]
        )

    reports = [
        {
            "subject": _text(rng, 3, 9).capitalize(),
            "description": _text(rng, 8, 120),
            "priority": rng.choice(("low", "normal", "normal", "normal", "high")),
        }
        for _ in range(200)
    ]
    talk = pool(50, "open")
    messages = [
        ("POST", f"{TICKETS}{rng.choice(talk)}/messages/", {"body": _text(rng, 5, 60)})
        for _ in range(200)
    ]
    as_writer = {"Authorization": f"Token {tokens['writer'][1]}"}
    as_staff = {"Authorization": f"Token {tokens['staff'][1]}"}
    return {
        "ceiling_insert": (
            "insert ceiling, writer",
            cycle([("POST", INSERT_CEILING, body) for body in reports]),
            as_writer,
        ),
        "report": (
            "API report an issue, writer",
            cycle([("POST", TICKETS, b) for b in reports]),
            as_writer,
        ),
        "post_message": ("API post a message, writer", cycle(messages), as_writer),
        "post_message_staff": ("API post a message, staff", cycle(messages), as_staff),
        "change_status": (
            "API change status, writer (resolved, open)",
            toggles(pool(60), "resolved", "open"),
            as_writer,
        ),
        "change_status_staff": (
            "API change status, staff (pending, open)",
            toggles(pool(60), "pending", "open"),
            as_staff,
        ),
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.parts", description=__doc__)
    parser.add_argument("--size", default="1m", choices=SIZES)
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--only", help="comma-separated endpoint keys")
    parser.add_argument("--cprofile", metavar="KEY", help="cProfile one endpoint instead")
    parser.add_argument(
        "--whole", action="store_true", help="only each whole request's median and best"
    )
    parser.add_argument(
        "--ab",
        metavar="SETTING=VALUE",
        help="compare each endpoint's whole request with this setting and without, "
        "in alternating rounds (e.g. API_TOKEN_CACHE_SECONDS=0)",
    )
    parser.add_argument(
        "--writes",
        action="store_true",
        help="also the writes and the insert ceiling (POSTs as the bench's writer, on tickets "
        "of its own; deleted afterwards by the bench's cleanup, bench/scenario.py)",
    )
    parser.add_argument(
        "--database", help="another database than helpdesk_bench_<size> (loaded alike)"
    )
    parser.add_argument("--postgres", default="postgres://root@127.0.0.1:5432")
    parser.add_argument(
        "--redis",
        default=os.getenv("BENCH_REDIS", "redis://127.0.0.1:6379/13"),
        help="the shared cache, as production has one (env BENCH_REDIS; '' for none)",
    )
    args = parser.parse_args(argv)

    # The bench's own server settings: production, plus its instruments.
    database = args.database or f"helpdesk_bench_{args.size}"
    os.environ.update(server_env(args, database, secrets.token_urlsafe(50)))
    import django

    django.setup()

    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import Client

    from accounts.models import User
    from accounts.services import create_api_token, revoke_api_token
    from bench.scenario import READER, STAFF
    from tickets.models import Ticket

    users = {
        "reporter": User.objects.get(username=READER),
        "staff": User.objects.get(username=STAFF),
    }
    tokens = {role: create_api_token(user=u, name="bench.parts") for role, u in users.items()}
    sessions, clients = {}, []
    for role, user in users.items():
        client = Client()
        client.force_login(user, backend="accounts.backends.ModelBackend")
        sessions[role] = client.cookies["sessionid"].value
        clients.append(client)
    try:
        mine = Ticket.objects.filter(reporter=users["reporter"]).order_by("-id").first().pk
        # A ticket from the middle of the table, for staff.
        theirs = Ticket.objects.order_by("-id").values_list("pk", flat=True)[SIZES[args.size] // 2]
        api = {role: {"Authorization": f"Token {raw}"} for role, (_, raw) in tokens.items()}
        web = {role: {"Cookie": f"sessionid={key}"} for role, key in sessions.items()}
        db = "/bench/ceiling/db/tickets/"
        endpoints = {
            "ceiling": ("the in-memory ceiling", "/bench/ceiling/", {}),
            "ceiling_db_list": ("DB ceiling: page, staff", db, api["staff"]),
            "ceiling_db_list_reporter": ("DB ceiling: page, reporter", db, api["reporter"]),
            "ceiling_db_row": ("DB ceiling: row, staff", f"{db}{theirs}/", api["staff"]),
            "list": ("API list, staff", "/api/v1/tickets/", api["staff"]),
            "list_reporter": ("API list, reporter", "/api/v1/tickets/", api["reporter"]),
            "list_status": (
                "API list, status=open, staff",
                "/api/v1/tickets/?status=open",
                api["staff"],
            ),
            "list_status_reporter": (
                "API list, status=open, reporter",
                "/api/v1/tickets/?status=open",
                api["reporter"],
            ),
            "detail": ("API ticket, staff", f"/api/v1/tickets/{theirs}/", api["staff"]),
            "detail_reporter": (
                "API ticket, reporter",
                f"/api/v1/tickets/{mine}/",
                api["reporter"],
            ),
            "messages": (
                "API messages, staff",
                f"/api/v1/tickets/{theirs}/messages/",
                api["staff"],
            ),
            "web_list": ('web "my tickets", reporter', "/tickets/", web["reporter"]),
            "web_ticket": ("web ticket page, reporter", f"/tickets/{mine}/", web["reporter"]),
            "admin_list": ("console changelist, staff", "/admin/tickets/ticket/", web["staff"]),
            "dashboard": ("console dashboard, staff", "/admin/", web["staff"]),
        }
        if args.writes:
            endpoints.update(write_endpoints(users, tokens))
        if args.only:
            endpoints = {k: v for k, v in endpoints.items() if k in args.only.split(",")}

        if args.cprofile:
            import cProfile
            import pstats

            app = WSGIHandler()
            _, path, headers = endpoints[args.cprofile]
            for _ in range(20):
                call(app, path, headers)
            profile = cProfile.Profile(time.process_time)
            profile.enable()
            for _ in range(args.calls):
                call(app, path, headers)
            profile.disable()
            stats = pstats.Stats(profile).sort_stats("cumulative")
            stats.print_stats(int(os.environ.get("PARTS_TOP", "45")))
            return

        plain = WSGIHandler()
        if args.ab:
            compare(plain, endpoints, args.ab, args.calls)
            return
        if args.whole:
            for key, (_label, path, headers) in endpoints.items():
                call(plain, path, headers)
                median_ms, best_ms = cpu_ms(args.calls, lambda p=path, h=headers: call(plain, p, h))
                status, response_headers = call(plain, path, headers)
                queries = response_headers.get("X-Query-Count", "?")
                print(f"{key:24} {median_ms:7.3f} {best_ms:7.3f} {queries} {status}")
            return
        # The same stack with a probe around every middleware (and one inside the last).
        middleware = list(settings.MIDDLEWARE)
        probed = []
        for index, name in enumerate(middleware):
            probed += [_probe_class(index, name.rsplit(".", 1)[1]), name]
        probed.append(_probe_class(len(middleware), "(the view, its hooks and rendering)"))
        settings.MIDDLEWARE = probed
        layered = WSGIHandler()
        settings.MIDDLEWARE = middleware
        layers = [name.rsplit(".", 1)[1] for name in middleware]
        steps = instrument_steps()

        for key, (label, path, headers) in endpoints.items():
            status, response_headers = call(plain, path, headers)
            queries = response_headers.get("X-Query-Count", "?")
            median_ms, best_ms = cpu_ms(args.calls, lambda p=path, h=headers: call(plain, p, h))
            TOTALS.clear()
            started = time.process_time_ns()
            for _ in range(args.calls):
                call(layered, path, headers)
            whole = (time.process_time_ns() - started) / args.calls / 1e6
            shown = f"GET {path}" if isinstance(path, str) else " ".join(path()[:2])
            print(f"\n## {label} ({key}): {shown} -> {status}, {queries} queries")
            print(f"{'whole request, median of ' + str(args.calls):52} {median_ms:6.3f} ms")
            print(f"{'whole request, best':52} {best_ms:6.3f} ms")
            per = {k: v / args.calls / 1e6 for k, v in TOTALS.items()}
            print(f"{'with probes, mean':52} {whole:6.3f} ms")
            outside = whole - per.get(layers[0], 0.0)
            print(f"  {'WSGI handler: request, signals, response':50} {outside:6.3f} ms")
            names = [*layers, "(the view, its hooks and rendering)"]
            for i, name in enumerate(names):
                inner = per.get(names[i + 1], 0.0) if i + 1 < len(names) else 0.0
                print(f"  {name:50} {per.get(name, 0.0) - inner:6.3f} ms")
            print("  inside the view (means; a step includes the steps under it):")
            for step in steps:
                if TOTALS.get(step):
                    print(f"    {step:48} {per[step]:6.3f} ms")
    finally:
        for role, (token, _) in tokens.items():
            revoke_api_token(user=users[role], token_id=token.pk)
        for client in clients:
            client.logout()  # ends the session it opened
        if args.writes:
            from bench.scenario import cleanup

            cleanup()


if __name__ == "__main__":
    main(sys.argv[1:])
