"""Operators and mediators: book on the phone, find a caller's bookings, record outcomes."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sportello.accounts.decorators import staff_required
from sportello.accounts.models import CitizenProfile
from sportello.accounts.roles import Role, has_role
from sportello.audit.log import record
from sportello.helpdesk import booking, notify
from sportello.helpdesk.access import BOOKERS, booking_for
from sportello.helpdesk.forms import NeedForm, OutcomeForm, PhoneSearchForm
from sportello.helpdesk.models import Booking
from sportello.helpdesk.views.public import slots_page


@staff_required(*BOOKERS)
def home(request):
    mine = Booking.objects.none()
    if has_role(request.user, Role.MEDIATOR):
        since = timezone.now() - timezone.timedelta(days=7)
        mine = (
            Booking.objects.filter(mediator__user=request.user, start__gte=since)
            .select_related("place")
            .order_by("start")
        )
    is_coordinator = has_role(request.user, Role.COORDINATOR)
    return render(
        request, "helpdesk/staff/home.html", {"mine": mine, "coordinator": is_coordinator}
    )


@staff_required(*BOOKERS)
def search(request):
    form = PhoneSearchForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        found = booking.bookings_for_phone(form.cleaned_data["phone"])
        record(
            "helpdesk.booking.searched",
            actor=request.user,
            details={"phone": form.cleaned_data["phone"]},
        )
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request, "helpdesk/staff/search.html", {"form": form, "found": found}, status=status
    )


def _citizen(request):
    """The citizen a booking is for, when the operator comes from the citizen's file."""
    try:
        pk = int(request.GET.get("citizen", ""))
    except ValueError:
        return None
    return CitizenProfile.objects.select_related("user").filter(pk=pk).first()


@staff_required(*BOOKERS)
def book_start(request):
    context = {"form": NeedForm(), "staff": True, "citizen": _citizen(request)}
    return render(request, "helpdesk/book_start.html", context)


@staff_required(*BOOKERS)
def book_slots(request):
    citizen = _citizen(request)
    if citizen is not None and request.method == "GET":
        record("helpdesk.booking.for_citizen", actor=request.user, subject=citizen.user)
    return slots_page(request, staff=True, citizen=citizen)


@staff_required(*BOOKERS)
def booking_detail(request, pk):
    found = booking_for(request.user, pk)
    record("helpdesk.booking.viewed", actor=request.user, obj=found)
    context = {
        "booking": found,
        "when": notify.when(found.start),
        "where": notify.where(found),
        "may_record": found.mediator.user_id == request.user.pk
        or has_role(request.user, Role.COORDINATOR),
    }
    return render(request, "helpdesk/staff/booking.html", context)


@staff_required(Role.MEDIATOR, Role.COORDINATOR)
def outcome(request, pk):
    found = booking_for(request.user, pk, write=True)
    form = OutcomeForm(request.POST or None, initial={"duration_minutes": 30})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        booking.record_outcome(
            found,
            outcomes=data["outcomes"],
            duration_minutes=data["duration_minutes"],
            note=data["note"],
            by=request.user,
        )
        messages.success(request, _("The outcome is saved."))
        return redirect("helpdesk:staff_booking", found.pk)
    status = 400 if form.errors else 200
    return render(
        request, "helpdesk/staff/outcome.html", {"booking": found, "form": form}, status=status
    )


@require_POST
@staff_required(Role.MEDIATOR, Role.COORDINATOR)
def no_show(request, pk):
    found = booking_for(request.user, pk, write=True)
    booking.mark_no_show(found, request.user)
    messages.success(request, _("Marked as a no-show."))
    return redirect("helpdesk:staff_booking", found.pk)


@require_POST
@staff_required(*BOOKERS)
def staff_cancel(request, pk):
    found = booking_for(request.user, pk)
    if booking.cancel(found, actor=request.user):
        messages.success(request, _("The appointment is cancelled."))
    return redirect("helpdesk:staff_booking", found.pk)
