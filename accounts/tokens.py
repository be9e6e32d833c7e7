"""The link that proves a new account's email address (accounts.views.verify_email)."""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class SignupTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token, over what changes once the address is proven.

    Signed with the secret key and dated (it expires with
    PASSWORD_RESET_TIMEOUT, three days); it stops working as soon as the account
    is active and has signed in, which following it does: so it works once.
    """

    key_salt = "accounts.tokens.SignupTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        last_login = "" if user.last_login is None else user.last_login.replace(microsecond=0)
        return f"{user.pk}{user.password}{user.email}{user.is_active}{last_login}{timestamp}"


signup_tokens = SignupTokenGenerator()


def awaits_verification(user) -> bool:
    """An account made by sign-up whose address is not proven yet."""
    return not user.is_active and user.last_login is None
