"""Time email in: N new-ticket messages stored and processed in-process (accept + route).

Run against a throw-away database that has been migrated, e.g.:

    DJANGO_SETTINGS_MODULE=helpdesk.settings_test DATABASE_URL=sqlite:////tmp/m.sqlite3 \\
        .venv/bin/python manage.py migrate -v0
    DJANGO_SETTINGS_MODULE=helpdesk.settings_test DATABASE_URL=sqlite:////tmp/m.sqlite3 \\
        .venv/bin/python scripts/measure_mailgate.py 500

The test settings run each task in-line, so the time covers storing the raw
message, parsing, routing and making the ticket (with its events and queued
notifications), one message after the other in one process.
"""

from __future__ import annotations

import os
import sys
import time
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings_test")
os.environ.setdefault("HELPDESK_EMAIL_TICKET_RATE", "100000/h")

import django

django.setup()

from mailgate.tasks import accept  # noqa: E402


def message(n: int, run: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"sender{n}@example.com"
    msg["To"] = "support@helpdesk.test"
    msg["Subject"] = f"Printer {n} on fire"
    msg["Message-ID"] = f"<{run}-{n}@example.com>"
    msg.set_content("It smells of toner.\n\nOn Monday Sam wrote:\n> restart it\n" * 5)
    return msg.as_bytes()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    run = str(time.time_ns())
    raws = [message(n, run) for n in range(count)]
    start = time.perf_counter()
    for raw in raws:
        accept(raw=raw, mailbox="measure")
    elapsed = time.perf_counter() - start
    print(f"{count} messages in {elapsed:.2f} s: {count / elapsed:.0f} messages/s")


if __name__ == "__main__":
    main()
