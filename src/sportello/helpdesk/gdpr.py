"""The help desk's part of a citizen's personal-data export."""

from django.db.models import Q

from sportello.helpdesk.models import Booking, WaitingListEntry


def export_bookings(user) -> dict:
    mine = Q(citizen=user) | Q(email__iexact=user.email)
    bookings = Booking.objects.filter(mine).select_related("place")
    waiting = WaitingListEntry.objects.filter(mine)
    return {
        "helpdesk_appointments": [
            {
                "start": b.start.isoformat(),
                "need": b.need,
                "channel": b.channel,
                "language": b.language,
                "place": b.place.name,
                "status": b.status,
                "name": b.name,
                "phone": b.phone,
                "email": b.email,
                "outcomes": b.outcomes,
            }
            for b in bookings
        ],
        "helpdesk_waiting_list": [
            {"created": w.created_at.isoformat(), "need": w.need, "status": w.status}
            for w in waiting
        ],
    }
