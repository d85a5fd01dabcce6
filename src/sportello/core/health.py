"""Readiness checks: each returns (ok, detail) and never raises."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

WORKER_MAX_LAG = timedelta(minutes=2)


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready"
        return False, type(exc).__name__
    return True, connection.vendor


def check_task_worker() -> tuple[bool, str]:
    """The worker is healthy when no runnable task has waited longer than WORKER_MAX_LAG."""
    from django_tasks_db.models import DBTaskResult

    try:
        oldest = DBTaskResult.objects.ready().order_by("enqueued_at").first()
    except Exception as exc:
        return False, type(exc).__name__
    if oldest is None:
        return True, "idle"
    lag = timezone.now() - max(oldest.enqueued_at, oldest.run_after or oldest.enqueued_at)
    if lag > WORKER_MAX_LAG:
        return False, f"oldest task waiting {int(lag.total_seconds())}s"
    return True, "busy"


def check_cache() -> tuple[bool, str] | None:
    if not settings.REDIS_URL:
        return None
    try:
        cache.set("readyz", "1", 5)
        return cache.get("readyz") == "1", "redis"
    except Exception as exc:
        return False, type(exc).__name__


def readiness() -> dict[str, dict[str, object]]:
    checks = {"database": check_database(), "task_worker": check_task_worker()}
    if (cache_check := check_cache()) is not None:
        checks["cache"] = cache_check
    return {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()}


def task_queue_depths() -> dict[str, int]:
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.ready().values("queue_name").annotate(n=Count("id"))
    return {row["queue_name"]: row["n"] for row in rows}
