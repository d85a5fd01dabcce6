"""Protocol numbers under concurrency: no gaps, no duplicates; one key, one application."""

import threading
import uuid

import pytest
from django.db import connection

from sportello.hiring.models import Application, ApplicationRevision
from sportello.hiring.services.applications import do_submit
from tests.factories import CitizenFactory
from tests.hiring.factories import er_data, make_call

pytestmark = pytest.mark.django_db(transaction=True)


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
