import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sportello.accounts.roles import Role
from tests.factories import login_staff, make_staff

pytestmark = pytest.mark.django_db


def test_it_reports_liveness(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_it_reports_readiness_with_database_and_cache(client, settings):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["task_worker"]["ok"] is True
    if settings.REDIS_URL:
        assert body["checks"]["cache"]["ok"] is True


def test_it_is_not_ready_when_the_worker_lags(client):
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="sportello.core.tasks.noop",
        queue_name="default",
        backend_name="default",
        run_after=timezone.now() - datetime.timedelta(minutes=10),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["task_worker"]["ok"] is False


def test_it_hides_metrics_from_citizens_and_anonymous(client):
    assert client.get("/metrics").status_code == 403


def test_it_shows_metrics_to_an_administrator(client):
    login_staff(client, make_staff(Role.ADMINISTRATOR))
    client.get("/it/")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert b"sportello_http_request_seconds" in response.content
    assert b"sportello_task_queue_depth" in response.content or b"# HELP" in response.content


def test_it_accepts_the_metrics_token(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token").status_code == 200
