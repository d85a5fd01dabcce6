"""Attachment retention: files of calls closed longer ago than the period go, with an audit event."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from sportello.audit.models import AuditEvent
from sportello.hiring.models import Appeal, Attachment, Call
from sportello.hiring.services.attachments import do_store
from sportello.hiring.services.retention import purge_attachments
from sportello.hiring.tasks import purge_attachments as purge_task
from tests.hiring.factories import make_call, submit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.HIRING_ATTACHMENT_RETENTION_DAYS = 365
    return tmp_path


def closed_days_ago(days: int) -> Call:
    call = make_call(state="closed")
    Call.objects.filter(pk=call.pk).update(
        opens_at=timezone.now() - timedelta(days=days + 30),
        closes_at=timezone.now() - timedelta(days=days),
    )
    return call


def attach(call: Call, *, appeal: bool = False) -> Attachment:
    app = submit(call).application
    upload = SimpleUploadedFile("isee.pdf", PDF, "application/pdf")
    if appeal:
        filed = Appeal.objects.create(application=app, text="Please check")
        return do_store(upload, by=app.citizen, appeal=filed)
    return do_store(upload, by=app.citizen, application=app)


def test_it_deletes_files_and_rows_of_old_calls_only_and_logs_each():
    old, old_appeal = attach(closed_days_ago(400)), attach(closed_days_ago(400), appeal=True)
    recent = attach(closed_days_ago(30))
    paths = {a.pk: Path(a.file.path) for a in (old, old_appeal, recent)}
    assert all(p.exists() for p in paths.values())

    assert purge_attachments() == 2

    assert list(Attachment.objects.all()) == [recent]
    assert not paths[old.pk].exists() and not paths[old_appeal.pk].exists()
    assert paths[recent.pk].exists()
    events = AuditEvent.objects.filter(action="hiring.attachment_purged")
    assert sorted(int(e.object_id) for e in events) == sorted([old.pk, old_appeal.pk])
    event = events.get(object_id=str(old.pk))
    assert event.subject == old.application.citizen and event.actor is None
    assert event.details == {
        "call": old.application.call_id,
        "application": old.application_id,
        "sha256": old.sha256,
    }


def test_the_period_is_a_setting(settings):
    item = attach(closed_days_ago(30))
    assert purge_attachments() == 0
    settings.HIRING_ATTACHMENT_RETENTION_DAYS = 20
    assert purge_attachments() == 1
    assert not Attachment.objects.filter(pk=item.pk).exists()


def test_a_file_already_gone_from_disk_still_has_its_row_purged():
    item = attach(closed_days_ago(400))
    Path(item.file.path).unlink()
    assert purge_attachments() == 1
    assert not Attachment.objects.exists()


def test_open_calls_keep_their_attachments():
    attach(make_call())
    assert purge_attachments(days=0) == 0
    assert Attachment.objects.count() == 1


def test_the_command_and_the_task_purge():
    attach(closed_days_ago(400))
    attach(closed_days_ago(50))
    out = StringIO()
    call_command("purge_hiring_attachments", stdout=out)
    assert "1 attachments deleted" in out.getvalue() and "365 days" in out.getvalue()
    call_command("purge_hiring_attachments", "--days", "40", stdout=out)
    assert Attachment.objects.count() == 0
    attach(closed_days_ago(400))
    assert purge_task.enqueue().return_value == 1


def test_a_negative_period_is_refused_and_deletes_nothing():
    attach(closed_days_ago(400))
    with pytest.raises(CommandError, match="cannot be negative"):
        call_command("purge_hiring_attachments", "--days", "-1")
    assert Attachment.objects.count() == 1
    assert not AuditEvent.objects.filter(action="hiring.attachment_purged").exists()
