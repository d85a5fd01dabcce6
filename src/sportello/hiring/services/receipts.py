"""The PDF receipt of a submitted application (protocol, time, declared data, SHA-256)."""

import io

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from sportello.hiring.models import ApplicationRevision
from sportello.hiring.services.labels import declaration_lines


def receipt_filename(revision: ApplicationRevision) -> str:
    protocol = revision.application.protocol.replace("/", "-")
    return f"receipt-{protocol}-{revision.number}.pdf"


def receipt_pdf(revision: ApplicationRevision) -> bytes:
    app = revision.application
    at = formats.date_format(timezone.localtime(revision.submitted_at), "DATETIME_FORMAT")
    lines = [
        _("Receipt of application"),
        "",
        _("Call: %(call)s") % {"call": app.call.title_text},
        _("Protocol number: %(protocol)s") % {"protocol": app.protocol},
        _("Version: %(number)s") % {"number": revision.number},
        _("Received: %(at)s") % {"at": at},
        _("Filed by: %(who)s") % {"who": revision.filed_by.email},
        "",
        _("Declared data (self-declaration, DPR 445/2000 arts. 46-47):"),
        *(f"  {label}: {value}" for label, value in declaration_lines(revision.data)),
        "",
        _("SHA-256 of the declared content:"),
        revision.sha256,
    ]
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1, pageCompression=0)
    pdf.setTitle(_("Receipt of application %(protocol)s") % {"protocol": app.protocol})
    y = A4[1] - 60
    for line in lines:
        if y < 60:
            pdf.showPage()
            y = A4[1] - 60
        pdf.setFont("Helvetica", 10)
        pdf.drawString(50, y, line)
        y -= 16
    pdf.save()
    return buffer.getvalue()
