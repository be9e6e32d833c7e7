"""A throwaway Dovecot IMAP server for the tests: own config, own folder, a free loopback port.

Started with `dovecot -F -c <conf>` as the current user (root too: the mail is
stored with our own uid), TLS with a self-signed certificate made here, one
account from a static passwd-file, Maildir in the temporary folder. Stopped
(and its children) when the test ends.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "support"
PASSWORD = "imap-test-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Dovecot:
    root: Path
    port: int  # IMAPS
    starttls_port: int  # IMAP with STARTTLS
    cafile: Path
    process: subprocess.Popen

    @property
    def maildir(self) -> Path:
        return self.root / "home" / USER / "Maildir"

    def deliver(self, raw: bytes, name: str) -> None:
        """Put a message into INBOX the way a local delivery agent does (Maildir new/)."""
        tmp = self.maildir / "tmp" / name
        tmp.write_bytes(raw)
        os.chown(tmp, self.maildir.stat().st_uid, self.maildir.stat().st_gid)
        tmp.rename(self.maildir / "new" / name)

    def folder_count(self, folder: str) -> int:
        base = self.maildir if folder == "INBOX" else self.maildir / f".{folder}"
        return sum(len(os.listdir(base / sub)) for sub in ("new", "cur") if (base / sub).exists())


def available() -> bool:
    return Path(DOVECOT).exists() and shutil.which("openssl") is not None


@contextlib.contextmanager
def running():
    # In /tmp itself: Dovecot's login processes, as another user, must reach
    # its sockets, which a private folder such as pytest's tmp_path forbids.
    with (
        tempfile.TemporaryDirectory(prefix="helpdesk-dovecot-") as folder,
        _running(Path(folder)) as server,
    ):
        yield server


@contextlib.contextmanager
def _running(root: Path):
    # Dovecot's login and internal processes refuse to run as root: as root,
    # they run as Debian's dovenull and dovecot users (nobody if missing).
    me = pwd.getpwuid(os.getuid()).pw_name
    login_user = _existing("dovenull", "nobody") if os.getuid() == 0 else me
    internal_user = _existing("dovecot", "nobody") if os.getuid() == 0 else me
    # Nor does it store mail as root: as root, the mail belongs to nobody.
    mail_uid, mail_gid = os.getuid(), os.getgid()
    if os.getuid() == 0:
        nobody = pwd.getpwnam(_existing("nobody"))
        mail_uid, mail_gid = nobody.pw_uid, nobody.pw_gid
    # The login processes reach the sockets in run/ through this folder.
    root.chmod(0o755)
    for sub in ("run", "state", "home"):
        (root / sub).mkdir(parents=True)
    maildir = root / "home" / USER / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (maildir / sub).mkdir(parents=True)
    for path in (root / "home", root / "home" / USER, maildir, *maildir.iterdir()):
        os.chown(path, mail_uid, mail_gid)
    subprocess.run(  # noqa: S603 - fixed arguments, no outside input
        [  # noqa: S607 - openssl from PATH, as CI installs it
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port, starttls_port = free_port(), free_port()
    conf = root / "dovecot.conf"
    conf.write_text(
        f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = yes
auth_mechanisms = plain
default_internal_user = {internal_user}
default_login_user = {login_user}
first_valid_uid = 0
first_valid_gid = 0
mail_location = maildir:{root}/home/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {starttls_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""
    )
    process = subprocess.Popen(  # noqa: S603 - fixed arguments, no outside input
        [DOVECOT, "-F", "-c", str(conf)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                output = process.stdout.read().decode(errors="replace")
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                raise RuntimeError(f"dovecot did not start: {output}\n{log}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("dovecot did not listen in time")
            time.sleep(0.1)
        yield Dovecot(root, port, starttls_port, root / "cert.pem", process)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if process.stdout:
            process.stdout.close()


def _existing(*names: str) -> str:
    for name in names:
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name).pw_name
    raise RuntimeError(f"none of these users exists: {names}")
