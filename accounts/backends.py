"""Django's ModelBackend, reading the signed-in user from the shared cache when it is current.

Each signed-in page asks the backend for the user its session names: a query
on every page, a tenth of a reporter's list. With the shared cache on
(accounts.token_cache) the user found is kept under the cache's generation,
which any change to any user, their groups or their permissions makes stale
at once (a staff member's permissions are kept with them, worked out as
Django's backend does on first use); Django's own checks stay as they are
(an inactive user is refused here, the session's password hash is compared
by django.contrib.auth).
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth import backends
from django.contrib.auth.base_user import AbstractBaseUser

from accounts import token_cache


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id: Any) -> AbstractBaseUser | None:
        if not token_cache.enabled():
            return super().get_user(user_id)
        user, generation = token_cache.lookup_user(user_id)
        if user is None:
            user = super().get_user(user_id)
            if user is None:
                return None
            if user.is_staff and user.is_active:
                # Kept with the user: every console page asks for them (two
                # queries), and a change of groups or permissions, like any
                # change of a user, makes the entry stale.
                self.get_all_permissions(user)
            token_cache.keep_user(user, generation)
        return user if self.user_can_authenticate(user) else None

    async def aget_user(self, user_id: Any) -> AbstractBaseUser | None:
        # Django's own reads the database directly, past the cache: through ours instead.
        return await sync_to_async(self.get_user)(user_id)
