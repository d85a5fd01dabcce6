"""Listening to a call recording: supervisors and administrators only, and every listen is audited."""

from pathlib import Path

from django.http import FileResponse, Http404

from sportello.accounts.decorators import staff_required
from sportello.accounts.roles import Role
from sportello.audit.log import record
from sportello.switchboard.models import Recording


@staff_required(Role.SUPERVISOR, Role.ADMINISTRATOR)
def recording_audio(request, pk: int):
    recording = Recording.objects.filter(pk=pk, deleted_at__isnull=True).first()
    if recording is None or not Path(recording.file).is_file():
        raise Http404
    record(
        "switchboard.recording_listened", actor=request.user, obj=recording,
        details={"call": str(recording.call_id)},
    )  # fmt: skip
    response = FileResponse(open(recording.file, "rb"), content_type="audio/wav")
    response["Cache-Control"] = "private, no-store"
    return response
