"""Candidates sent to the body, and the outcome the body records for each."""

import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sportello.audit.log import record
from sportello.hiring.models import Call, Candidate, RankingEntry
from sportello.hiring.services.notify import notify_body
from sportello.hiring.services.ranking import job_centre_lists


def candidate_list(call: Call) -> str:
    """The ranking candidates come from: the call's own job centre when ranked per centre."""
    lists = job_centre_lists(call)
    return call.office.code if call.office.code in lists else lists[0]


def _next_entries(call: Call, count: int) -> list[RankingEntry]:
    called = Candidate.objects.filter(call=call).values("entry__application_id")
    return list(
        call.ranking.filter(stage=RankingEntry.Stage.FINAL, position__isnull=False)
        .filter(job_centre=candidate_list(call))
        .exclude(application_id__in=called)
        .order_by("position")[:count]
    )


def do_send_candidates(call: Call, *, by, count: int | None = None) -> list[Candidate]:
    """Send the top posts × factor (or `count` more) ranked applicants to the body."""
    if call.phase != Call.Phase.FINAL:
        raise ValidationError(_("Candidates are sent after the final ranking."))
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=call.pk)
        if count is None:
            if call.candidates.exists():
                raise ValidationError(_("Candidates were already sent; call the next ones."))
            count = math.ceil(call.posts * call.candidate_factor)
        sent = [Candidate.objects.create(call=call, entry=e) for e in _next_entries(call, count)]
        if not sent:
            raise ValidationError(_("No more ranked applicants to call."))
        for body in {r.body for r in call.requests.select_related("body")}:
            values = {"call": lambda: call.title_text}
            notify_body(body, "candidates", values, "hiring:candidates", [call.pk])
        record(
            "hiring.candidates_sent",
            actor=by,
            obj=call,
            details={"protocols": [c.entry.protocol for c in sent]},
        )
    return sent


def do_record_outcome(candidate: Candidate, outcome: str, reason: str, *, by) -> None:
    if outcome not in Candidate.Outcome.values or outcome == Candidate.Outcome.PENDING:
        raise ValidationError(_("Choose an outcome."))
    if outcome == Candidate.Outcome.REJECTED and not reason.strip():
        raise ValidationError(_("Give the reason for the rejection."))
    candidate.outcome, candidate.reason, candidate.recorded_by = outcome, reason, by
    candidate.save(update_fields=["outcome", "reason", "recorded_by"])
    record(
        "hiring.candidate_outcome",
        actor=by,
        subject=candidate.entry.application.citizen,
        obj=candidate,
        details={"outcome": outcome},
    )
