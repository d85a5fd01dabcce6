"""The citizen's journey: apply, save a draft, submit, receipt, correct, withdraw, appeal."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from sportello.audit.log import record
from sportello.core import rows
from sportello.hiring import access
from sportello.hiring.forms import AppealForm, ApplicationForm
from sportello.hiring.models import Application, Attachment, Call
from sportello.hiring.services import applications as apply_services
from sportello.hiring.services.attachments import do_store
from sportello.hiring.services.labels import NOTE_LABELS, declaration_lines, rule_label
from sportello.hiring.services.ranking import do_appeal
from sportello.hiring.services.receipts import receipt_filename, receipt_pdf


def handle_application_form(request, call: Call, citizen, *, by, template_extra=None):
    """Shared by the citizen's own form and the operator's assisted form.

    A valid POST reads nothing it does not need: the submit path is the click-day hot path."""
    if request.method == "POST":
        submitting = request.POST.get("action") == "submit"
        form = ApplicationForm(
            request.POST, request.FILES, call=call, citizen=citizen, submitting=submitting
        )
        if form.is_valid():
            try:
                return _save(form, call, citizen, submitting, by)
            except ValidationError as exc:
                form.add_error(None, exc)
        existing = Application.objects.filter(call=call, citizen=citizen).first()
    else:
        existing = Application.objects.filter(call=call, citizen=citizen).first()
        form = ApplicationForm(initial=_initial(existing, citizen), call=call, citizen=citizen)
    context = {"call": call, "form": form, "existing": existing, "citizen": citizen}
    return render(request, "hiring/apply.html", {**context, **(template_extra or {})})


def _initial(existing: Application | None, citizen) -> dict:
    initial = ApplicationForm.initial_from(existing.data) if existing else {}
    profile = getattr(citizen, "citizen", None)
    if profile and profile.birth_date and "birth_date" not in initial:
        initial["birth_date"] = profile.birth_date
    return initial


def _save(form: ApplicationForm, call: Call, citizen, submitting: bool, by) -> Application:
    data = form.declaration_data()
    if submitting:
        app = apply_services.do_submit(
            call, citizen, data, key=form.cleaned_data["submit_key"], by=by
        ).application
    else:
        app = apply_services.do_save_draft(call, citizen, data, by=by)
    if upload := form.cleaned_data.get("attachment"):
        do_store(upload, by=by, application=app)
    return app


@login_required
@ratelimit(key="user", rate=settings.RATELIMIT_APPLICATION, method="POST", block=True)
def apply(request, pk: int):
    call = rows.load(Call, pk)  # the click-day hot path
    if call is None or call.phase == Call.Phase.DRAFT:
        raise Http404
    if not call.is_open:
        try:
            apply_services.check_window(call)
        except ValidationError as exc:
            return render(
                request,
                "hiring/closed.html",
                {"call": call, "message": exc.messages[0]},
                status=409 if request.method == "POST" else 200,
            )
    result = handle_application_form(request, call, request.user, by=request.user)
    if isinstance(result, Application):
        if result.status == Application.Status.SUBMITTED:
            messages.success(request, _("Your application is submitted. Keep the receipt."))
        else:
            messages.success(request, _("Your draft is saved. Submit it before the window closes."))
        # 303: the browser GETs the receipt page, and reloading it never posts the form again.
        return HttpResponseRedirect(reverse("hiring:application", args=[result.pk]), status=303)
    return result


@login_required
def my_applications(request):
    apps = Application.objects.filter(citizen=request.user).select_related("call")
    return render(request, "hiring/my_applications.html", {"applications": apps})


def _explanation(entry) -> list[dict]:
    return [
        {
            **line,
            "label": rule_label(line["label"]),
            "note": str(NOTE_LABELS.get(line["note"], "")) if line["note"] else "",
        }
        for line in entry.explanation
    ]


@login_required
def application_detail(request, pk: int):
    app = access.own_application(request, pk)
    entries = list(app.ranking_entries.filter(stage=app.call.phase).order_by("job_centre"))
    entry = next((e for e in entries if e.position), entries[0] if entries else None)
    centres = dict(app.call.job_centres.values_list("code", "name"))
    positions = [(centres.get(e.job_centre, ""), e.position) for e in entries if e.position]
    context = {
        "app": app,
        "call": app.call,
        "lines": declaration_lines(app.data),
        "entry": entry,
        "positions": positions,
        "explanation": _explanation(entry) if entry else [],
        "excluded": [rule_label(r) for r in entry.excluded_reasons] if entry else [],
        "revision": app.latest_revision,
        "appeals": app.appeals.all(),
        "attachments": app.attachments.all(),
    }
    return render(request, "hiring/application.html", context)


@login_required
def receipt(request, pk: int):
    app = access.own_application(request, pk)
    revision = app.latest_revision
    if revision is None:
        return redirect("hiring:application", app.pk)
    response = HttpResponse(receipt_pdf(revision), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt_filename(revision)}"'
    return response


@login_required
@require_POST
def withdraw(request, pk: int):
    app = access.own_application(request, pk)
    try:
        apply_services.do_withdraw(app, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect("hiring:application", app.pk)


@login_required
@ratelimit(key="user", rate=settings.RATELIMIT_APPLICATION, method="POST", block=True)
def appeal(request, pk: int):
    app = access.own_application(request, pk)
    form = AppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            filed = do_appeal(app, form.cleaned_data["text"], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if upload := form.cleaned_data.get("attachment"):
                do_store(upload, by=request.user, appeal=filed)
            messages.success(request, _("Your review request is filed."))
            return redirect("hiring:application", app.pk)
    return render(request, "hiring/appeal.html", {"app": app, "form": form})


@login_required
def attachment(request, pk: int):
    """Serve an attachment to its owner or to office staff in scope, and log the access."""
    item = (
        Attachment.objects.select_related("application__call", "appeal__application")
        .filter(pk=pk)
        .first()
    )
    if item is None or not access.may_read_attachment(request.user, item):
        raise access.denied(request, "attachment", pk)
    record("hiring.attachment_viewed", actor=request.user, subject=item.owner, obj=item)
    return FileResponse(
        item.file.open("rb"),
        content_type=item.content_type,
        as_attachment=True,
        filename=f"attachment-{item.pk}.{item.file.name.rsplit('.', 1)[-1]}",
    )
