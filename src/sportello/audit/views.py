from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from sportello.accounts.decorators import staff_required
from sportello.accounts.roles import Role
from sportello.audit.forms import AuditSearchForm
from sportello.audit.models import AuditEvent


@staff_required(Role.ADMINISTRATOR)
def event_list(request):
    form = AuditSearchForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if q := data.get("q"):
            events = events.filter(
                Q(actor_label__icontains=q)
                | Q(subject_label__icontains=q)
                | Q(action__icontains=q)
                | Q(object_id=q)
            )
        if data.get("since"):
            events = events.filter(at__date__gte=data["since"])
        if data.get("until"):
            events = events.filter(at__date__lte=data["until"])
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"form": form, "page": page})
