"""The shipped translations are complete, and stay so as the code changes.

`makemessages` run on the tree (in a copy, so the checkout is left alone) must
find no string that the committed catalogs lack, and every entry of German,
French and Spanish must be translated, not fuzzy, with the same placeholders.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("de", "fr", "es")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]|%[sdf]|\{(\w*)\}")


def _catalog(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def _problems(catalog, language: str) -> list[str]:
    problems = []
    for message in catalog:
        if not message.id:
            continue  # the header
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"{language}: fuzzy: {msgid!r}")
        if not all(strings):
            problems.append(f"{language}: untranslated: {msgid!r}")
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = {m.group(0) for i in ids for m in PLACEHOLDER.finditer(i)}
        for string in strings:
            found = {m.group(0) for m in PLACEHOLDER.finditer(string)}
            # A plural's singular may leave out the count ("one ticket").
            if found - wanted or (len(ids) == 1 and found != wanted):
                problems.append(f"{language}: placeholders differ: {msgid!r} -> {string!r}")
    return problems


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_is_translated(language):
    path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing"
    assert _problems(_catalog(path), language) == []


def _gettext_tools() -> None:
    if shutil.which("xgettext") and shutil.which("msgmerge"):
        return
    if os.environ.get("CI"):
        pytest.fail("gettext is not installed: .ci/run installs it (apt-get install gettext)")
    pytest.skip("needs GNU gettext (apt-get install gettext); CI runs it")


def test_makemessages_finds_nothing_the_catalogs_lack(tmp_path):
    _gettext_tools()
    copy = tmp_path / "tree"
    files = subprocess.run(  # noqa: S603 - fixed arguments, no outside input
        [shutil.which("git") or "git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in files:
        source = ROOT / name
        if source.is_file():
            target = copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    subprocess.run(  # noqa: S603 - fixed arguments, no outside input
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--no-obsolete",
            "--no-location",
            "--ignore=tests/*",
            "--ignore=bench/*",
            # Copies of Django admin's templates: Django's words, Django's catalogs (Makefile).
            "--ignore=templates/admin/tickets/ticket/queue_results.html",
            "--ignore=templates/admin/tickets/ticket/filter.html",
            *[f"--locale={language}" for language in SHIPPED],
        ],
        cwd=copy,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "helpdesk.settings_test"},
        capture_output=True,
        check=True,
    )
    problems = []
    for language in SHIPPED:
        fresh = _catalog(copy / "locale" / language / "LC_MESSAGES" / "django.po")
        committed = _catalog(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
        new = sorted(
            str(m.id) for m in fresh if m.id and committed.get(m.id, context=m.context) is None
        )
        problems += [f"{language}: not in the committed catalog: {msgid}" for msgid in new]
        problems += _problems(fresh, language)
    assert problems == [], "run: make messages, then translate\n" + "\n".join(problems)
