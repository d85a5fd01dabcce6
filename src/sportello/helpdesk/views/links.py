"""Pages reached from signed links in e-mails: no login, one purpose each, single use."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from sportello.helpdesk import booking, links, notify, waitlist
from sportello.helpdesk.views.common import query_without_week, slot_days, week_of


def _bad_link(request):
    return render(request, "helpdesk/link_invalid.html", status=400)


@never_cache
def booking_page(request, token):
    made = booking.from_token(links.VIEW, token)
    if made is None:
        return _bad_link(request)
    context = {
        "booking": made,
        "when": notify.when(made.start),
        "where": notify.where(made),
        "cancel_url": links.path(links.CANCEL, made),
        "reschedule_url": links.path(links.RESCHEDULE, made),
        "upcoming": made.start > timezone.now(),
    }
    return render(request, "helpdesk/booking.html", context)


@never_cache
def cancel(request, token):
    made = booking.from_token(links.CANCEL, token)
    if made is None:
        return _bad_link(request)
    if request.method == "POST":
        booking.cancel(made)
        return render(request, "helpdesk/cancelled.html")
    return render(
        request, "helpdesk/cancel.html", {"booking": made, "when": notify.when(made.start)}
    )


@never_cache
def reschedule(request, token):
    made = booking.from_token(links.RESCHEDULE, token)
    if made is None:
        return _bad_link(request)
    slot_error = None
    if request.method == "POST":
        try:
            new = booking.reschedule(made, request.POST.get("slot", ""))
        except booking.SlotUnavailable as exc:
            slot_error = exc.message
        else:
            messages.success(request, _("Your appointment has been moved."))
            return redirect(links.path(links.VIEW, new))
    week = week_of(request)
    context = {
        "booking": made,
        "when": notify.when(made.start),
        "days": slot_days(booking.request_of(made), week),
        "week": week,
        "query": query_without_week(request),
        "slot_error": slot_error,
    }
    return render(request, "helpdesk/reschedule.html", context, status=400 if slot_error else 200)


@never_cache
def waitlist_confirm(request, token):
    entry = waitlist.from_token(token)
    if entry is None:
        return _bad_link(request)
    error = None
    if request.method == "POST":
        try:
            made = waitlist.confirm(entry)
        except booking.SlotUnavailable as exc:
            error = exc.message
        else:
            messages.success(request, _("Your appointment is booked."))
            return redirect(links.path(links.VIEW, made))
    context = {"entry": entry, "when": notify.when(entry.offered_start), "error": error}
    return render(request, "helpdesk/waitlist_confirm.html", context, status=400 if error else 200)
