"""IVR audio files: default prompts (espeak-ng + sox), music on hold, uploaded prompts (ffmpeg).

Every file is 8 kHz mono 16-bit PCM WAV, what rtpengine's ``play media`` turns into G.711
without resampling surprises. Layout under a prompts root::

    <root>/<language>/<key>.wav      e.g. it/welcome.wav, en/queue_position_3.wav
    <root>/common/<key>.wav          choose_language.wav, music_on_hold.wav
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .prompts_catalogue import CHOOSE_LANGUAGE, COMMON_KEYS, LANGUAGES, VOICES, catalogue

SAMPLE_RATE = 8000
SPEECH_WPM = 140  # a little slower than espeak's default 175: callers may be elderly or non-native
WAV_8K = ["-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", "-e", "signed-integer"]
MOH_NOTES_HZ = (261.63, 329.63, 392.0, 523.25, 392.0, 329.63, 293.66, 349.23, 440.0, 349.23)


class PromptError(ValueError):
    """An audio file could not be made or is not acceptable."""


def prompt_path(root: Path, key: str, language: str) -> Path:
    folder = "common" if key in COMMON_KEYS else language
    return Path(root) / folder / f"{key}.wav"


def _run(args: Sequence[str]) -> None:
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise PromptError(f"{args[0]} failed: {result.stderr.strip()[-500:]}")


def _replace_atomically(dest: Path, make: Callable[[Path], None]) -> Path:
    """Write through a temporary file so a half-made prompt is never played."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(suffix=".wav", dir=dest.parent)
    os.close(fd)
    try:
        make(Path(tmp_name))
        os.replace(tmp_name, dest)
    finally:
        Path(tmp_name).unlink(missing_ok=True)
    return dest


def speak(text: str, voice: str, dest: Path) -> Path:
    """Synthesise ``text`` with espeak-ng and resample it to an 8 kHz prompt."""

    def make(tmp: Path) -> None:
        raw = tmp.with_suffix(".raw.wav")
        try:
            _run(["espeak-ng", "-v", voice, "-s", str(SPEECH_WPM), "-w", str(raw), text])
            _run(["sox", str(raw), *WAV_8K, str(tmp), "norm", "-3"])
        finally:
            raw.unlink(missing_ok=True)

    return _replace_atomically(Path(dest), make)


def _concatenate(parts: Sequence[Path], dest: Path, gap_seconds: float = 0.4) -> Path:
    def make(tmp: Path) -> None:
        silence = tmp.with_suffix(".gap.wav")
        try:
            _run(["sox", "-n", *WAV_8K, str(silence), "trim", "0", str(gap_seconds)])
            inputs = [str(p) for part in parts for p in (part, silence)][:-1]
            _run(["sox", *inputs, str(tmp)])
        finally:
            silence.unlink(missing_ok=True)

    return _replace_atomically(Path(dest), make)


def _append_beep(speech: Path) -> None:
    def make(tmp: Path) -> None:
        beep = tmp.with_suffix(".beep.wav")
        try:
            _run(["sox", "-n", *WAV_8K, str(beep), "synth", "0.5", "sine", "1000", "gain", "-6"])
            _run(["sox", str(speech), str(beep), str(tmp), "pad", "0", "0.2"])
        finally:
            beep.unlink(missing_ok=True)

    _replace_atomically(speech, make)


def generate_music_on_hold(dest: Path, seconds: int = 30) -> Path:
    """A gentle, quiet loop of soft sine notes with fade in and out."""

    def make(tmp: Path) -> None:
        notes = [tmp.with_suffix(f".note{i}.wav") for i in range(len(MOH_NOTES_HZ))]
        try:
            for note, hz in zip(notes, MOH_NOTES_HZ, strict=True):
                _run(["sox", "-n", *WAV_8K, str(note), "synth", "0.6", "sine", str(hz),
                      "fade", "q", "0.08", "0.6", "0.3", "gain", "-14"])  # fmt: skip
            _run(["sox", *map(str, notes), str(tmp), "repeat", str(seconds // 6 + 1),
                  "trim", "0", str(seconds), "fade", "t", "1", str(seconds), "2"])  # fmt: skip
        finally:
            for note in notes:
                note.unlink(missing_ok=True)

    return _replace_atomically(Path(dest), make)


def generate_default_prompts(
    dest_dir: Path, languages: Iterable[str] = LANGUAGES, *, overwrite: bool = False
) -> list[Path]:
    """Make every catalogued prompt (plus choose_language and music on hold) under ``dest_dir``.

    Existing files are kept unless ``overwrite``, so this is cheap to call at every start.
    Returns the paths made.
    """
    root = Path(dest_dir)
    jobs = [
        (text, VOICES[lang], prompt_path(root, key, lang))
        for lang in languages
        for key, text in catalogue(lang).items()
    ]
    jobs = [job for job in jobs if overwrite or not job[2].exists()]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        made = list(pool.map(lambda job: speak(*job), jobs))
    for path in made:
        if path.stem == "voicemail_beep":
            _append_beep(path)
    for key, make in (("choose_language", _choose_language), ("music_on_hold", None)):
        path = prompt_path(root, key, "")
        if overwrite or not path.exists():
            made.append(make(path) if make else generate_music_on_hold(path))
    return made


def _choose_language(dest: Path) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        parts = [speak(text, VOICES[lang], Path(tmp) / f"{lang}.wav")
                 for lang, text in CHOOSE_LANGUAGE.items()]  # fmt: skip
        return _concatenate(parts, dest)


def probe_audio(src: Path) -> float:
    """Duration in seconds of the first audio stream; ``PromptError`` if there is none."""
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
         "stream=codec_type:format=duration", "-of", "json", str(src)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    info = json.loads(result.stdout or "{}") if result.returncode == 0 else {}
    if not info.get("streams"):
        raise PromptError(f"{Path(src).name} is not an audio file (WAV, MP3 or OGG expected)")
    return float(info.get("format", {}).get("duration", 0) or 0)


def convert_uploaded_prompt(src: Path, dest: Path, *, max_seconds: float = 600) -> Path:
    """Convert an uploaded WAV/MP3/OGG to an 8 kHz mono 16-bit WAV prompt at ``dest``."""
    duration = probe_audio(src)
    if duration > max_seconds:
        raise PromptError(
            f"{Path(src).name} lasts {duration:.0f} s; the limit is {max_seconds:.0f} s"
        )

    def make(tmp: Path) -> None:
        _run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(src), "-vn", "-map", "0:a:0",
              "-ac", "1", "-ar", str(SAMPLE_RATE), "-c:a", "pcm_s16le", "-f", "wav", str(tmp)])  # fmt: skip

    return _replace_atomically(Path(dest), make)
