"""/metrics for Prometheus: who may read it, and what it counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from helpdesk import metrics
from tickets.timeline import micros

pytestmark = pytest.mark.django_db

TOKEN = "m3trics-token-for-tests-0123456789"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []
    return TOKEN


@pytest.fixture
def prometheus(token):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="10.0.0.9:8000")


def scrape(client) -> dict[str, float]:
    response = client.get("/metrics")
    assert response.status_code == 200, response.content
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            key = sample.name + "".join(f"|{k}={v}" for k, v in sorted(sample.labels.items()))
            samples[key] = sample.value
    return samples


def staff_replies(agent, ticket) -> None:
    """Sam answers on the ticket page: the reporter is emailed."""
    staff = Client()
    staff.force_login(agent)
    staff.post(
        f"/tickets/{ticket.pk}/reply/",
        {"body": "Fixed?", "version": ticket.version, "seen": micros(ticket.updated_at)},
    )


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_it_does_not_exist_when_nothing_protects_it(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []
    assert client.get("/metrics").status_code == 404


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token-0123456789-abcdef", f"Token {TOKEN}", f"Bearer {TOKEN}x", "Bearer"],
)
def test_it_is_not_found_without_the_right_token(client, token, authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client.get("/metrics", **headers)
    assert response.status_code == 404
    assert b"helpdesk_" not in response.content


def test_the_token_lets_prometheus_scrape_by_address(prometheus):
    response = prometheus.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response["Cache-Control"] == "no-store"


def test_the_allowlist_admits_only_its_addresses(client, settings):
    import ipaddress

    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("10.1.0.0/16")]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.2.2.3").status_code == 404
    # A forwarded header is no way in.
    forged = client.get("/metrics", REMOTE_ADDR="10.2.2.3", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert forged.status_code == 404


def test_with_both_set_both_must_pass(client, settings):
    import ipaddress

    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("10.1.0.0/16")]
    bearer = f"Bearer {TOKEN}"
    assert (
        client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION=bearer).status_code == 200
    )
    assert (
        client.get("/metrics", REMOTE_ADDR="10.9.2.3", HTTP_AUTHORIZATION=bearer).status_code == 404
    )
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 404


def test_it_takes_only_get(prometheus):
    assert prometheus.post("/metrics").status_code == 405


def test_requests_are_counted_by_route_name_and_status(as_reporter, ticket, prometheus):
    labels = {"view": "tickets:detail", "method": "GET", "status": "200"}
    before = value("helpdesk_http_requests_total", **labels)
    as_reporter.get(f"/tickets/{ticket.pk}/")
    as_reporter.get(f"/tickets/{ticket.pk}/?page=2")
    assert value("helpdesk_http_requests_total", **labels) == before + 2
    assert value("helpdesk_http_request_duration_seconds_count", **labels) >= 2
    assert value("helpdesk_db_queries_total", view="tickets:detail") > 0
    # Raw paths never become labels.
    assert f"/tickets/{ticket.pk}/" not in prometheus.get("/metrics").content.decode()


def test_unknown_paths_and_methods_share_one_label(client):
    before = value("helpdesk_http_requests_total", view="<unmatched>", method="other", status="404")
    client.generic("BREW", "/coffee-1/")
    client.generic("POUR", "/coffee-2/")
    after = value("helpdesk_http_requests_total", view="<unmatched>", method="other", status="404")
    assert after == before + 2


def test_tickets_created_count_once_committed(as_reporter, django_capture_on_commit_callbacks):
    before = value("helpdesk_tickets_created_total")
    with django_capture_on_commit_callbacks(execute=True):
        as_reporter.post(
            "/tickets/new/", {"subject": "Screen", "description": "Flickers.", "priority": "normal"}
        )
    assert value("helpdesk_tickets_created_total") == before + 1


def test_emails_sent_and_task_runs_are_counted(agent, ticket, django_capture_on_commit_callbacks):
    sent = value("helpdesk_emails_total", outcome="sent")
    runs = value(
        "helpdesk_task_runs_total", task="notifications.tasks.deliver_email", status="SUCCESSFUL"
    )
    with django_capture_on_commit_callbacks(execute=True):
        staff_replies(agent, ticket)
    assert value("helpdesk_emails_total", outcome="sent") == sent + 1
    assert (
        value(
            "helpdesk_task_runs_total",
            task="notifications.tasks.deliver_email",
            status="SUCCESSFUL",
        )
        == runs + 1
    )


def test_failed_sends_are_counted(agent, ticket, django_capture_on_commit_callbacks, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    settings.MAILERS = {"default": {"BACKEND": "tests.operations.broken_mail.EmailBackend"}}
    failed = value("helpdesk_emails_total", outcome="failed")
    with django_capture_on_commit_callbacks(execute=True):
        staff_replies(agent, ticket)
    assert value("helpdesk_emails_total", outcome="failed") == failed + 1


def test_the_queue_depth_and_age_are_read_from_the_database(prometheus):
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="notifications.tasks.deliver_email",
        backend_name="default",
        run_after=timezone.now() - timedelta(seconds=1),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=3)
    )
    samples = scrape(prometheus)
    assert samples["helpdesk_task_queue_ready"] == 1
    assert 170 < samples["helpdesk_task_queue_oldest_age_seconds"] < 300
    assert samples["helpdesk_email_deliveries_unsent|status=failed"] == 0


def test_the_multiprocess_mode_sums_every_process(tmp_path, monkeypatch, prometheus):
    import subprocess
    import sys

    # Two other processes count into the shared folder; the scrape sums them.
    script = "from prometheus_client import Counter;Counter('helpdesk_probe', 'x').inc(3)"
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", script], env=env, check=True)  # noqa: S603
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    assert scrape(prometheus)["helpdesk_probe_total"] == 6
    # Files of processes that are gone are cleared when gunicorn starts again.
    metrics.clean_multiprocess_dir(str(tmp_path))
    assert list(tmp_path.glob("*.db")) == []


def test_tickets_late_and_due_soon_are_read_from_the_database(prometheus, reporter):
    from tests.factories import make_ticket
    from tickets.models import Ticket

    now = timezone.now()
    late, soon, later = (make_ticket(reporter) for _ in range(3))
    # As the services store them: the next due time of a running target.
    Ticket.objects.filter(pk=late.pk).update(sla_next_due=now - timedelta(minutes=35))
    Ticket.objects.filter(pk=soon.pk).update(sla_next_due=now + timedelta(minutes=20))
    Ticket.objects.filter(pk=later.pk).update(sla_next_due=now + timedelta(days=2))
    samples = scrape(prometheus)
    assert samples["helpdesk_tickets_sla|state=late"] == 1
    assert samples["helpdesk_tickets_sla|state=due_soon"] == 1
