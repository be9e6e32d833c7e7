"""The settings fail loudly on bad configuration and pass the deploy checklist."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SECRET_KEY": "x7Gq2-production-like-secret-key-with-plenty-of-entropy-9fK3",
    "DJANGO_ALLOWED_HOSTS": "helpdesk.example.com",
    "SITE_URL": "https://helpdesk.example.com",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "helpdesk.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_settings_pass_the_deploy_checklist_without_warnings():
    result = manage("check", "--deploy", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_the_deploy_checklist_warns_that_limits_are_per_process_without_redis():
    without_redis = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    result = manage("check", "--deploy", **without_redis)
    assert "helpdesk.W002" in result.stdout + result.stderr
    assert "REDIS_URL" in result.stdout + result.stderr


def test_the_deploy_checklist_warns_that_a_token_cache_per_process_keeps_revoked_tokens():
    without_redis = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    result = manage("check", "--deploy", API_TOKEN_CACHE_SECONDS="300", **without_redis)
    assert "helpdesk.W003" in result.stdout + result.stderr


def test_the_token_cache_is_on_with_redis_and_off_without():
    script = "from django.conf import settings; print(settings.API_TOKEN_CACHE_SECONDS)"
    without_redis = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    assert manage("shell", "-c", script, **PRODUCTION).stdout.split()[-1] == "300"
    assert manage("shell", "-c", script, **without_redis).stdout.split()[-1] == "0"


def test_a_negative_token_cache_time_is_refused():
    result = manage("check", API_TOKEN_CACHE_SECONDS="-1", **PRODUCTION)
    assert result.returncode != 0
    assert "API_TOKEN_CACHE_SECONDS" in result.stderr


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_development_runs_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="True")
    assert result.returncode == 0, result.stderr


def test_a_malformed_boolean_is_refused():
    result = manage("check", DJANGO_DEBUG="yes", **PRODUCTION)
    assert result.returncode != 0
    assert "Unexpected value DJANGO_DEBUG=yes" in result.stderr


def test_a_malformed_number_is_refused():
    result = manage("check", DATABASE_CONN_MAX_AGE="soon", **PRODUCTION)
    assert result.returncode != 0
    assert "DATABASE_CONN_MAX_AGE=soon" in result.stderr


def test_the_deploy_checklist_asks_for_the_public_site_url():
    result = manage("check", "--deploy", **{**PRODUCTION, "SITE_URL": ""})
    assert "helpdesk.W001" in result.stdout + result.stderr


def test_redis_url_gives_a_cache_shared_through_redis():
    # Every app process counts limits and lockouts in it; it must work, not 500.
    script = (
        "from django.core.cache import cache; "
        "cache.set('helpdesk-settings-test', 'shared', 5); "
        "print(cache.get('helpdesk-settings-test'))"
    )
    result = manage("shell", "-c", script, **PRODUCTION | {"REDIS_URL": "redis://127.0.0.1:6379/9"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "shared"


def test_the_file_email_backend_takes_its_folder_from_email_file_path(tmp_path):
    backend = "django.core.mail.backends.filebased.EmailBackend"
    script = (
        "from django.core.mail import send_mail; "
        "send_mail('Subject', 'Body', None, ['someone@example.com'])"
    )
    result = manage(
        "shell", "-c", script, EMAIL_BACKEND=backend, EMAIL_FILE_PATH=str(tmp_path), **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    assert len(list(tmp_path.iterdir())) == 1


def test_the_file_email_backend_without_a_folder_is_refused():
    backend = "django.core.mail.backends.filebased.EmailBackend"
    result = manage("check", EMAIL_BACKEND=backend, **PRODUCTION)
    assert result.returncode != 0
    assert "EMAIL_FILE_PATH" in result.stderr
