"""The session engine: Django's database sessions, read from the shared cache when it is on.

A signed-in page read its session from the database every time, a query on
every page. With the shared cache on (API_TOKEN_CACHE_SECONDS, by default
with REDIS_URL) a session read from the database is kept there under the
generation of accounts.token_cache, as API tokens and signed-in users are,
under a hash of its key (the cache never holds a key to sign in with), and
read from there. Every change of a stored session (a sign-out, a new
password, new data) sets a new generation before it is written, and again
when it commits, so nothing read before it is used after it: not even by a
page that was reading the session from the database at the moment its owner
signed out. That is why this is not Django's cached_db engine, which would
put such a page's copy back into the cache for the session's whole two
weeks. Sessions are written far less often than read (only sign-in and
sign-out write ours), so a new generation each time costs little; a new
session sets none, as nothing can be kept for its key yet. A cache that
refuses the new generation refuses the change with it
(token_cache.GenerationNotSet): a sign-out is answered "try again", never
pretended while the servers still serve the session.

An entry lives API_TOKEN_CACHE_SECONDS at most, and never past the session's
expiry: the bound on a session row deleted by hand in the database. Without a
shared cache (a per-process one could not tell the other processes of a
sign-out) it is Django's database engine as it is.

Sessions signed in before accounts.backends.ModelBackend named Django's own
ModelBackend: they are read as naming ours, so that no one is signed out by
an upgrade.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends import db
from django.db import router, transaction

from accounts import token_cache

_DJANGOS_BACKEND = "django.contrib.auth.backends.ModelBackend"
_OURS = "accounts.backends.ModelBackend"


class SessionStore(db.SessionStore):
    # Whether the session as loaded was signed in: None until it is loaded.
    _signed_in: bool | None = None
    # A key made in this request: no one else knows it, nothing is kept for it.
    _made_here = False

    def load(self) -> dict[str, Any]:
        data = self._load()
        self._signed_in = SESSION_KEY in data
        return data

    def _load(self) -> dict[str, Any]:
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
        # Only signed-in sessions are kept: an anonymous one (a language, a
        # password reset under way) is read rarely, and changing it then
        # need not make every kept entry stale.
        if seconds > 0 and SESSION_KEY in data:
            token_cache.keep_session(self.session_key, data, generation, seconds)
        return _upgraded(data)

    def save(self, must_create: bool = False) -> None:
        if must_create or self.session_key is None or self._made_here:
            super().save(must_create)
            self._made_here = self.session_key is not None
            return
        if self._signed_in is False and SESSION_KEY not in self._get_session():
            super().save(must_create)
            return
        with self._everywhere():
            super().save(must_create)

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None and self.session_key is None:
            return
        if self._signed_in is False:
            # Nothing kept for a session that was not signed in (see load).
            super().delete(session_key)
            return
        with self._everywhere():
            super().delete(session_key)

    @contextmanager
    def _everywhere(self) -> Iterator[None]:
        """A change of a kept session, in a transaction with a new generation before and after."""
        with transaction.atomic(using=router.db_for_write(self.model)):
            token_cache.forget_all()
            yield
            token_cache.forget_all()

    # Django's own async methods read and write the database directly, past
    # the cache and its generation: through the ones above instead.
    async def aload(self) -> dict[str, Any]:
        return await sync_to_async(self.load)()

    async def asave(self, must_create: bool = False) -> None:
        await sync_to_async(self.save)(must_create)

    async def adelete(self, session_key: str | None = None) -> None:
        await sync_to_async(self.delete)(session_key)


def _upgraded(data: dict[str, Any]) -> dict[str, Any]:
    if data.get(BACKEND_SESSION_KEY) == _DJANGOS_BACKEND:
        data[BACKEND_SESSION_KEY] = _OURS
    return data
