from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_admin_sign_in_page_loads(page, screenshot):
    page.goto("/admin/login/")
    assert page.locator("input[name=username]").is_visible()
    screenshot(page, "admin-login")
