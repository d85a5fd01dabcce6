"""Administrators configure the switchboard here: trunks, numbers, queues, agents, IVR flows."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from sportello.accounts.decorators import staff_required
from sportello.accounts.roles import Role
from sportello.audit.log import record
from sportello.switchboard import prompts as prompt_service
from sportello.switchboard.forms import SECTIONS, FlowVersionForm, PromptUploadForm
from sportello.switchboard.models import IvrFlow, IvrFlowVersion, Prompt

admin_only = staff_required(Role.ADMINISTRATOR)


def _section(name):
    if name not in SECTIONS:
        raise Http404
    return SECTIONS[name]


@admin_only
def config_home(request):
    return render(request, "switchboard/config_home.html", {"sections": SECTIONS})


@admin_only
def section_list(request, section):
    model, _form, columns = _section(section)
    rows = [(obj, [getattr(obj, c) for c in columns]) for obj in model.objects.all()[:500]]
    headers = [model._meta.get_field(c).verbose_name for c in columns]
    return render(
        request,
        "switchboard/config_list.html",
        {
            "section": section,
            "title": model._meta.verbose_name_plural,
            "rows": rows,
            "headers": headers,
        },
    )


@admin_only
def section_edit(request, section, pk=None):
    model, form_class, _columns = _section(section)
    instance = get_object_or_404(model, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        obj = form.save()
        record(
            "switchboard.config_changed",
            actor=request.user,
            obj=obj,
            details={"section": section, "fields": form.changed_data},
        )
        messages.success(request, _("Saved."))
        return redirect("switchboard:config_list", section=section)
    return render(
        request,
        "switchboard/config_edit.html",
        {
            "form": form,
            "section": section,
            "title": model._meta.verbose_name,
        },
    )


@admin_only
def flow_versions(request, pk):
    flow = get_object_or_404(IvrFlow, pk=pk)
    current = flow.current_version()
    initial = {"name": flow.name}
    if current:
        import json

        initial["definition"] = json.dumps(current.definition, indent=2, ensure_ascii=False)
    form = FlowVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = publish_flow_version(flow, form.cleaned_data["definition"], request.user)
        messages.success(request, _("Version %(n)s is live for new calls.") % {"n": version.number})
        return redirect("switchboard:flow_versions", pk=flow.pk)
    return render(
        request,
        "switchboard/flow_versions.html",
        {
            "flow": flow,
            "form": form,
            "versions": flow.versions.order_by("-number"),
        },
    )


@transaction.atomic
def publish_flow_version(flow, definition, user) -> IvrFlowVersion:
    IvrFlow.objects.select_for_update().get(pk=flow.pk)
    last = flow.versions.order_by("-number").first()
    version = IvrFlowVersion.objects.create(
        flow=flow,
        number=(last.number + 1) if last else 1,
        definition=definition,
        published=True,
        created_by=user,
    )
    record("switchboard.flow_published", actor=user, obj=version)
    return version


@admin_only
def prompt_list(request):
    form = PromptUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            prompt = prompt_service.store_upload(
                form.cleaned_data["key"], form.cleaned_data["language"], form.cleaned_data["audio"]
            )
        except prompt_service.PromptError as exc:
            form.add_error("audio", str(exc))
        else:
            record("switchboard.prompt_uploaded", actor=request.user, obj=prompt)
            messages.success(request, _("The recording is saved and will be used for new calls."))
            return redirect("switchboard:prompts")
    prompts = Prompt.objects.order_by("key", "language")
    return render(request, "switchboard/prompts.html", {"form": form, "prompts": prompts})
