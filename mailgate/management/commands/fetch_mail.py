"""Poll the IMAP mailboxes of HELPDESK_EMAIL_IMAP: store and queue each new message.

Once by default (from cron or a systemd timer), or every --interval seconds.
A mailbox that cannot be reached is logged and the others are still polled;
the exit status is 1 if any failed.
"""

from __future__ import annotations

import imaplib
import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mailgate.imap import MailboxError, fetch, parse_url

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Fetch new mail from the IMAP mailboxes in HELPDESK_EMAIL_IMAP into the helpdesk."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=int, default=0, help="Poll again every this many seconds."
        )

    def handle(self, *args, **options):
        try:
            mailboxes = [parse_url(url) for url in settings.HELPDESK_EMAIL_IMAP]
        except MailboxError as exc:
            raise CommandError(f"HELPDESK_EMAIL_IMAP: {exc}") from None
        if not mailboxes:
            raise CommandError("HELPDESK_EMAIL_IMAP names no mailbox.")
        while True:
            failed = False
            for mailbox in mailboxes:
                try:
                    count = fetch(mailbox)
                except (imaplib.IMAP4.error, OSError) as exc:
                    failed = True
                    logger.error("Fetching mail from %s failed: %s", mailbox.name, exc)
                else:
                    self.stdout.write(f"{mailbox.name}: {count} message(s)")
            if options["interval"] <= 0:
                if failed:
                    raise CommandError("Some mailboxes could not be fetched.")
                return
            time.sleep(options["interval"])
