"""Video tutorials: the public library and player, and the coordinator's upload pages."""

import re

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sportello.audit.log import record
from sportello.helpdesk import media, tasks
from sportello.helpdesk.forms_staff import CaptionForm, TutorialForm, VideoUploadForm
from sportello.helpdesk.models import Caption, Tutorial
from sportello.helpdesk.views.manage import coordinator_required

SPEEDS = ["0.75", "1", "1.25", "1.5"]


def library(request):
    tutorials = Tutorial.objects.filter(status=Tutorial.Status.READY)
    return render(request, "helpdesk/tutorials/list.html", {"tutorials": tutorials})


def player(request, slug):
    tutorial = get_object_or_404(Tutorial, slug=slug, status=Tutorial.Status.READY)
    captions = list(tutorial.captions.all())
    language = get_language()
    transcript = next(
        (c for c in captions if c.kind == Caption.Kind.CAPTIONS and c.language == language),
        next((c for c in captions if c.kind == Caption.Kind.CAPTIONS), None),
    )
    context = {
        "tutorial": tutorial,
        "tracks": [c for c in captions if c.kind == Caption.Kind.CAPTIONS],
        "chapters": next(
            (c for c in captions if c.kind == Caption.Kind.CHAPTERS and c.language == language),
            None,
        ),
        "transcript": transcript,
        "cues": media.cues(transcript.text) if transcript else [],
        "language": language,
        "speeds": SPEEDS,
    }
    return render(request, "helpdesk/tutorials/player.html", context)


def video_file(request, slug, name):
    tutorial = get_object_or_404(Tutorial, slug=slug, status=Tutorial.Status.READY)
    field = {"video.mp4": tutorial.video, "poster.jpg": tutorial.poster}.get(name)
    if not field:
        raise Http404
    content_type = "video/mp4" if name.endswith("mp4") else "image/jpeg"
    byte_range = _byte_range(request.headers.get("Range", ""), field.size)
    if byte_range is not None:
        response = _partial(field, byte_range, content_type)
    else:
        response = FileResponse(field.open("rb"), content_type=content_type)
    response["Accept-Ranges"] = "bytes"
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{tutorial.slug}.mp4"'
    return response


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) of a single "bytes=" range, so players can seek; None for a full answer."""
    match = re.fullmatch(r"bytes=(\d*)-(\d*)", header.strip())
    if not match or not any(match.groups()) or size == 0:
        return None
    first, last = match.groups()
    if not first:  # the last N bytes
        return max(size - int(last), 0), size - 1
    first_n = int(first)
    if first_n >= size:
        return None
    return first_n, min(int(last) if last else size - 1, size - 1)


def _partial(field, byte_range: tuple[int, int], content_type: str) -> HttpResponse:
    first, last = byte_range
    with field.open("rb") as handle:
        handle.seek(first)
        body = handle.read(last - first + 1)
    response = HttpResponse(body, status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {first}-{last}/{field.size}"
    return response


def track(request, slug, language, kind):
    caption = get_object_or_404(Caption, tutorial__slug=slug, language=language, kind=kind)
    return HttpResponse(caption.text, content_type="text/vtt; charset=utf-8")


@coordinator_required
def manage_list(request):
    return render(request, "helpdesk/staff/tutorials.html", {"tutorials": Tutorial.objects.all()})


@coordinator_required
def manage_edit(request, pk=None):
    tutorial = get_object_or_404(Tutorial, pk=pk) if pk else None
    form = TutorialForm(request.POST or None, instance=tutorial)
    if request.method == "POST" and form.is_valid():
        tutorial = form.save()
        record("helpdesk.tutorial.saved", actor=request.user, obj=tutorial)
        messages.success(request, _("The tutorial is saved."))
        return redirect("helpdesk:tutorial_edit", tutorial.pk)
    context = {
        "form": form,
        "tutorial": tutorial,
        "upload_form": VideoUploadForm(),
        "caption_form": CaptionForm(),
    }
    return render(
        request, "helpdesk/staff/tutorial.html", context, status=400 if form.errors else 200
    )


@require_POST
@coordinator_required
def upload_video(request, pk):
    tutorial = get_object_or_404(Tutorial, pk=pk)
    form = VideoUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        context = {
            "form": TutorialForm(instance=tutorial),
            "tutorial": tutorial,
            "upload_form": form,
            "caption_form": CaptionForm(),
        }
        return render(request, "helpdesk/staff/tutorial.html", context, status=400)
    tutorial.source.save(
        f"source-{form.cleaned_data['video'].name[-40:]}", form.cleaned_data["video"]
    )
    tutorial.status = Tutorial.Status.PROCESSING
    tutorial.save(update_fields=["status"])
    record("helpdesk.tutorial.uploaded", actor=request.user, obj=tutorial)
    tasks.transcode_tutorial.enqueue(tutorial.pk)
    messages.success(request, _("The video is uploaded; it will be ready in a few minutes."))
    return redirect("helpdesk:tutorial_edit", tutorial.pk)


@require_POST
@coordinator_required
def upload_caption(request, pk):
    tutorial = get_object_or_404(Tutorial, pk=pk)
    form = CaptionForm(request.POST, request.FILES)
    if not form.is_valid():
        context = {
            "form": TutorialForm(instance=tutorial),
            "tutorial": tutorial,
            "upload_form": VideoUploadForm(),
            "caption_form": form,
        }
        return render(request, "helpdesk/staff/tutorial.html", context, status=400)
    data = form.cleaned_data
    Caption.objects.update_or_create(
        tutorial=tutorial,
        language=data["language"],
        kind=data["kind"],
        defaults={"text": data["file"]},
    )
    record(
        "helpdesk.tutorial.caption",
        actor=request.user,
        obj=tutorial,
        details={"language": data["language"]},
    )
    messages.success(request, _("The captions are saved."))
    return redirect("helpdesk:tutorial_edit", tutorial.pk)
