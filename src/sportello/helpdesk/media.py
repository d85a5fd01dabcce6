"""Tutorial videos: sniff uploads with ffprobe, transcode with ffmpeg, check WebVTT."""

import io
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import webvtt
from django.core.files import File

from sportello.helpdesk.models import Tutorial

FFPROBE = "ffprobe"
FFMPEG = "ffmpeg"
# Containers that hold a single picture, which ffprobe also reports as a "video" stream.
STILL_FORMATS = {"image2", "png_pipe", "jpeg_pipe", "gif", "webp_pipe", "bmp_pipe", "tiff_pipe"}


def available() -> bool:
    return bool(shutil.which(FFMPEG) and shutil.which(FFPROBE))


def probe(path: Path) -> dict | None:
    """ffprobe's view of the file, or None when it is not a readable media file."""
    result = subprocess.run(
        [
            FFPROBE,
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            str(path),
        ],
        capture_output=True,
        check=False,
        timeout=60,
    )
    if result.returncode != 0:
        return None
    try:
        return json.loads(result.stdout)
    except ValueError:
        return None


def is_video(info: dict | None) -> bool:
    if not info:
        return False
    formats = set(info.get("format", {}).get("format_name", "").split(","))
    if formats & STILL_FORMATS:
        return False
    streams = info.get("streams", [])
    has_video = any(
        s.get("codec_type") == "video" and s.get("disposition", {}).get("attached_pic") != 1
        for s in streams
    )
    try:
        duration = float(info.get("format", {}).get("duration", 0))
    except ValueError:
        duration = 0
    return has_video and duration > 0


def sniff_upload(upload) -> bool:
    """Write the upload to a temporary file and ask ffprobe whether it is a real video."""
    with tempfile.NamedTemporaryFile(suffix=".upload") as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        ok = is_video(probe(Path(tmp.name)))
    upload.seek(0)
    return ok


def parse_vtt(text: str):
    """The parsed captions; raises ValueError when the text is not valid WebVTT."""
    try:
        captions = webvtt.from_buffer(io.StringIO(text))
    except Exception as exc:  # webvtt raises its own error types and sometimes plain ones
        raise ValueError(str(exc)) from None
    if not len(captions):
        raise ValueError("no cues")
    return captions


def cues(text: str) -> list[dict]:
    try:
        return [{"start": c.start, "text": c.text} for c in parse_vtt(text)]
    except ValueError:
        return []


def process(tutorial: Tutorial) -> None:
    """Transcode the source to MP4 (H.264/AAC) and grab a poster frame."""
    tutorial.status = Tutorial.Status.PROCESSING
    tutorial.save(update_fields=["status"])
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        out, poster = work / "video.mp4", work / "poster.jpg"
        try:
            _transcode(Path(tutorial.source.path), out)
            _poster(out, poster)
            info = probe(out) or {}
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            tutorial.status = Tutorial.Status.FAILED
            tutorial.error = str(exc)[:300]
            tutorial.save(update_fields=["status", "error"])
            return
        with out.open("rb") as video, poster.open("rb") as image:
            tutorial.video.save("video.mp4", File(video), save=False)
            tutorial.poster.save("poster.jpg", File(image), save=False)
    tutorial.duration_seconds = round(float(info.get("format", {}).get("duration", 0)))
    tutorial.status = Tutorial.Status.READY
    tutorial.error = ""
    tutorial.save()


def _transcode(source: Path, out: Path) -> None:
    subprocess.run(
        [
            FFMPEG,
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-i",
            str(source),
            "-map",
            "0:v:0",
            "-map",
            "0:a:0?",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "26",
            "-pix_fmt",
            "yuv420p",
            "-vf",
            "scale='min(1280,iw)':-2",
            "-c:a",
            "aac",
            "-b:a",
            "96k",
            "-ac",
            "2",
            "-movflags",
            "+faststart",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=3600,
    )


def _poster(video: Path, poster: Path) -> None:
    subprocess.run(
        [
            FFMPEG,
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-ss",
            "0.5",
            "-i",
            str(video),
            "-frames:v",
            "1",
            "-q:v",
            "4",
            str(poster),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
