"""A first submission on PostgreSQL in one SQL statement: the click-day hot path.

The ORM path (`applications._submit`) needs eight round trips; this writes the same rows (the
application with its protocol number, revision 1, the audit event and the receipt task row)
with data-modifying CTEs in a single statement, so outside a transaction it is also its own
transaction: nothing is acknowledged before COMMIT, and a failure leaves nothing behind.

Every column comes from an unsaved model instance through the field's own `pre_save` and
`get_db_prep_save`, as `Model.objects.create` would write it; only the values that depend on
rows of the same statement are SQL expressions. An existing application, a form sent again
(unique idempotency key) or a year without a counter row make the statement fail on a
constraint: the caller then takes the ORM path, which handles all of them."""

import functools

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import Model
from django.db.models.signals import post_save, pre_save
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json, task_enqueued
from django_tasks_db.models import DBTaskResult

from sportello.audit.context import current
from sportello.audit.models import AuditEvent
from sportello.core import prepared
from sportello.core.rows import db_value, insert_fields
from sportello.hiring.models import Application, ApplicationRevision, Call, ProtocolCounter

SUBMITTED_ACTION = "hiring.application_submitted"
_APP_PREFIX = '{"application":'

# column → (SQL expression over the statement's CTEs, its parameters are passed per call)
_PROTOCOL = "(SELECT %s || lpad(last::text, greatest(6, length(last::text)), '0') FROM n)"
_DIGEST = "(SELECT encode(sha256(convert_to(%s || id::text || %s, 'UTF8')), 'hex') FROM app)"
_APP_ID = "(SELECT id FROM app)"
_APP_ID_TEXT = "(SELECT id::text FROM app)"
_TASK_ARGS = (
    "(SELECT jsonb_build_object('args', jsonb_build_array(id), 'kwargs', '{}'::jsonb) FROM rev)"
)


def usable(task) -> bool:
    return connection.vendor == "postgresql" and isinstance(task.get_backend(), DatabaseBackend)


def submit_first(call: Call, citizen, data: dict, *, key: str, by, now, year: int, task, digest):
    """Write a first submission; (application, revision) or None when the ORM path must run.

    `digest(application_id)` gives the JSON text the receipt hash is taken over."""
    app = Application(
        call=call,
        citizen=citizen,
        filed_by=by,
        data=data,
        status=Application.Status.SUBMITTED,
        submitted_at=now,
    )
    rev = ApplicationRevision(
        number=1, idempotency_key=key, data=data, submitted_at=now, filed_by=by
    )
    event = _audit_event(by, citizen)
    job = _task_row(task)
    head, tail = _split_digest(digest)
    for obj in (app, rev, event, job):  # receivers may fill fields in, as on save()
        pre_save.send(type(obj), instance=obj, raw=False, using="default", update_fields=None)
    sql, params = _statement(
        connections[DEFAULT_DB_ALIAS],
        [
            ("app", app, {"protocol": (_PROTOCOL, [f"{year}/"])}),
            ("rev", rev, {"application_id": (_APP_ID, []), "sha256": (_DIGEST, [head, tail])}),
            ("ev", event, {"object_id": (_APP_ID_TEXT, [])}),
            ("job", job, {"args_kwargs": (_TASK_ARGS, [])}),
        ],
        year,
    )
    try:
        row = _run(sql, params)
    except IntegrityError:
        return None
    app.pk, app.protocol, rev.pk, rev.sha256 = row
    job.args_kwargs = {"args": [rev.pk], "kwargs": {}}
    rev.application, event.object_id = app, str(app.pk)
    for obj in (app, rev, event, job):
        _saved(obj)
        post_save.send(
            type(obj), instance=obj, created=True, raw=False, using="default", update_fields=None
        )
    task_enqueued.send(type(task.get_backend()), task_result=job.task_result)
    return app, rev


def _run(sql: str, params: list):
    if connection.in_atomic_block:
        with transaction.atomic():  # a savepoint: a failure leaves the outer transaction usable
            return _fetch(sql, params)
    return _fetch(sql, params)


def _fetch(sql: str, params: list):
    with prepared.cursor(connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _saved(obj: Model) -> None:
    obj._state.adding, obj._state.db = False, "default"


def _split_digest(digest) -> tuple[str, str]:
    """The digest's JSON text around the application id, which only the statement knows."""
    text = digest(0)
    if not text.startswith(_APP_PREFIX + "0,"):
        raise ValueError("the receipt digest must start with the application id")
    return _APP_PREFIX, text[len(_APP_PREFIX) + 1 :]


def _audit_event(by, citizen) -> AuditEvent:
    """As `audit.log.record(SUBMITTED_ACTION, actor=by, subject=citizen, obj=application,
    details={"revision": 1})` builds it; the object id is filled in by the statement.
    test_hiring_submit_sql.py compares both paths' rows field by field."""
    context = current.get()
    actor = by if getattr(by, "is_authenticated", False) else None
    return AuditEvent(
        actor=actor,
        actor_label=actor.email if actor else "system",
        action=SUBMITTED_ACTION,
        subject=citizen,
        subject_label=getattr(citizen, "email", ""),
        object_type=Application._meta.label,
        ip_address=context.ip_address if context else None,
        user_agent=context.user_agent if context else "",
        details={"revision": 1},
    )


def _task_row(task) -> DBTaskResult:
    """As `DatabaseBackend.enqueue` builds it; the arguments are filled in by the statement."""
    backend = task.get_backend()
    backend.validate_task(task)
    return DBTaskResult(
        id=backend._get_id(),
        args_kwargs=normalize_json({"args": [], "kwargs": {}}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after,
        backend_name=backend.alias,
    )


_RETURNING = {"app": " RETURNING id, protocol", "rev": " RETURNING id, sha256"}


def _statement(db, inserts, year: int) -> tuple[str, list]:
    """`db` is the connection itself, not Django's `connection` proxy: the fields' value
    preparation reads it about forty times per submission."""
    params: list = [year]
    for _name, obj, overrides in inserts:
        params += _params(db, obj, overrides)
    shape = tuple(
        (name, type(obj), tuple((column, sql) for column, (sql, _) in overrides.items()))
        for name, obj, overrides in inserts
    )
    return _sql(shape), params


@functools.cache
def _sql(shape) -> str:
    """The counter is taken first because the application row carries its number; the lock
    is held until COMMIT either way, and nothing in between waits for the client."""
    counter = ProtocolCounter._meta.db_table
    ctes = [f"n AS (UPDATE {counter} SET last = last + 1 WHERE year = %s RETURNING last)"]
    for name, model, overrides in shape:
        ctes.append(f"{name} AS ({_insert_sql(model, dict(overrides))}{_RETURNING.get(name, '')})")
    body = "SELECT app.id, app.protocol, rev.id, rev.sha256 FROM app, rev"
    return "WITH " + ",\n".join(ctes) + "\n" + body


def _insert_sql(model: type[Model], overrides: dict) -> str:
    quote = connection.ops.quote_name
    fields = insert_fields(model)
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(overrides.get(f.column, "%s") for f in fields)
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({values})"


def _params(db, obj: Model, overrides: dict) -> list:
    params = []
    for field in insert_fields(type(obj)):
        if field.column in overrides:
            params += overrides[field.column][1]
        else:
            params.append(db_value(field, obj, db))
    return params
