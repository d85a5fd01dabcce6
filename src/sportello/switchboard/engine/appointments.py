"""The IVR's book_appointment step: a help-desk call-back appointment for the caller's number.

The booking itself is the help desk's (`helpdesk.helpline.book_callback`); it runs in Django's
sync thread like every other write of the engine, so the event loop never waits on the database.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from asgiref.sync import sync_to_async

from sportello.helpdesk.booking import SlotUnavailable
from sportello.helpdesk.helpline import book_callback
from sportello.switchboard import ivr

if TYPE_CHECKING:
    from sportello.switchboard.engine.session import InboundCall

log = logging.getLogger(__name__)


async def book(call: InboundCall, step: ivr.BookAppointment) -> bool:
    """Whether the caller now has an appointment; the reason it failed is only logged."""
    call.record.language = step.language
    call.record.ivr_path = list(call.ivr.path)
    number = call.record.caller_number
    try:
        made = await sync_to_async(book_callback)(number, step.language, step.need)
    except SlotUnavailable as refused:
        log.info("call %s: no call-back appointment for %s: %s", call.id, number, refused.message)
        return False
    log.info("call %s: call-back appointment %s booked", call.id, made.pk)
    return True
