"""Public pages: the list of calls (with filters and a feed), a call, a published ranking."""

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext_lazy as _

from sportello.hiring.forms import CallFilterForm
from sportello.hiring.models import Application, Call


def public_calls():
    return Call.objects.exclude(phase=Call.Phase.DRAFT).prefetch_related("requests", "job_centres")


def filtered_calls(form: CallFilterForm):
    calls = public_calls()
    if not form.is_valid():
        return calls
    data, now = form.cleaned_data, timezone.now()
    if data["place"]:
        calls = calls.filter(
            Q(requests__place__icontains=data["place"])
            | Q(job_centres__name__icontains=data["place"])
        )
    if data["profile"]:
        calls = calls.filter(requests__profile__icontains=data["profile"])
    published = Q(phase=Call.Phase.PUBLISHED)
    states = {
        "open": published & Q(opens_at__lte=now, closes_at__gt=now),
        "upcoming": published & Q(opens_at__gt=now),
        "closed": Q(closes_at__lte=now),
    }
    if data["state"]:
        calls = calls.filter(states[data["state"]])
    return calls.distinct()


def call_list(request):
    form = CallFilterForm(request.GET or None)
    return render(request, "hiring/call_list.html", {"form": form, "calls": filtered_calls(form)})


def call_detail(request, pk: int):
    call = get_object_or_404(public_calls(), pk=pk)
    mine = None
    if request.user.is_authenticated:
        mine = Application.objects.filter(call=call, citizen=request.user).first()
    return render(request, "hiring/call_detail.html", {"call": call, "mine": mine})


def public_ranking(request, pk: int):
    """Pseudonymised: protocol number, position and score only, never names."""
    call = get_object_or_404(public_calls(), pk=pk)
    stage = {Call.Phase.PROVISIONAL: "provisional", Call.Phase.FINAL: "final"}.get(call.phase)
    groups: list[tuple[str, list]] = []
    if stage:
        names = dict(call.job_centres.values_list("code", "name"))
        entries = call.ranking.filter(stage=stage, position__isnull=False).only(
            "job_centre", "position", "protocol", "score_hundredths"
        )
        for entry in entries.order_by("job_centre", "position"):
            if not groups or groups[-1][0] != names.get(entry.job_centre, ""):
                groups.append((names.get(entry.job_centre, ""), []))
            groups[-1][1].append(entry)
    return render(
        request, "hiring/public_ranking.html", {"call": call, "groups": groups, "stage": stage}
    )


class CallFeed(Feed):
    feed_type = Atom1Feed
    title = _("Public job calls")
    subtitle = _("Calls for applications published by the employment office")

    def link(self):
        return reverse("hiring:call_list")

    def items(self):
        return public_calls().order_by("-published_at")[:50]

    def item_title(self, item: Call) -> str:
        return item.title_text

    def item_description(self, item: Call) -> str:
        return item.description_text

    def item_link(self, item: Call) -> str:
        return reverse("hiring:call_detail", args=[item.pk])

    def item_pubdate(self, item: Call):
        return item.published_at


class CallRssFeed(CallFeed):
    feed_type = Rss201rev2Feed
