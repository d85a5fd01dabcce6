"""Background work of the hiring app (run by the task worker; inline in tests)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from sportello.hiring.models import ApplicationRevision
from sportello.hiring.services import retention
from sportello.hiring.services.receipts import receipt_filename, receipt_pdf


@task(queue_name="email")
def send_receipt(revision_id: int) -> int:
    """E-mail the PDF receipt of one submitted revision to the citizen."""
    revision = ApplicationRevision.objects.select_related(
        "application__call", "application__citizen"
    ).get(pk=revision_id)
    citizen = revision.application.citizen
    with translation.override(citizen.language or settings.LANGUAGE_CODE):
        subject = _("Receipt of application %(protocol)s") % {
            "protocol": revision.application.protocol
        }
        body = _(
            "Your application to the call “%(call)s” was received with protocol number "
            "%(protocol)s. The receipt is attached."
        ) % {
            "call": revision.application.call.title_text,
            "protocol": revision.application.protocol,
        }
        pdf = receipt_pdf(revision)
    message = EmailMessage(subject, body, None, [citizen.email])
    message.attach(receipt_filename(revision), pdf, "application/pdf")
    return message.send()


@task()
def purge_attachments() -> int:
    """Delete attachments past their retention period (see services/retention.py)."""
    return retention.purge_attachments()
