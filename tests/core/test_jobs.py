"""Periodic jobs: each is handed to the task worker when due, and only then."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from sportello.core import jobs

pytestmark = pytest.mark.django_db


def test_every_job_runs_the_first_time_then_only_when_due():
    now = timezone.now()
    assert jobs.enqueue_due(now) == [job.name for job in jobs.JOBS]  # each task really ran
    assert jobs.enqueue_due(now + timedelta(minutes=1)) == []
    assert jobs.enqueue_due(now + timedelta(minutes=6)) == ["helpdesk reminders"]
    assert set(jobs.enqueue_due(now + timedelta(days=1, minutes=7))) == {
        job.name for job in jobs.JOBS
    }


def test_the_command_says_what_it_enqueued(capsys):
    call_command("run_jobs")
    assert "helpdesk reminders" in capsys.readouterr().out
    call_command("run_jobs")
    assert "nothing due" in capsys.readouterr().out
