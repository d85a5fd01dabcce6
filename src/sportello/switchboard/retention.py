"""Retention of call recordings: files past their date are deleted, the row remembers when."""

from pathlib import Path

from django.utils import timezone

from sportello.switchboard.models import Recording


def purge_recordings() -> int:
    """Delete every expired recording file and mark it deleted; returns how many."""
    now = timezone.now()
    expired = Recording.objects.filter(delete_after__lte=now, deleted_at__isnull=True)
    count = 0
    for recording in expired:
        Path(recording.file).unlink(missing_ok=True)
        recording.deleted_at = now
        recording.save(update_fields=["deleted_at"])
        count += 1
    return count
