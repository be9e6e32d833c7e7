"""An email backend that takes its time, so a test can kill a worker mid-send.

Each send first leaves a `started-*` file, then waits SLOW_MAIL_SECONDS, then
writes the message as `sent-*.eml` into SLOW_MAIL_DIR.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = Path(os.environ["SLOW_MAIL_DIR"])
        (folder / f"started-{os.getpid()}-{uuid.uuid4().hex}").touch()
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "1")))
        for message in email_messages:
            (folder / f"sent-{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)
