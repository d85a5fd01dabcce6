"""Protocol numbers under concurrency: no gaps, no duplicates; one key, one application."""

import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sportello.hiring.models import Application, ApplicationRevision, Call, ProtocolCounter
from sportello.hiring.services import submit_sql
from sportello.hiring.services.applications import do_submit
from tests.factories import CitizenFactory
from tests.hiring.factories import er_data, make_call

pytestmark = pytest.mark.django_db(transaction=True)
YEAR = timezone.localdate().year
DB_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}
}


def run_together(jobs) -> list:
    barrier, results = threading.Barrier(len(jobs)), []

    def worker(job):
        try:
            barrier.wait()
            results.append(job())
        except Exception as exc:  # collected and asserted on below
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")
def test_concurrent_submissions_get_consecutive_unique_numbers():
    call = make_call()
    citizens = [CitizenFactory(password=None) for _ in range(12)]
    jobs = [
        (lambda c=c: do_submit(call, c, er_data(), key=uuid.uuid4().hex, by=c)) for c in citizens
    ]
    results = run_together(jobs)
    assert not [r for r in results if isinstance(r, Exception)]
    numbers = sorted(
        int(p.split("/")[1]) for p in Application.objects.values_list("protocol", flat=True)
    )
    assert numbers == list(range(numbers[0], numbers[0] + 12))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")
def test_the_same_key_sent_concurrently_makes_one_application():
    call = make_call()
    citizen = CitizenFactory(password=None)
    key = uuid.uuid4().hex
    jobs = [lambda: do_submit(call, citizen, er_data(), key=key, by=citizen)] * 6
    results = run_together(jobs)
    assert not [r for r in results if isinstance(r, Exception)]
    assert ApplicationRevision.objects.count() == 1
    assert sum(r.created for r in results) == 1
    assert len({r.application.protocol for r in results}) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")
def test_two_forms_of_one_citizen_sent_together_make_one_application_and_a_correction():
    call = make_call()
    citizen = CitizenFactory(password=None)
    jobs = [
        (lambda: do_submit(call, citizen, er_data(), key=uuid.uuid4().hex, by=citizen))
        for _ in range(4)
    ]
    results = run_together(jobs)
    assert not [r for r in results if isinstance(r, Exception)]
    app = Application.objects.get()
    assert app.protocol and ProtocolCounter.objects.get().last == 1
    assert sorted(app.revisions.values_list("number", flat=True)) == [1, 2, 3, 4]


def test_the_protocol_counter_is_the_last_statement_before_commit(settings, monkeypatch):
    """On the ORM path (SQLite, corrections); PostgreSQL's first submission is one statement
    (test_hiring_submit_sql.py)."""
    monkeypatch.setattr(submit_sql, "usable", lambda task: False)
    settings.TASKS = DB_TASKS
    call = make_call()
    citizen = CitizenFactory(password=None)
    ProtocolCounter.objects.create(year=YEAR, last=41)  # made by the year's first submission
    with CaptureQueriesContext(connection) as queries:
        result = do_submit(call, citizen, er_data(), key=uuid.uuid4().hex, by=citizen)
    sql = [q["sql"] for q in queries.captured_queries]
    counter = [n for n, s in enumerate(sql) if "hiring_protocolcounter" in s]
    assert len(counter) == 1 and sql[counter[0] + 1] == "COMMIT"
    assert len(sql) == 8  # BEGIN, lock the application, 4 INSERTs, protocol, COMMIT
    assert result.application.protocol == Application.objects.get().protocol == f"{YEAR}/000042"


def test_the_receipt_task_row_commits_with_the_submission(settings):
    settings.TASKS = DB_TASKS
    call = make_call()
    citizen = CitizenFactory(password=None)
    with pytest.raises(RuntimeError), transaction.atomic():
        do_submit(call, citizen, er_data(), key="rolled-back", by=citizen)
        raise RuntimeError("the request dies before COMMIT")
    assert not Application.objects.exists() and not DBTaskResult.objects.exists()

    result = do_submit(call, citizen, er_data(), key=uuid.uuid4().hex, by=citizen)
    task = DBTaskResult.objects.get()
    assert task.task_path == "sportello.hiring.tasks.send_receipt"
    assert task.args_kwargs["args"] == [result.revision.pk]
    assert result.application.protocol == f"{YEAR}/000001"  # the rolled-back number came back


def test_a_form_sent_again_after_the_window_closed_gets_its_stored_answer():
    call = make_call()
    citizen = CitizenFactory(password=None)
    first = do_submit(call, citizen, er_data(), key="once", by=citizen)
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now())
    call.refresh_from_db()
    again = do_submit(call, citizen, er_data(isee_value="1.00"), key="once", by=citizen)
    assert not again.created and again.revision.pk == first.revision.pk
    assert Application.objects.get().data["isee_value"] == "12000.00"
    with pytest.raises(ValidationError):
        do_submit(call, citizen, er_data(), key="new", by=citizen)
