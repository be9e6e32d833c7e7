"""Signing up through the page, as the sign-up tests do it."""

from __future__ import annotations

from django.test import Client

PASSWORD = "a-long-unusual-passphrase"


def signup(client: Client, *, follow: bool = False, headers: dict | None = None, **overrides):
    """Post the sign-up form as Nina, with `overrides` of its fields."""
    data = {
        "username": "nina",
        "email": "Nina@Example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | overrides
    return client.post("/accounts/signup/", data, follow=follow, headers=headers)
