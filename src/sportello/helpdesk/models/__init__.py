from sportello.helpdesk.models.bookings import Booking, Reminder, WaitingListEntry
from sportello.helpdesk.models.people import Availability, AvailabilityException, Mediator
from sportello.helpdesk.models.places import Holiday, OpeningHours, Place
from sportello.helpdesk.models.tutorials import Caption, Tutorial

__all__ = [
    "Availability",
    "AvailabilityException",
    "Booking",
    "Caption",
    "Holiday",
    "Mediator",
    "OpeningHours",
    "Place",
    "Reminder",
    "Tutorial",
    "WaitingListEntry",
]
