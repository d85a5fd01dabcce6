"""Retention of attachments: files of calls closed long enough ago are deleted, and logged."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sportello.audit.log import record
from sportello.hiring.models import Attachment

DEFAULT_RETENTION_DAYS = 365


def retention_days() -> int:
    return getattr(settings, "HIRING_ATTACHMENT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)


def expired_attachments(days: int | None = None):
    """Attachments of applications, and of their review requests, to calls that closed more
    than `days` (default: the setting) ago."""
    cutoff = timezone.now() - timedelta(days=retention_days() if days is None else days)
    return Attachment.objects.filter(
        Q(application__call__closes_at__lt=cutoff)
        | Q(appeal__application__call__closes_at__lt=cutoff)
    ).select_related("application__citizen", "appeal__application__citizen")


def purge_attachments(days: int | None = None) -> int:
    """Delete each expired attachment's file, then its row, with an audit event; returns how
    many. The file goes first: if the run stops half-way, the next run finds the row again
    and finishes (deleting a missing file is a no-op), and no file outlives its row."""
    count = 0
    for item in expired_attachments(days).iterator():
        owner = item.owner
        app = item.application or item.appeal.application
        item.file.storage.delete(item.file.name)
        with transaction.atomic():
            record(
                "hiring.attachment_purged",
                subject=owner,
                obj=item,
                details={"call": app.call_id, "application": app.pk, "sha256": item.sha256},
            )
            item.delete()
        count += 1
    return count
