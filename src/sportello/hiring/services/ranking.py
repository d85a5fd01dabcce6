"""Verification, ranking with the frozen rule set, appeals, final ranking."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sportello.audit.log import record
from sportello.core.rows import delete_rows, insert_many
from sportello.hiring.models import Appeal, Application, Call, RankingEntry
from sportello.hiring.rules import ApplicantDataError, rank, score_all
from sportello.hiring.rules.ranking import gc_paused
from sportello.hiring.services.facts import to_applicant
from sportello.hiring.services.notify import notify

Stage = RankingEntry.Stage


def reference_date(call: Call):
    return timezone.localtime(call.opens_at).date()


def do_verify(app: Application, outcome: str, note: str, corrected: dict | None, *, by) -> None:
    """Record the office's check of one application's declarations."""
    if app.call.phase not in (Call.Phase.PUBLISHED, Call.Phase.PROVISIONAL):
        raise ValidationError(_("The ranking is final: declarations can no longer change."))
    if outcome != Application.Verification.CHECKED and not note.strip():
        raise ValidationError(_("Write a note that explains the correction or the exclusion."))
    app.verification, app.verification_note = outcome, note
    app.verified_data = corrected if outcome == Application.Verification.CORRECTED else None
    app.save(update_fields=["verification", "verification_note", "verified_data", "updated_at"])
    record(
        "hiring.application_verified",
        actor=by,
        subject=app.citizen,
        obj=app,
        details={"outcome": outcome},
    )
    if outcome == Application.Verification.EXCLUDED:
        notify(app.citizen, "excluded", app)


def _explanation(result) -> list[dict]:
    return [
        {
            "key": line.key,
            "label": line.label,
            "value": _plain(line.value),
            "points": str(line.points),
            "note": line.note,
        }
        for line in result.lines
    ]


def _plain(value):
    return value if isinstance(value, int | float | str | bool | type(None)) else str(value)


def do_compute(call: Call, stage: str, *, by) -> int:
    """(Re)compute the ranking rows of `stage`; returns how many applications were ranked."""
    if call.phase == Call.Phase.FINAL:
        raise ValidationError(_("The final ranking is frozen."))
    with gc_paused():
        rows, ranked = _compute_rows(call, stage)
    with transaction.atomic():
        # no candidate points at these rows: candidates are chosen once the ranking is final
        delete_rows(RankingEntry.objects.filter(call=call, stage=stage))
        insert_many(RankingEntry, rows)
        record("hiring.ranking_computed", actor=by, obj=call, details={"stage": stage})
    return ranked


def job_centre_lists(call: Call) -> list[str]:
    """One ranking per job centre (office code) when the rule set orders by the applicant's
    preference among job centres (Valle d'Aosta); otherwise one list, named ""."""
    if not any(t.by == "preference" for t in call.frozen().tie_breakers):
        return [""]
    return list(call.job_centres.order_by("code").values_list("code", flat=True)) or [""]


def _compute_rows(call: Call, stage: str) -> tuple[list[RankingEntry], int]:
    ruleset, ref = call.frozen(), reference_date(call)
    apps = list(
        call.applications.filter(status=Application.Status.SUBMITTED).only(
            "id", "call", "protocol", "verification", "data", "verified_data"
        )
    )
    excluded = [a for a in apps if a.verification == Application.Verification.EXCLUDED]
    excluded_ids = {a.pk for a in excluded}
    kept = {a.protocol: a for a in apps if a.pk not in excluded_ids}
    try:
        applicants = {p: to_applicant(p, a.effective_data) for p, a in kept.items()}
        lists = {
            c: rank(ruleset, applicants.values(), ref, c or None) for c in job_centre_lists(call)
        }
        explained = {
            r.protocol: _explanation(r) for r in score_all(ruleset, list(applicants.values()), ref)
        }
    except (ApplicantDataError, KeyError, ValueError) as exc:
        raise ValidationError(
            _("A declaration cannot be scored: %(error)s") % {"error": exc}
        ) from exc
    rows, ranked = [], set()
    for centre, entries in lists.items():
        for entry in entries:
            if entry.position:
                ranked.add(entry.protocol)
            rows.append(
                RankingEntry(
                    call_id=call.pk,
                    stage=stage,
                    job_centre=centre,
                    application_id=kept[entry.protocol].pk,
                    protocol=entry.protocol,
                    position=entry.position,
                    score_hundredths=entry.total_hundredths,
                    excluded_reasons=list(entry.reasons),
                    explanation=explained[entry.protocol],
                )
            )
    rows += [
        RankingEntry(
            call=call,
            stage=stage,
            application=a,
            protocol=a.protocol,
            excluded_reasons=["verification"],
        )
        for a in excluded
    ]
    return rows, len(ranked)


def check_can_rank(call: Call) -> None:
    if call.phase != Call.Phase.PUBLISHED or not call.is_closed:
        raise ValidationError(_("The provisional ranking is computed after the window closes."))


def do_publish_provisional(call: Call, *, by) -> None:
    check_can_rank(call)
    if not call.ranking.filter(stage=Stage.PROVISIONAL).exists():
        raise ValidationError(_("Compute the ranking before publishing it."))
    with transaction.atomic():
        call.phase, call.ranking_published_at = Call.Phase.PROVISIONAL, timezone.now()
        call.save(update_fields=["phase", "ranking_published_at"])
        record("hiring.ranking_published", actor=by, obj=call, details={"stage": "provisional"})
        for app in call.applications.filter(status=Application.Status.SUBMITTED):
            notify(app.citizen, "provisional", app)


def check_appeal(app: Application) -> None:
    deadline = app.call.appeal_deadline
    if deadline is None or timezone.now() >= deadline:
        raise ValidationError(_("Review requests are accepted only during the appeal window."))
    if app.status != Application.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted application can ask for a review."))


def do_appeal(app: Application, text: str, *, by) -> Appeal:
    check_appeal(app)
    appeal = Appeal.objects.create(application=app, text=text)
    record("hiring.appeal_filed", actor=by, subject=app.citizen, obj=appeal)
    return appeal


def do_decide_appeal(appeal: Appeal, accepted: bool, reason: str, corrected: dict | None, *, by):
    if appeal.status != Appeal.Status.PENDING:
        raise ValidationError(_("This review request was already decided."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the decision."))
    app = appeal.application
    with transaction.atomic():
        appeal.status = Appeal.Status.ACCEPTED if accepted else Appeal.Status.REJECTED
        appeal.decision_reason, appeal.decided_by = reason, by
        appeal.decided_at = timezone.now()
        appeal.save()
        if accepted:
            app.verification = (
                Application.Verification.CORRECTED
                if corrected
                else Application.Verification.CHECKED
            )
            app.verified_data, app.verification_note = corrected, reason
            app.save(update_fields=["verification", "verified_data", "verification_note"])
        record(
            "hiring.appeal_decided",
            actor=by,
            subject=app.citizen,
            obj=appeal,
            details={"accepted": accepted},
        )
        notify(app.citizen, "appeal_decided", app)
    do_compute(app.call, Stage.PROVISIONAL, by=by)


def do_finalise(call: Call, *, by) -> None:
    """Compute and publish the final ranking; from now on it never changes."""
    if Appeal.objects.filter(application__call=call, status=Appeal.Status.PENDING).exists():
        raise ValidationError(_("Decide every review request first."))
    deadline = call.appeal_deadline
    if deadline is None or timezone.now() < deadline:
        raise ValidationError(_("The final ranking comes after the appeal window closes."))
    with transaction.atomic():
        do_compute(call, Stage.FINAL, by=by)
        call.phase, call.ranking_published_at = Call.Phase.FINAL, timezone.now()
        call.save(update_fields=["phase", "ranking_published_at"])
        record("hiring.ranking_published", actor=by, obj=call, details={"stage": "final"})
        for app in call.applications.filter(status=Application.Status.SUBMITTED):
            notify(app.citizen, "final", app)
