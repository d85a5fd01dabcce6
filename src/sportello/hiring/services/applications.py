"""Applying: drafts, submission with protocol and receipt, corrections and withdrawal."""

import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_tasks_db.backend import DatabaseBackend

from sportello.audit.log import record
from sportello.hiring.models import Application, ApplicationRevision, Call
from sportello.hiring.services import submit_sql
from sportello.hiring.services.protocol import assign_protocol


@dataclass(frozen=True)
class Submitted:
    application: Application
    revision: ApplicationRevision
    created: bool  # False when the same form was sent again (idempotent retry)


def check_window(call: Call) -> None:
    if call.is_open:
        return
    if timezone.now() < call.opens_at or call.phase == Call.Phase.DRAFT:
        raise ValidationError(_("Applications for this call are not open yet."))
    closed = formats.date_format(timezone.localtime(call.closes_at), "DATETIME_FORMAT")
    raise ValidationError(
        _("Applications for this call closed on %(date)s: nothing can be changed now.")
        % {"date": closed}
    )


def do_save_draft(call: Call, citizen, data: dict, *, by) -> Application:
    with transaction.atomic():
        check_window(call)
        app, _created = Application.objects.select_for_update().get_or_create(
            call=call, citizen=citizen, defaults={"filed_by": by}
        )
        if app.status == Application.Status.SUBMITTED:
            raise ValidationError(
                _("This application is already submitted: send a correction instead.")
            )
        app.data, app.status = data, Application.Status.DRAFT
        app.save()
        record("hiring.application_draft_saved", actor=by, subject=citizen, obj=app)
    return app


def content_digest(application_id: int, number: int, submitted_at, data: dict) -> str:
    """SHA-256 of what the citizen declared, when, in which version of which application.

    The protocol number is not part of it: it is taken last in the submit transaction (see
    `assign_protocol`), and the receipt prints it beside the digest."""
    text = digest_text(application_id, number, submitted_at, data)
    return hashlib.sha256(text.encode()).hexdigest()


def digest_text(application_id: int, number: int, submitted_at, data: dict) -> str:
    payload = {
        "application": application_id,
        "revision": number,
        "at": submitted_at.isoformat(),
        "data": data,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _existing(key: str) -> Submitted | None:
    rev = ApplicationRevision.objects.select_related("application").filter(idempotency_key=key)
    found = rev.first()
    return Submitted(found.application, found, False) if found else None


def do_submit(call: Call, citizen, data: dict, *, key: str, by) -> Submitted:
    """Submit (or correct) the citizen's application; the same `key` twice gives one result."""
    if done := _submit_first_in_one_statement(call, citizen, data, key=key, by=by):
        return done
    try:
        return _submit_once(call, citizen, data, key=key, by=by)
    except IntegrityError:
        # Another form of the same citizen created the application at the same time: the
        # second attempt finds it and files this one as a correction.
        return _submit_once(call, citizen, data, key=key, by=by)


def _submit_first_in_one_statement(call: Call, citizen, data: dict, *, key: str, by):
    """PostgreSQL's fast path for a first submission while the window is open; None when
    anything else is the case (correction, retry, closed window): then the ORM path runs."""
    from sportello.hiring.tasks import send_receipt

    if not call.is_open or not submit_sql.usable(send_receipt):
        return None
    now = timezone.now()
    written = submit_sql.submit_first(
        call,
        citizen,
        data,
        key=key,
        by=by,
        now=now,
        year=timezone.localtime(now).year,
        task=send_receipt,
        digest=lambda app_id: digest_text(app_id, 1, now, data),
    )
    return Submitted(*written, True) if written else None


def _submit_once(call: Call, citizen, data: dict, *, key: str, by) -> Submitted:
    """A form sent again is found by its unique idempotency key: its INSERT fails (after
    waiting for the first transaction if that is still running) and the stored result is the
    answer, even once the window has closed."""
    try:
        with transaction.atomic():
            return _submit(call, citizen, data, key=key, by=by)
    except (IntegrityError, ValidationError):
        if done := _existing(key):
            return done
        raise


def _submit(call: Call, citizen, data: dict, *, key: str, by) -> Submitted:
    """Write the revision, the application, the audit event and the receipt task, then take
    the protocol number: the counter row is the one lock every submitter shares, so it is
    the last statement before COMMIT. A concurrent retry with the same key fails on the
    unique idempotency key (IntegrityError) before it reaches the counter."""
    check_window(call)
    now = timezone.now()
    app = Application.objects.select_for_update().filter(call=call, citizen=citizen).first()
    if app is None:
        app = Application.objects.create(
            call=call,
            citizen=citizen,
            filed_by=by,
            data=data,
            status=Application.Status.SUBMITTED,
            submitted_at=now,
        )
    else:
        app.data, app.status, app.submitted_at = data, Application.Status.SUBMITTED, now
        app.filed_by_id = app.filed_by_id or by.pk
        app.save(update_fields=["data", "status", "submitted_at", "filed_by", "updated_at"])
    number = app.revisions.count() + 1 if app.protocol else 1
    revision = ApplicationRevision.objects.create(
        application=app,
        number=number,
        idempotency_key=key,
        data=data,
        submitted_at=now,
        sha256=content_digest(app.pk, number, now, data),
        filed_by=by,
    )
    action = "hiring.application_submitted" if number == 1 else "hiring.application_corrected"
    record(action, actor=by, subject=citizen, obj=app, details={"revision": number})
    from sportello.hiring.tasks import send_receipt

    enqueue_with_commit(send_receipt, revision.pk)
    if not app.protocol:
        app.protocol = assign_protocol(app.pk, timezone.localtime(now).year)
    return Submitted(app, revision, True)


def enqueue_with_commit(task, *args) -> None:
    """Queue `task` so that it runs if and only if the current transaction commits.

    The database task backend writes the task row in this very transaction, so a crash right
    after COMMIT still leaves the receipt to send; other backends get it after the commit."""
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))


def do_withdraw(app: Application, *, by) -> None:
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=app.pk)
        check_window(app.call)
        if app.status == Application.Status.WITHDRAWN:
            return
        app.status = Application.Status.WITHDRAWN
        app.save(update_fields=["status", "updated_at"])
        record("hiring.application_withdrawn", actor=by, subject=app.citizen, obj=app)
        from sportello.hiring.services.notify import notify

        notify(app.citizen, "withdrawn", app)
