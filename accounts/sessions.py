"""The session engine: Django's database sessions, read from the shared cache when it is on.

A signed-in page read its session from the database every time, a query on
every page. With the shared cache on (API_TOKEN_CACHE_SECONDS, by default
with REDIS_URL) a session read from the database is kept there under the
generation of accounts.token_cache, as API tokens and signed-in users are,
and read from there. Every write of a session (a sign-in, a sign-out, a new
password) sets a new generation, now and again when it commits, so nothing
read before it is used after it: not even by a page that was reading the
session from the database at the moment its owner signed out. That is why
this is not Django's cached_db engine, which would put such a page's copy
back into the cache for the session's whole two weeks. Sessions are written
far less often than read (only sign-in and sign-out write ours), so a new
generation each time costs little.

An entry lives API_TOKEN_CACHE_SECONDS at most, and never past the session's
expiry: the bound on a session row deleted by hand in the database. Without a
shared cache (a per-process one could not tell the other processes of a
sign-out) it is Django's database engine as it is.

Sessions signed in before accounts.backends.ModelBackend named Django's own
ModelBackend: they are read as naming ours, so that no one is signed out by
an upgrade.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import db

from accounts import token_cache

_DJANGOS_BACKEND = "django.contrib.auth.backends.ModelBackend"
_OURS = "accounts.backends.ModelBackend"


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        if not (token_cache.enabled() and self.session_key):
            return _upgraded(super().load())
        data, generation = token_cache.lookup_session(self.session_key)
        if data is not None:
            return _upgraded(data)
        found = self._get_session_from_db()
        if found is None:
            return {}
        data = self.decode(found.session_data)
        seconds = min(
            settings.API_TOKEN_CACHE_SECONDS, self.get_expiry_age(expiry=found.expire_date)
        )
        if seconds > 0:
            token_cache.keep_session(self.session_key, data, generation, seconds)
        return _upgraded(data)

    def save(self, must_create: bool = False) -> None:
        super().save(must_create)
        token_cache.forget_all()

    def delete(self, session_key: str | None = None) -> None:
        super().delete(session_key)
        token_cache.forget_all()


def _upgraded(data: dict[str, Any]) -> dict[str, Any]:
    if data.get(BACKEND_SESSION_KEY) == _DJANGOS_BACKEND:
        data[BACKEND_SESSION_KEY] = _OURS
    return data
