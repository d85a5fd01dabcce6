"""PostgreSQL's one-statement first submission writes exactly what the ORM path writes."""

import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sportello.audit.context import RequestContext, current
from sportello.audit.models import AuditEvent
from sportello.hiring.forms.application import new_key
from sportello.hiring.models import Application, ApplicationRevision, ProtocolCounter
from sportello.hiring.services import submit_sql
from sportello.hiring.services.applications import content_digest, do_submit
from tests.factories import CitizenFactory
from tests.hiring.factories import er_data, make_call
from tests.hiring.test_hiring_protocol import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's fast path"),
]
YEAR = timezone.localdate().year
DB_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "email", "media"],
    }
}


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = DB_TASKS


@pytest.fixture
def frozen_now(monkeypatch):
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)
    return now


@pytest.fixture
def request_context():
    token = current.set(RequestContext(ip_address="192.0.2.7", user_agent="test browser"))
    yield
    current.reset(token)


def _rows(app: Application) -> dict:
    """The four rows of a submission; what differs between two submissions of one citizen
    to two calls (ids, call, key, protocol number, digest) is checked, then left out."""
    rev = ApplicationRevision.objects.get(application=app)
    application = Application.objects.filter(pk=app.pk).values().get()
    revision = ApplicationRevision.objects.filter(pk=rev.pk).values().get()
    event = AuditEvent.objects.filter(object_id=str(app.pk)).values().get()
    task = DBTaskResult.objects.filter(args_kwargs__args=[rev.pk]).values().get()
    assert revision["application_id"] == app.pk and application["call_id"] == app.call_id
    assert revision["sha256"] == content_digest(app.pk, 1, rev.submitted_at, rev.data)
    assert task["args_kwargs"] == {"args": [rev.pk], "kwargs": {}}
    assert application["protocol"].startswith(f"{YEAR}/")
    for row, differing in (
        (application, ["id", "call_id", "protocol"]),
        (revision, ["id", "application_id", "sha256", "idempotency_key"]),
        (event, ["id", "object_id"]),
        (task, ["id", "args_kwargs"]),
    ):
        for name in differing:
            del row[name]
    return {"application": application, "revision": revision, "event": event, "task": task}


def test_the_one_statement_writes_the_same_rows_as_the_orm_path(
    db_tasks, frozen_now, request_context, monkeypatch
):
    citizen = CitizenFactory(password=None)
    by_orm, by_sql = make_call(), make_call()
    with monkeypatch.context() as orm_only:
        orm_only.setattr(submit_sql, "usable", lambda task: False)
        orm = do_submit(by_orm, citizen, er_data(), key="orm", by=citizen)
    with CaptureQueriesContext(connection) as queries:
        sql = do_submit(by_sql, citizen, er_data(), key="sql", by=citizen)
    assert len(queries) == 1 and "hiring_protocolcounter" in queries[0]["sql"]
    assert _rows(sql.application) == _rows(orm.application)
    assert [orm.application.protocol, sql.application.protocol] == [
        f"{YEAR}/000001",
        f"{YEAR}/000002",
    ]
    stored = ApplicationRevision.objects.get(pk=sql.revision.pk)
    assert sql.revision.sha256 == stored.sha256 and sql.created


def test_the_returned_objects_match_the_rows(db_tasks):
    citizen = CitizenFactory(password=None)
    result = do_submit(make_call(), citizen, er_data(), key=uuid.uuid4().hex, by=citizen)
    app = Application.objects.get()
    assert (result.application.pk, result.application.protocol) == (app.pk, app.protocol)
    assert result.application.status == Application.Status.SUBMITTED
    assert result.revision.application_id == app.pk and result.revision.number == 1


