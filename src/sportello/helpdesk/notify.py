"""Messages to the citizen, always in the citizen's language."""

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sportello.helpdesk import ics, links
from sportello.helpdesk.choices import Channel
from sportello.helpdesk.models import Booking, WaitingListEntry


def where(booking: Booking) -> str:
    """Where the appointment happens, in words (no map needed)."""
    if booking.channel == Channel.PHONE:
        return _("By phone: the mediator will call you at %(phone)s.") % {"phone": booking.phone}
    if booking.channel == Channel.VIDEO:
        return _("By video call: the mediator will send you the link before the appointment.")
    place = booking.place
    parts = [place.name, place.address, place.directions, place.accessibility_notes]
    return "\n".join(p for p in parts if p)


def when(start) -> str:
    local = timezone.localtime(start)
    return f"{date_format(local, 'l j F Y')}, {local:%H:%M}"


def _context(booking: Booking) -> dict:
    return {
        "booking": booking,
        "when": when(booking.start),
        "where": where(booking),
        "site_name": settings.SITE_NAME,
        "cancel_url": links.absolute(links.CANCEL, booking),
        "reschedule_url": links.absolute(links.RESCHEDULE, booking),
        "view_url": links.absolute(links.VIEW, booking),
    }


def _render(template: str, context: dict) -> tuple[str, str]:
    subject = render_to_string(f"helpdesk/email/{template}_subject.txt", context).strip()
    return subject, render_to_string(f"helpdesk/email/{template}.txt", context)


def calendar_file(booking: Booking) -> str:
    host = settings.SITE_URL.split("//")[-1]
    return ics.event(
        uid=f"helpdesk-{booking.pk}-{booking.nonce}@{host}",
        start=booking.start,
        end=booking.end,
        summary=_("Digital help desk: %(need)s") % {"need": booking.get_need_display()},
        location=where(booking).replace("\n", ", "),
        description=_("To cancel or change: %(url)s")
        % {"url": links.absolute(links.VIEW, booking)},
        now=timezone.now(),
    )


def send_confirmation(booking: Booking) -> None:
    with translation.override(booking.language):
        subject, body = _render("confirmation", _context(booking))
        message = EmailMessage(subject, body, None, [booking.email])
        message.attach("appointment.ics", calendar_file(booking), "text/calendar")
    message.send()


def send_reminder_email(booking: Booking) -> None:
    with translation.override(booking.language):
        subject, body = _render("reminder", _context(booking))
    send_mail(subject, body, None, [booking.email])


def reminder_sms(booking: Booking) -> str:
    with translation.override(booking.language):
        return _("Reminder: help desk appointment %(when)s. To cancel: %(url)s") % {
            "when": when(booking.start),
            "url": links.absolute(links.VIEW, booking),
        }


def confirmation_sms(booking: Booking) -> str:
    with translation.override(booking.language):
        return _("Help desk appointment booked: %(when)s. %(where)s To cancel: %(url)s") % {
            "when": when(booking.start),
            "where": where(booking),
            "url": links.absolute(links.VIEW, booking),
        }


def send_waitlist_offer(entry: WaitingListEntry) -> None:
    with translation.override(entry.language):
        context = {
            "entry": entry,
            "when": when(entry.offered_start),
            "expires": when(entry.offer_expires_at),
            "confirm_url": links.absolute(links.WAITLIST, entry),
            "site_name": settings.SITE_NAME,
        }
        subject, body = _render("waitlist_offer", context)
    send_mail(subject, body, None, [entry.email])
