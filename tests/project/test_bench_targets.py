"""The bench's verdicts on issue 18's targets for the console (bench/targets.py)."""

from __future__ import annotations

from bench.targets import targets


def endpoint(key: str, label: str, app_cpu_ms: float, db_cpu_ms: float) -> dict:
    return {
        "key": key,
        "label": label,
        "role": "staff",
        "app_cpu_ms": app_cpu_ms,
        "db_cpu_ms": db_cpu_ms,
        "queries": 12,
    }


def verdicts(size: str, *endpoints: dict) -> list[str]:
    return targets({"sizes": [{"size": size, "endpoints": list(endpoints)}]})


def test_the_dashboard_at_1m_is_judged_against_50_ms_of_app_and_database_cpu():
    rows = verdicts(
        "1m",
        endpoint("admin_list", "Admin changelist", 12.0, 2.0),
        endpoint("dashboard", "Console dashboard", 30.0, 19.5),
    )
    assert (
        "| Console dashboard at 1M ≤ 50 ms CPU per request "
        "| 49.5 ms (30.0 app + 19.5 db) | **met** |" in rows
    )
    assert any(r.startswith("| Console changelist at 1M ≤ 15 ms") for r in rows)
    # Not an API request: the API's query limit does not apply to it.
    assert not any("SQL queries per API request" in r for r in rows)


def test_a_slow_dashboard_misses():
    rows = verdicts("1m", endpoint("dashboard", "Console dashboard", 40.0, 10.5))
    assert (
        "| Console dashboard at 1M ≤ 50 ms CPU per request "
        "| 50.5 ms (40.0 app + 10.5 db) | **missed** |" in rows
    )


def test_the_dashboard_is_judged_at_1m_only():
    rows = verdicts("1k", endpoint("dashboard", "Console dashboard", 90.0, 10.0))
    assert not any("Console dashboard" in r for r in rows)
