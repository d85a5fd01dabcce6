"""The helpline out of hours: book a call-back appointment for the caller, no web page needed.

The switchboard's IVR, when the help-desk queue is closed, can offer the caller a call-back and
call `book_callback` with the number they call from, the language they chose and their need. The
first free phone slot is booked; the mediator calls the citizen at that time. The confirmation
(day, time, cancel link) and the reminders go out by SMS.
"""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sportello.helpdesk import phones, reminders
from sportello.helpdesk.availability import Request, free_slots
from sportello.helpdesk.booking import Contact, SlotUnavailable, book
from sportello.helpdesk.choices import Channel, Need
from sportello.helpdesk.models import Booking

CALLBACK_DAYS = 14


def book_callback(number: str, language: str, need: str) -> Booking:
    """The earliest free call-back appointment, or SlotUnavailable saying why not."""
    if language not in dict(settings.LANGUAGES):
        raise SlotUnavailable(_("We do not offer appointments in that language."))
    with translation.override(language):
        e164 = phones.normalise(number)
        if e164 is None:
            raise SlotUnavailable(_("This number cannot be called back."))
        if need not in Need.values:
            raise SlotUnavailable(_("Choose what you need help with."))
        request = Request(need, language, Channel.PHONE)
        contact = Contact(_("Helpline caller %(number)s") % {"number": e164}, e164)
        for slot in free_slots(request, timezone.localdate(), CALLBACK_DAYS):
            try:
                made = book(request, slot.key, contact)
            except SlotUnavailable:
                continue  # taken in the meantime: the next one
            reminders.confirm_by_sms(made)  # no e-mail address: the confirmation goes by SMS
            return made
        raise SlotUnavailable(_("No mediator is free to call you back in the next two weeks."))
