"""gunicorn's settings for the helpdesk: `gunicorn -c deploy/gunicorn.conf.py helpdesk.wsgi`.

Every value can be changed from the environment (GUNICORN_*), so the systemd
unit, the container and the tests start the same file.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.getenv("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each answers one request at a time, so a slow client must not
# hold one; the proxy in front (deploy/nginx/) buffers bodies and responses.
worker_class = "sync"
workers = int(os.getenv("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
# A request that takes longer than this is killed (and logged): the slowest
# page at a million tickets takes well under a second (docs/BENCHMARKS.md).
timeout = int(os.getenv("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle a worker now and then, so that a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200

# The request line (method, path and query) may be as long as gunicorn allows
# (8,190 bytes), so that a long query string reaches Django and is answered in
# the app's own way (under /api/ a problem+json 400 naming the parameter; the
# pages cut a long search term) instead of gunicorn's HTML 414. Headers as long
# again; past that gunicorn answers with its own page (and nginx before it: 8k).
limit_request_line = 8190
limit_request_field_size = 8190
limit_request_fields = 100

# Believe X-Forwarded-* only from the proxy on this machine.
forwarded_allow_ips = os.getenv("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The app logs one JSON line per request itself (helpdesk.logs); gunicorn's
# access log would say it twice. Its own errors go to standard error.
accesslog = None
errorlog = "-"
loglevel = os.getenv("GUNICORN_LOG_LEVEL", "info")


def on_starting(server) -> None:
    # Counts of processes that are gone (a previous run) are cleared; those of
    # the machine's live task workers are kept (docs/OPERATIONS.md).
    if os.getenv("PROMETHEUS_MULTIPROC_DIR"):
        from helpdesk.metrics import clean_multiprocess_dir

        clean_multiprocess_dir()


def child_exit(server, worker) -> None:
    if os.getenv("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
