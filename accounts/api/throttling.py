"""Rate limits of the token endpoint, on top of the per-user and anonymous ones.

At most N attempts a minute (the "token" rate) from one client address, and
as many for one username from anywhere, so that guessing passwords is slow
even before django-axes locks the account. Client addresses come from
REMOTE_ADDR unless REST_FRAMEWORK["NUM_PROXIES"] says how many proxies to trust
in X-Forwarded-For: never from a header any client can set.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from rest_framework.throttling import SimpleRateThrottle

from accounts.lockout import canonical_username

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


# The "token" rate's default (settings.REST_FRAMEWORK), as the API's docs state it.
RATE_IN_WORDS = "10 attempts a minute (by default)"


class TokenAddressThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if request.method != "POST":
            return None
        return self.cache_format % {"scope": "token-address", "ident": self.get_ident(request)}


class TokenUsernameThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if request.method != "POST" or not isinstance(request.data, dict):
            return None
        username = request.data.get("username")
        if not isinstance(username, str) or not username.strip():
            return None
        # Sign-in ignores case, and so must the count. Hashing keeps the cache
        # key short and free of characters a cache backend might refuse.
        ident = hashlib.sha256(canonical_username(username).encode()).hexdigest()
        return self.cache_format % {"scope": "token-username", "ident": ident}
