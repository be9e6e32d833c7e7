"""Where the API's ticket list spends its CPU, part by part, in-process.

    .venv/bin/python -m bench.parts [--size 1m] [--calls 800]

Runs against a bench database (`python -m bench` loads them) with the bench's
production settings, as staff, and prints the best of `--calls` timings
(`time.process_time_ns`, so time spent waiting on PostgreSQL is not counted)
of each part of `GET /api/v1/tickets/`, next to the ceiling's. The table in
docs/BENCHMARKS.md ("Ticket list at least 0.8 of the ceiling") comes from it.
It leaves nothing behind: the token it makes is deleted.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from collections.abc import Callable

from bench.base import SIZES
from bench.database import server_env


def best_of(calls: int, work: Callable[[], object]) -> float:
    """The fastest of `calls` runs of `work`, in CPU milliseconds, after a warm-up."""
    for _ in range(50):
        work()
    fastest = float("inf")
    for _ in range(calls):
        started = time.process_time_ns()
        work()
        fastest = min(fastest, time.process_time_ns() - started)
    return fastest / 1e6


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.parts", description=__doc__)
    parser.add_argument("--size", default="1m", choices=SIZES)
    parser.add_argument("--calls", type=int, default=800)
    parser.add_argument("--postgres", default="postgres://root@127.0.0.1:5432")
    args = parser.parse_args(argv)

    # The bench's own server settings: production, plus its instruments.
    os.environ.update(server_env(args, f"helpdesk_bench_{args.size}", secrets.token_urlsafe(50)))
    import django

    django.setup()

    from django.test import Client, RequestFactory
    from rest_framework.renderers import JSONRenderer
    from rest_framework.request import Request

    from accounts.models import User
    from accounts.services import authenticate_api_token, create_api_token, revoke_api_token
    from helpdesk.instrumentation import CEILING_TICKETS, _TicketSerializer
    from tickets import selectors
    from tickets.api.serializers import TicketSerializer

    staff = User.objects.get(username="load-staff-0")
    token, raw = create_api_token(user=staff, name="bench.parts")
    try:
        request = Request(RequestFactory().get("/api/v1/tickets/", HTTP_HOST="127.0.0.1"))
        request.user = staff
        page = selectors.visible_tickets(staff).order_by("-updated_at", "-id")
        rows = list(page[:25])
        context = {"request": request}
        body = {
            "next": "http://127.0.0.1/api/v1/tickets/?cursor=x",
            "previous": None,
            "results": TicketSerializer(rows, many=True, context=context).data,
        }
        client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {raw}")
        parts = {
            "token authentication": lambda: authenticate_api_token(raw),
            "the page: 26 tickets as models": lambda: list(page[:26]),
            "serializing 25 tickets": lambda: (
                TicketSerializer(rows, many=True, context=context).data
            ),
            "the ceiling's serializer, 25": lambda: (
                _TicketSerializer(CEILING_TICKETS, many=True).data
            ),
            "rendering JSON": lambda: JSONRenderer().render(body),
            "the whole request": lambda: client.get("/api/v1/tickets/"),
            "the ceiling's whole request": lambda: client.get("/bench/ceiling/"),
        }
        for name, work in parts.items():
            print(f"{name:32} {best_of(args.calls, work):6.2f} ms")
    finally:
        revoke_api_token(user=staff, token_id=token.pk)


if __name__ == "__main__":
    main(sys.argv[1:])
