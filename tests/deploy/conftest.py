"""Shared by the tests that run real processes on one PostgreSQL and one Redis.

They need the PostgreSQL of the suite's DATABASE_URL (each makes a database
of its own there, dropped at the end) and Redis on 127.0.0.1:6379, where they
use database 7 and flush it; on SQLite they are skipped, with the reason.
"""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

REDIS_DB = 7
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="several servers on one database: run with DATABASE_URL=postgres://...",
)


def _admin_connect(url: str):
    import psycopg2

    parts = urlsplit(url)
    conn = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username,
        password=parts.password, dbname="postgres",
    )  # fmt: skip
    conn.autocommit = True
    return conn


@pytest.fixture(scope="module")
def shared_database():
    """A database of our own on the suite's PostgreSQL server: its URL."""
    base = os.environ["DATABASE_URL"]
    name = f"ops_deploy_{uuid.uuid4().hex[:10]}"
    admin = _admin_connect(base)
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(base)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def redis_db():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()
