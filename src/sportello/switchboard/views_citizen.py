"""The agent desktop's screen pop: citizens matched by the caller's number or searched, and the
citizen's file. Every lookup and every opening of a file is audit-logged."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from sportello.accounts.models import CitizenProfile
from sportello.accounts.roles import has_role
from sportello.audit.log import record
from sportello.helpdesk import phones
from sportello.helpdesk.access import BOOKERS
from sportello.hiring.access import OFFICE_ROLES
from sportello.switchboard import citizens
from sportello.switchboard.views_desktop import agent_only


def _results(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    template = "switchboard/citizen_results.html"
    if not request.GET.get("part"):
        template = "switchboard/citizen_search.html"
    return render(request, template, context, status=status)


@agent_only
def lookup(request: HttpRequest) -> HttpResponse:
    """?phone= (the caller's number, for the screen pop) or ?q= (codice fiscale or name)."""
    phone, query = request.GET.get("phone", "").strip(), request.GET.get("q", "").strip()
    context = {"query": query, "phone": phone, "call": request.GET.get("call", "")[:64]}
    if phone:
        found, how = citizens.for_phone(phone), "phone"
    elif "q" in request.GET:
        try:
            found, how = citizens.search(query), "search"
        except citizens.SearchError:
            context["error"] = _(
                "Type at least %(count)s characters of a name, or a whole codice fiscale."
            ) % {"count": citizens.MIN_QUERY}
            return _results(request, context, status=400)
    else:
        return _results(request, context)
    if found:
        record("switchboard.citizens_listed", actor=request.user,
               details={"by": how, "citizens": [c.pk for c in found]})  # fmt: skip
    return _results(request, context | {"found": found, "searched": True})


@agent_only
def citizen_file(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_object_or_404(CitizenProfile.objects.select_related("user"), pk=pk)
    call = request.GET.get("call", "")[:64]
    record("switchboard.citizen_file_viewed", actor=request.user, subject=profile.user,
           obj=profile, details={"call": call} if call else None)  # fmt: skip
    return render(request, "switchboard/citizen_file.html", {
        "file": citizens.citizen_file(profile),
        "may_file_applications": has_role(request.user, *OFFICE_ROLES),
        "may_book": has_role(request.user, *BOOKERS),
        "dial_number": profile.phone if phones.normalise(profile.phone) else "",
    })  # fmt: skip
