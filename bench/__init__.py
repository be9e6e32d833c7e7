"""The benchmark: load N tickets, serve the app with gunicorn, drive it with wrk.

    python -m bench                      # 1k, 100k and 1M tickets; writes docs/BENCHMARKS.md
    python -m bench --sizes 1k --quick   # a smoke run of a minute or two; writes nothing to docs/

For each size it uses a PostgreSQL database of its own (helpdesk_bench_<size>),
created, migrated and filled by `manage.py seed_load` when it does not hold
exactly that load already (bench/scenario.py cleans up after the bench's
writes, so a second run reuses the data). It serves the app with gunicorn and
production settings on loopback, plus HELPDESK_BENCH=True for the ceiling
endpoint and the X-Query-Count header, and measures every endpoint with wrk:
a warm-up, a run under load, and (for reads) a run with one client, whose
latency is the server's time per request with no queueing. Raw results go to
bench/results/<date>/; the tables to docs/BENCHMARKS.md between its markers.

One job per module, each importing only from those above it:

    base.py      where things are, the sizes, the log line
    machine.py   the machine and the checkout under test; wrk installed if missing
    database.py  the server's environment; loading the databases; manage.py, scenario.py
    server.py    gunicorn on loopback, single requests, the CPU it and PostgreSQL spend
    wrk.py       driving wrk (wrk.lua) and reading its results
    results.py   lookups in a run's results, shared by the targets and the tables
    targets.py   the issue's targets and their verdicts
    measure.py   each endpoint, each size, and the smallest size against the largest
    tables.py    a run as Markdown tables
    publish.py   where the tables go: bench/results/, docs/BENCHMARKS.md, docs/QUERY_PLANS.md
    cli.py       `python -m bench`: the options, and a run from start to finish
    scenario.py  the Django side, run in a process of its own: users, specs, cleanup
    parts.py     `python -m bench.parts`: the API list's CPU, part by part, in-process
"""
