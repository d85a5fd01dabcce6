"""Periodic jobs: what cron (or a systemd timer) runs in production, and `serve` runs itself.

Each job is an idempotent task; `enqueue_due` hands the ones due to the task worker. A job's
`every` is how often it is worth running; running one more often only repeats a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Job:
    name: str
    task_path: str
    every: timedelta

    def task(self):
        return import_string(self.task_path)


JOBS = (
    Job("helpdesk reminders", "sportello.helpdesk.tasks.send_due_reminders", timedelta(minutes=5)),
    Job(
        "scheduled reports",
        "sportello.switchboard.reports.tasks.send_scheduled_reports",
        timedelta(hours=1),
    ),
    Job("recording retention", "sportello.switchboard.tasks.purge_recordings", timedelta(days=1)),
    Job("attachment retention", "sportello.hiring.tasks.purge_attachments", timedelta(days=1)),
)


def _key(job: Job) -> str:
    return f"jobs:last:{job.task_path}"


def due(now: datetime | None = None) -> list[Job]:
    now = now or timezone.now()
    return [
        job for job in JOBS if (last := cache.get(_key(job))) is None or now - last >= job.every
    ]


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue the jobs that are due; return their names."""
    now = now or timezone.now()
    names = []
    for job in due(now):
        job.task().enqueue()
        cache.set(_key(job), now, timeout=int(job.every.total_seconds() * 2))
        names.append(job.name)
    return names
