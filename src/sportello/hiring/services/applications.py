"""Applying: drafts, submission with protocol and receipt, corrections and withdrawal."""

import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from sportello.audit.log import record
from sportello.hiring.models import Application, ApplicationRevision, Call
from sportello.hiring.services.protocol import next_protocol


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


def content_digest(protocol: str, number: int, submitted_at, data: dict) -> str:
    payload = {
        "protocol": protocol,
        "revision": number,
        "at": submitted_at.isoformat(),
        "data": data,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _existing(key: str) -> Submitted | None:
    rev = ApplicationRevision.objects.select_related("application").filter(idempotency_key=key)
    found = rev.first()
    return Submitted(found.application, found, False) if found else None


def do_submit(call: Call, citizen, data: dict, *, key: str, by) -> Submitted:
    """Submit (or correct) the citizen's application; the same `key` twice gives one result."""
    if done := _existing(key):
        return done
    try:
        with transaction.atomic():
            return _submit(call, citizen, data, key=key, by=by)
    except IntegrityError:
        # A concurrent request with the same key won the race; answer with its result.
        if done := _existing(key):
            return done
        raise


def _submit(call: Call, citizen, data: dict, *, key: str, by) -> Submitted:
    check_window(call)
    app, _created = Application.objects.select_for_update().get_or_create(
        call=call, citizen=citizen, defaults={"filed_by": by}
    )
    if done := _existing(key):  # the other request committed while we waited for the lock
        return done
    now = timezone.now()
    if not app.protocol:
        app.protocol = next_protocol(timezone.localtime(now).year)
    number = app.revisions.count() + 1
    revision = ApplicationRevision.objects.create(
        application=app,
        number=number,
        idempotency_key=key,
        data=data,
        submitted_at=now,
        sha256=content_digest(app.protocol, number, now, data),
        filed_by=by,
    )
    app.data, app.status, app.submitted_at = data, Application.Status.SUBMITTED, now
    if app.filed_by_id is None:
        app.filed_by = by
    app.save()
    action = "hiring.application_submitted" if number == 1 else "hiring.application_corrected"
    record(action, actor=by, subject=citizen, obj=app, details={"revision": number})
    from sportello.hiring.tasks import send_receipt

    transaction.on_commit(lambda: send_receipt.enqueue(revision.pk))
    return Submitted(app, revision, True)


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
