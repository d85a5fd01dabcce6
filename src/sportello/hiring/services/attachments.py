"""Attachments: PDF or JPEG, type sniffed from the bytes, size capped."""

import hashlib

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sportello.hiring.models import Attachment

ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg"}


def max_bytes() -> int:
    return getattr(settings, "HIRING_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)


def check_upload(upload) -> str:
    """The sniffed MIME type of `upload`; ValidationError when it is too big or not PDF/JPEG."""
    if upload.size > max_bytes():
        raise ValidationError(
            _("The file is too big: the limit is %(mb)s MB.") % {"mb": max_bytes() // 1048576}
        )
    upload.seek(0)
    kind = filetype.guess(upload.read(262))
    upload.seek(0)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(_("Only PDF or JPEG files are accepted."))
    return kind.mime


def do_store(upload, *, by, application=None, appeal=None) -> Attachment:
    mime = check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    original = (upload.name or "")[:200]
    upload.name = f"upload.{ALLOWED_TYPES[mime]}"  # never trust the client's file name on disk
    return Attachment.objects.create(
        application=application,
        appeal=appeal,
        file=upload,
        original_name=original,
        content_type=mime,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=by,
    )
