"""Where IVR prompts live: generated defaults, replaced key by key by staff recordings."""

import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from sportello.switchboard.engine.media import prompts as audio
from sportello.switchboard.models import Prompt


class PromptError(ValueError):
    pass


def generated_root() -> Path:
    return Path(settings.VAR_DIR) / "prompts" / "generated"


def uploaded_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "prompts"


def ensure_defaults() -> int:
    """Generate any missing default prompt (espeak-ng); cheap when they all exist."""
    return len(audio.generate_default_prompts(generated_root()))


def resolve(key: str, language: str) -> Path:
    uploaded = audio.prompt_path(uploaded_root(), key, language)
    return uploaded if uploaded.exists() else audio.prompt_path(generated_root(), key, language)


def store_upload(key: str, language: str, upload) -> Prompt:
    with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix[:8]) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        dest = audio.prompt_path(uploaded_root(), key, language)
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            audio.convert_uploaded_prompt(Path(tmp.name), dest)
        except audio.PromptError:
            raise PromptError(
                _(
                    "This file is not a sound we can use. Upload a WAV, MP3 or OGG recording of at most 10 minutes."
                )
            ) from None
    prompt, _created = Prompt.objects.update_or_create(
        key=key, language=language, defaults={"file": str(dest), "uploaded": True}
    )
    return prompt
