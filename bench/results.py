"""Reading a run's results: the lookups the targets and the tables share."""

from __future__ import annotations

from typing import Any


def ceiling_rps(size: dict[str, Any]) -> float:
    return (size["ceiling_before"]["load"]["rps"] + size["ceiling_after"]["load"]["rps"]) / 2


def ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def find(size: dict[str, Any], key: str, role: str) -> dict[str, Any] | None:
    return next(
        (e for e in size["endpoints"] if e["key"] == key and e["role"] == role),
        None,
    )


ROLE = {"reporter": "reporter", "staff": "staff", "-": "—"}

# The database ceilings (helpdesk/instrumentation.py), as the tables name them.
DB_CEILING_NAMES = {
    "ceiling_db_list": "page",
    "ceiling_db_status": "page, status",
    "ceiling_db_row": "row",
    "ceiling_insert": "insert",
}


def write_ceiling(size: dict[str, Any]) -> dict[str, Any] | None:
    """The insert ceiling of a size, the writes' yardstick (one, as the bench's writer)."""
    return next((e for e in size["endpoints"] if e["key"] == "ceiling_insert"), None)
