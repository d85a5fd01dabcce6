"""The coordinator's pages: places with hours and holidays, mediators with availability."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sportello.accounts.decorators import staff_required
from sportello.accounts.models import Office
from sportello.accounts.roles import office_ids_for
from sportello.audit.log import record
from sportello.helpdesk import reminders
from sportello.helpdesk.access import (
    COORDINATORS,
    mediator_for,
    mediators_for,
    place_for,
    places_for,
)
from sportello.helpdesk.forms_staff import (
    AvailabilityForm,
    ExceptionForm,
    HolidayForm,
    MediatorForm,
    OpeningHoursForm,
    PlaceForm,
)
from sportello.helpdesk.models import WaitingListEntry

coordinator_required = staff_required(*COORDINATORS)


def _offices(user):
    ids = office_ids_for(user, *COORDINATORS)
    return Office.objects.all() if ids is None else Office.objects.filter(pk__in=ids)


@coordinator_required
def places(request):
    return render(request, "helpdesk/staff/places.html", {"places": places_for(request.user)})


@coordinator_required
def place_edit(request, pk=None):
    place = place_for(request.user, pk) if pk else None
    form = PlaceForm(request.POST or None, instance=place, offices=_offices(request.user))
    if request.method == "POST" and form.is_valid():
        place = form.save()
        record("helpdesk.place.saved", actor=request.user, obj=place)
        messages.success(request, _("The place is saved."))
        return redirect("helpdesk:place", place.pk)
    context = {
        "form": form,
        "place": place,
        "hours_form": OpeningHoursForm(prefix="hours"),
        "holiday_form": HolidayForm(prefix="holiday"),
    }
    return render(request, "helpdesk/staff/place.html", context, status=400 if form.errors else 200)


_PLACE_CHILDREN = {
    "hours": (OpeningHoursForm, "opening_hours"),
    "holiday": (HolidayForm, "holidays"),
}
_MEDIATOR_CHILDREN = {
    "availability": (AvailabilityForm, "availability"),
    "exception": (ExceptionForm, "exceptions"),
}


@require_POST
@coordinator_required
def place_child(request, pk, kind):
    place = place_for(request.user, pk)
    if kind not in _PLACE_CHILDREN:
        raise Http404
    form_class, related = _PLACE_CHILDREN[kind]
    return _add_or_delete(request, place, "place", form_class, related, kind, "helpdesk:place")


@coordinator_required
def mediators(request):
    return render(
        request, "helpdesk/staff/mediators.html", {"mediators": mediators_for(request.user)}
    )


@coordinator_required
def mediator_edit(request, pk=None):
    mediator = mediator_for(request.user, pk) if pk else None
    office_ids = office_ids_for(request.user, *COORDINATORS)
    form = MediatorForm(request.POST or None, instance=mediator, office_ids=office_ids)
    if request.method == "POST" and form.is_valid():
        mediator = form.save()
        record("helpdesk.mediator.saved", actor=request.user, obj=mediator)
        messages.success(request, _("The mediator is saved."))
        return redirect("helpdesk:mediator", mediator.pk)
    places = places_for(request.user)
    context = {
        "form": form,
        "mediator": mediator,
        "availability_form": AvailabilityForm(prefix="availability", places=places),
        "exception_form": ExceptionForm(prefix="exception", places=places),
    }
    return render(
        request, "helpdesk/staff/mediator.html", context, status=400 if form.errors else 200
    )


@require_POST
@coordinator_required
def mediator_child(request, pk, kind):
    mediator = mediator_for(request.user, pk)
    if kind not in _MEDIATOR_CHILDREN:
        raise Http404
    form_class, related = _MEDIATOR_CHILDREN[kind]
    return _add_or_delete(
        request,
        mediator,
        "mediator",
        form_class,
        related,
        kind,
        "helpdesk:mediator",
        places=places_for(request.user),
    )


def _add_or_delete(request, parent, parent_field, form_class, related, prefix, url, **extra):
    rows = getattr(parent, related)
    if "delete" in request.POST:
        row = get_object_or_404(rows, pk=request.POST["delete"])
        row.delete()
        record(f"helpdesk.{prefix}.deleted", actor=request.user, obj=parent)
        messages.success(request, _("Removed."))
        return redirect(url, parent.pk)
    form = form_class(request.POST, prefix=prefix, **extra)
    if form.is_valid():
        row = form.save(commit=False)
        setattr(row, parent_field, parent)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            messages.error(request, _("This is already there."))
        else:
            record(f"helpdesk.{prefix}.added", actor=request.user, obj=parent)
            messages.success(request, _("Added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(url, parent.pk)


@coordinator_required
def reminder_problems(request):
    return render(
        request, "helpdesk/staff/reminders.html", {"reminders": reminders.problems()[:200]}
    )


@coordinator_required
def waiting_list(request):
    entries = WaitingListEntry.objects.filter(status__in=["waiting", "offered"])
    return render(request, "helpdesk/staff/waitlist.html", {"entries": entries})
