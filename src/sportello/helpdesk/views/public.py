"""The citizen's booking journey: need → free times → contact details → confirmation."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from sportello.helpdesk import booking, links, notify, waitlist
from sportello.helpdesk.choices import Channel, Need
from sportello.helpdesk.forms import ContactForm, NeedForm
from sportello.helpdesk.models import Booking
from sportello.helpdesk.views.common import query_without_week, slot_days, week_of

RATE = getattr(settings, "RATELIMIT_HELPDESK_BOOKING", "10/m")


def start(request):
    return render(request, "helpdesk/book_start.html", {"form": NeedForm(), "staff": False})


def slots_page(request, *, staff: bool, template: str = "helpdesk/book_slots.html", citizen=None):
    """Free times and the contact form; `citizen` (a CitizenProfile) when staff book for one."""
    need_form = NeedForm(request.GET)
    if not need_form.is_valid():
        return render(
            request, "helpdesk/book_start.html", {"form": need_form, "staff": staff}, status=400
        )
    req = need_form.as_request()
    contact = ContactForm(request.POST or None, channel=req.channel, initial=_contact_of(citizen))
    slot_error = None
    if request.method == "POST" and contact.is_valid():
        try:
            made = booking.book(
                req,
                request.POST.get("slot", ""),
                booking.Contact(
                    contact.cleaned_data["name"],
                    contact.cleaned_data["phone"],
                    contact.cleaned_data["email"],
                    request.user if _is_citizen(request) else getattr(citizen, "user", None),
                ),
                booked_by=request.user if staff else None,
            )
        except booking.SlotUnavailable as exc:
            slot_error = exc.message
        else:
            messages.success(request, _("Your appointment is booked."))
            if staff:
                return redirect("helpdesk:staff_booking", made.pk)
            return redirect(links.path(links.VIEW, made))
    elif request.method == "POST" and not request.POST.get("slot"):
        slot_error = _("Choose a time from the list.")
    week = week_of(request)
    context = {
        "need_form": need_form,
        "form": contact,
        "days": slot_days(req, week),
        "week": week,
        "query": query_without_week(request),
        "slot_error": slot_error,
        "chosen": request.POST.get("slot", ""),
        "staff": staff,
        "summary": _summary(need_form),
        "citizen": citizen,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, template, context, status=status)


@ratelimit(key="ip", rate=RATE, method="POST", block=True)
def slots(request):
    return slots_page(request, staff=False)


@ratelimit(key="ip", rate=RATE, method="POST", block=True)
def join_waitlist(request):
    need_form = NeedForm(request.GET)
    if not need_form.is_valid():
        return render(request, "helpdesk/book_start.html", {"form": need_form}, status=400)
    req = need_form.as_request()
    form = ContactForm(request.POST or None, channel=req.channel)
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data["email"]:
            form.add_error("email", _("We need an e-mail address to send you the offer."))
        else:
            data = form.cleaned_data
            citizen = request.user if _is_citizen(request) else None
            waitlist.join(req, booking.Contact(data["name"], data["phone"], data["email"], citizen))
            return render(request, "helpdesk/waitlist_done.html")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "helpdesk/waitlist.html",
        {"form": form, "query": request.GET.urlencode()},
        status=status,
    )


def _summary(form: NeedForm) -> dict:
    data = form.cleaned_data
    return {
        "need": dict(Need.choices)[data["need"]],
        "channel": dict(Channel.choices)[data["channel"]],
        "place": data["place"] if data["channel"] == Channel.IN_PERSON else None,
    }


def _contact_of(citizen) -> dict | None:
    if citizen is None:
        return None
    name = f"{citizen.given_name} {citizen.family_name}".strip() or str(citizen.user)
    return {"name": name, "phone": citizen.phone, "email": citizen.user.email}


def _is_citizen(request) -> bool:
    return request.user.is_authenticated and not request.user.role_assignments.exists()


@login_required
def mine(request):
    """A logged-in citizen's appointments, each with its manage link."""
    rows = [
        {"booking": b, "when": notify.when(b.start), "url": links.path(links.VIEW, b)}
        for b in Booking.objects.filter(citizen=request.user).select_related("place")
    ]
    return render(request, "helpdesk/mine.html", {"rows": rows})
