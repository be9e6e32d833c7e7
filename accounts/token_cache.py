"""API tokens and signed-in users kept in the shared cache, forgotten the moment anything changes.

Checking a token costs a query (the token with its user) on every API request,
a fifth of a list's time (docs/BENCHMARKS.md). With API_TOKEN_CACHE_SECONDS set
(the default when REDIS_URL is: a cache every app process shares), the token
found for a key hash is kept in the cache, tagged with a *generation*: a random
value under one key of its own. Anything that could change the answer, by any
path through the ORM, sets a new generation at once and again when its
transaction commits, and every kept token is stale from then on:

- a user saved or deleted (deactivated, made staff or not, a new password hash,
  a new username or language, a sign-in's `last_login`);
- a token saved or deleted (revoked one by one or all at once, by a password
  change, in the console, or with its user);
- a change to a user's groups or permissions;
- a session written (a sign-in, a sign-out, a new password).

Each change sets the generation before it is written, and refuses to be made
if the cache will not take it (GenerationNotSet, answered 503 by
helpdesk.middleware.SignInNeedsSharedCache): a sign-out that seemed done
while the servers still served the session would be worse than one that
says "try again". A look-up reads its entry and the generation in one round trip; it keeps what
it found in the database under the generation it read *before* the query, so
an answer read while a change was being committed is never kept as current.
Only tokens found are kept (random keys sent by anyone fill nothing), each for
API_TOKEN_CACHE_SECONDS at most: the bound on what a raw SQL UPDATE of users or
tokens, which sends no signal and which nothing here makes, could leave stale.

Signed-in pages use it the same way for the user their session names
(accounts.backends.ModelBackend, under USER_PREFIX): each page read the
session and then the user from the database, half of a reporter's list's
queries; and for the session itself (accounts.sessions), whose every write
sets a new generation too.

Off (0) without a shared cache: a per-process cache could not tell the other
processes that a token was revoked (helpdesk.W003 says so if it is set anyway).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction

if TYPE_CHECKING:
    from accounts.models import ApiToken, User

GENERATION = "api-token:generation"
PREFIX = "api-token:"
USER_PREFIX = "signed-in-user:"
SESSION_PREFIX = "session:"

logger = logging.getLogger(__name__)


def enabled() -> bool:
    return settings.API_TOKEN_CACHE_SECONDS > 0


def lookup(key_hash: str) -> tuple[ApiToken | None, str | None]:
    """The kept token for this key hash if it is current; and the generation to keep one under."""
    return lookup_key(PREFIX + key_hash)


def keep(key_hash: str, token: ApiToken, generation: str | None) -> None:
    """Keep the token found under the generation read before looking it up."""
    keep_key(PREFIX + key_hash, token, generation)


def lookup_user(user_id: Any) -> tuple[User | None, str | None]:
    """The kept user with this id if it is current; and the generation to keep one under."""
    return lookup_key(f"{USER_PREFIX}{user_id}")


def keep_user(user: User, generation: str | None) -> None:
    """Keep the user found under the generation read before looking it up."""
    keep_key(f"{USER_PREFIX}{user.pk}", user, generation)


def lookup_session(session_key: str) -> tuple[dict[str, Any] | None, str | None]:
    """The kept data of this session if it is current; and the generation to keep it under."""
    return lookup_key(_session_cache_key(session_key))


def keep_session(
    session_key: str, data: dict[str, Any], generation: str | None, seconds: int
) -> None:
    """Keep a session's data, read under this generation, for at most this many seconds."""
    keep_key(_session_cache_key(session_key), data, generation, seconds)


def _session_cache_key(session_key: str) -> str:
    # Hashed: whoever can read the cache must not find keys to sign in with
    # there; and a cookie of any length makes a key of one length.
    return SESSION_PREFIX + hashlib.sha256(session_key.encode()).hexdigest()


def scoped(key: str) -> str:
    """The cache's key for this database's key: two databases may share one cache.

    Users are kept by id, and the generation is one key: two helpdesks (or the
    bench's databases) on one Redis would otherwise read each other's.
    """
    db = connections[DEFAULT_DB_ALIAS].settings_dict
    where = (db["NAME"], db.get("HOST"), db.get("PORT"))
    scope = _SCOPES.get(where)
    if scope is None:
        scope = _SCOPES[where] = hashlib.sha256(repr(where).encode()).hexdigest()[:12]
    return f"{scope}:{key}"


_SCOPES: dict[tuple, str] = {}


def generation() -> str | None:
    """The current generation, if there is one."""
    return cache.get(scoped(GENERATION))


def lookup_key(key: str) -> tuple[Any, str | None]:
    """What is kept under this key if it is current; and the generation to keep it under."""
    key, generation_key = scoped(key), scoped(GENERATION)
    found = cache.get_many([key, generation_key])
    current = found.get(generation_key)
    entry = found.get(key)
    if current is not None and entry is not None and entry[0] == current:
        return entry[1], current
    if current is None:
        # None yet (or evicted): start one. add() is atomic, so of two processes
        # starting one at once, both go on with the one that won.
        cache.add(generation_key, secrets.token_hex(8), timeout=None)
        current = cache.get(generation_key)
    return None, current


def keep_key(key: str, found: Any, generation: str | None, seconds: int | None = None) -> None:
    """Keep what was read from the database under the generation read before reading it."""
    if generation is not None:
        if seconds is None:
            seconds = settings.API_TOKEN_CACHE_SECONDS
        cache.set(scoped(key), (generation, found), seconds)


class GenerationNotSet(Exception):
    """The shared cache took no new generation: what is kept there may be stale."""


def forget_all(*, strict: bool = True) -> None:
    """Make every kept token stale: now, and again once the change being made is committed.

    Now, so that nothing kept before the change is used again; after the commit,
    so that nothing read from the database between now and then (still the old
    rows) is kept as current either.

    Strict (the default) raises GenerationNotSet if the cache refuses the new
    generation (Redis paused, read-only after a fail-over, out of memory): a
    sign-out or a deactivation that fails is better than one that seems done
    while every server still serves the old session or user for minutes.
    Callers make the change after this first call, so a refusal leaves the
    database as it was; not strict is for a call after a change that a
    refusal could no longer undo, which is logged instead. The call after the
    commit is never strict, for the same reason.

    A process with Redis but the cache off (API_TOKEN_CACHE_SECONDS=0: a
    command run with other settings than the servers', or every process in an
    emergency while Redis refuses writes) still tells the others, without
    refusing anything.
    """
    if not enabled():
        from django.core.cache.backends.redis import RedisCache

        if not isinstance(caches[DEFAULT_CACHE_ALIAS], RedisCache):
            return
        strict = False
    _new_generation(strict=strict)
    transaction.on_commit(_new_generation_after_commit)


def _new_generation(*, strict: bool) -> None:
    value = secrets.token_hex(8)
    # helpdesk.cache.ResilientRedisCache drops a write Redis refuses; this one must not be.
    set_strictly = getattr(cache, "set_strictly", cache.set)
    try:
        set_strictly(scoped(GENERATION), value, timeout=None)
    except Exception as exc:
        if strict:
            raise GenerationNotSet(str(exc)) from exc
        logger.error("The shared cache refused a new generation (%s): %s", type(exc).__name__, exc)


def _new_generation_after_commit() -> None:
    _new_generation(strict=False)
