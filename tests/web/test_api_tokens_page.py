from __future__ import annotations

import re

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts import services
from accounts.models import ApiToken, hash_token

pytestmark = pytest.mark.django_db


def test_a_new_token_is_shown_once_after_a_redirect(as_reporter, reporter):
    response = as_reporter.post("/accounts/api-tokens/", {"name": "Backup script"})
    assertRedirects(response, "/accounts/api-tokens/", fetch_redirect_response=False)
    token = ApiToken.objects.get()
    assert (token.user, token.name) == (reporter, "Backup script")

    page = as_reporter.get("/accounts/api-tokens/")
    raw = re.search(r'id="new-token-value"[^>]*value="([^"]+)"', page.content.decode()).group(1)
    assert hash_token(raw) == token.key_hash
    assertContains(page, "it is shown only this once")
    assertContains(page, "data-copy-target")

    again = as_reporter.get("/accounts/api-tokens/")
    assertNotContains(again, raw)
    assertNotContains(again, "new-token-value")


def test_the_list_shows_name_creation_and_last_use(as_reporter, reporter):
    services.create_api_token(user=reporter, name="Laptop")
    used, _ = services.create_api_token(user=reporter, name="CI <b>runner</b>")
    ApiToken.objects.filter(pk=used.pk).update(
        last_used_at=timezone.make_aware(timezone.datetime(2026, 3, 4, 5, 6))
    )
    response = as_reporter.get("/accounts/api-tokens/")
    assertContains(response, "Laptop")
    assertContains(response, "CI &lt;b&gt;runner&lt;/b&gt;")
    assertContains(response, "Never used")
    assertContains(response, "Last used <time")
    assertContains(response, "4 Mar 2026, 05:06")
    assertContains(response, f"{used.prefix}…")


def test_only_my_tokens_are_listed(as_reporter, other_user, django_assert_num_queries):
    services.create_api_token(user=other_user, name="Charlie's token")
    # Expect 3 queries: the session, the user, the user's tokens.
    with django_assert_num_queries(3):
        response = as_reporter.get("/accounts/api-tokens/")
    assertNotContains(response, "Charlie")
    assertContains(response, "You have no tokens yet.")


def test_a_name_is_optional_and_bounded(as_reporter):
    as_reporter.post("/accounts/api-tokens/", {"name": ""})
    assert ApiToken.objects.get().name.startswith("Token ")
    response = as_reporter.post("/accounts/api-tokens/", {"name": "n" * 101})
    assertContains(response, '<ul class="errorlist" id="id_name_error">')
    assert ApiToken.objects.count() == 1


def test_revoking_a_token_removes_it(as_reporter, reporter):
    token, _ = services.create_api_token(user=reporter, name="Old laptop")
    response = as_reporter.post(f"/accounts/api-tokens/{token.pk}/revoke/")
    assertRedirects(response, "/accounts/api-tokens/", fetch_redirect_response=False)
    assert not ApiToken.objects.exists()
    assertContains(as_reporter.get(response.url), "Token “Old laptop” revoked.")


def test_someone_elses_token_is_not_found(as_other_user, reporter):
    token, _ = services.create_api_token(user=reporter, name="Alice's")
    assert as_other_user.post(f"/accounts/api-tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_a_huge_token_id_is_not_found(as_reporter):
    assert (
        as_reporter.post("/accounts/api-tokens/99999999999999999999999/revoke/").status_code == 404
    )


def test_revoking_rejects_get(as_reporter, reporter):
    token, _ = services.create_api_token(user=reporter, name="Laptop")
    assert as_reporter.get(f"/accounts/api-tokens/{token.pk}/revoke/").status_code == 405
    assert ApiToken.objects.exists()


def test_the_page_rejects_other_methods(as_reporter):
    assert as_reporter.put("/accounts/api-tokens/").status_code == 405


def test_anonymous_callers_are_sent_to_sign_in(client, reporter):
    token, _ = services.create_api_token(user=reporter, name="Laptop")
    assert client.post(f"/accounts/api-tokens/{token.pk}/revoke/").status_code == 302
    assert client.post("/accounts/api-tokens/", {"name": "x"}).status_code == 302
    assert ApiToken.objects.count() == 1


def test_a_head_request_does_not_use_up_the_one_showing(as_reporter):
    as_reporter.post("/accounts/api-tokens/", {"name": "Laptop"})
    assert as_reporter.head("/accounts/api-tokens/").status_code == 200
    assertContains(as_reporter.get("/accounts/api-tokens/"), "new-token-value")