def test_a_correction_and_a_form_sent_again_take_the_orm_path(db_tasks):
    call, citizen = make_call(), CitizenFactory(password=None)
    first = do_submit(call, citizen, er_data(), key="first", by=citizen)
    again = do_submit(call, citizen, er_data(isee_value="1.00"), key="first", by=citizen)
    corrected = do_submit(call, citizen, er_data(isee_value="2.00"), key="second", by=citizen)
    assert not again.created and again.revision.pk == first.revision.pk
    assert corrected.created and corrected.revision.number == 2
    assert Application.objects.get().protocol == first.application.protocol == f"{YEAR}/000001"
    assert ProtocolCounter.objects.get().last == 1  # the failed statement took no number
    assert DBTaskResult.objects.count() == 2


def test_the_year_s_first_submission_creates_the_counter(db_tasks):
    assert not ProtocolCounter.objects.exists()
    citizen = CitizenFactory(password=None)
    result = do_submit(make_call(), citizen, er_data(), key="k", by=citizen)
    assert result.application.protocol == f"{YEAR}/000001"
    assert ProtocolCounter.objects.get().last == 1


def test_a_failure_inside_a_transaction_leaves_it_usable(db_tasks):
    call, citizen = make_call(), CitizenFactory(password=None)
    do_submit(call, citizen, er_data(), key="first", by=citizen)
    with transaction.atomic():
        corrected = do_submit(call, citizen, er_data(), key="second", by=citizen)
        assert Application.objects.count() == 1  # the transaction still answers
    assert corrected.revision.number == 2


def test_concurrent_first_submissions_get_consecutive_unique_numbers(db_tasks):
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
    assert numbers == list(range(1, 13))
    assert DBTaskResult.objects.count() == AuditEvent.objects.count() == 12


def test_the_same_key_sent_concurrently_makes_one_application(db_tasks):
    call, citizen, key = make_call(), CitizenFactory(password=None), uuid.uuid4().hex
    results = run_together([lambda: do_submit(call, citizen, er_data(), key=key, by=citizen)] * 6)
    assert not [r for r in results if isinstance(r, Exception)]
    assert ApplicationRevision.objects.count() == 1 and sum(r.created for r in results) == 1
    assert ProtocolCounter.objects.get().last == 1


def test_two_forms_of_one_citizen_sent_together_make_one_application(db_tasks):
    call, citizen = make_call(), CitizenFactory(password=None)
    jobs = [
        (lambda: do_submit(call, citizen, er_data(), key=uuid.uuid4().hex, by=citizen))
        for _ in range(4)
    ]
    results = run_together(jobs)
    assert not [r for r in results if isinstance(r, Exception)]
    app = Application.objects.get()
    assert app.protocol == f"{YEAR}/000001" and ProtocolCounter.objects.get().last == 1
    assert sorted(app.revisions.values_list("number", flat=True)) == [1, 2, 3, 4]


def test_the_citizen_s_form_takes_the_one_statement_path(client, db_tasks):
    call, citizen = make_call(), CitizenFactory(password=None)
    client.force_login(citizen)
    ProtocolCounter.objects.create(year=YEAR)  # made by the year's first submission
    data = {
        "submit_key": new_key(call, citizen),
        "birth_date": "1980-05-01",
        "isee_value": "12000",
        "isee_year": str(YEAR),
        "did_date": "2020-01-01",
        "declaration": "on",
        "action": "submit",
    }
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/en/calls/{call.pk}/apply/", data)
    app = Application.objects.get()
    assert response.status_code == 303 and response["Location"].endswith(f"/{app.pk}/")
    writes = [q["sql"] for q in queries if not q["sql"].startswith("SELECT")]
    assert len(writes) == 1 and writes[0].startswith("WITH n AS")
    assert app.protocol == f"{YEAR}/000001" and app.data["isee_value"] == "12000.00"
    assert AuditEvent.objects.get().ip_address == "127.0.0.1"


def test_the_statement_is_prepared_on_the_connection(db_tasks):
    """PostgreSQL parses and plans it once per connection (core/prepared.py)."""
    citizen = CitizenFactory(password=None)
    for _ in range(2):
        do_submit(make_call(), citizen, er_data(), key=uuid.uuid4().hex, by=citizen)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [s for (s,) in cursor.fetchall()]
    assert [s for s in statements if s.startswith("WITH n AS")]
