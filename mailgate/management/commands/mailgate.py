"""Read one raw email on standard input and queue it: a mail server's `pipe` delivery.

Exit codes as sendmail's sysexits.h, which Postfix and Exim understand:
0 stored (or seen before), 67 (EX_NOUSER) refused, so the mail server bounces
it, 75 (EX_TEMPFAIL) could not store it now (the database is down, say), so
the mail server keeps it and tries again later.
"""

from __future__ import annotations

import logging
import sys

from django.core.management.base import BaseCommand

from mailgate.models import InboundMail
from mailgate.services import max_bytes
from mailgate.tasks import accept

logger = logging.getLogger(__name__)

EX_OK = 0
EX_NOUSER = 67
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Store one email read on standard input and queue it for the helpdesk (MTA pipe)."
    # The system checks read the database: with it down they would fail with
    # exit 1 (a bounce) before handle() could say 75 (try again later).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--mailbox", default="pipe", help="Name the message came in by (default: pipe)."
        )

    def handle(self, *args, **options):
        # One byte over the limit is enough to know it is too large.
        raw = sys.stdin.buffer.read(max_bytes() + 1)
        try:
            mail, created = accept(raw=raw, mailbox=options["mailbox"])
        except Exception:
            logger.exception("Could not store an inbound message; the mail server will retry")
            sys.exit(EX_TEMPFAIL)
        if mail.outcome == InboundMail.Outcome.REFUSED and created:
            self.stderr.write(mail.error)
            sys.exit(EX_NOUSER)
        sys.exit(EX_OK)
