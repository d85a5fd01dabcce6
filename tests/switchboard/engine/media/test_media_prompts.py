import subprocess
import wave

import pytest

from sportello.switchboard.engine.media.prompts import (
    PromptError,
    convert_uploaded_prompt,
    generate_default_prompts,
    prompt_path,
    speak,
)
from sportello.switchboard.engine.media.prompts_catalogue import (
    CHOOSE_LANGUAGE,
    LANGUAGES,
    PROMPTS,
    VOICES,
    catalogue,
    estimated_wait_key,
    language_digit,
    queue_position_key,
)

REQUIRED_KEYS = {
    "welcome", "main_menu", "closed", "holiday", "callback_offer", "callback_confirmed",
    "voicemail_beep", "recording_consent", "goodbye", "invalid_choice", "agent_whisper",
}  # fmt: skip


def wav_format(path):
    with wave.open(str(path)) as wav:
        return wav.getframerate(), wav.getnchannels(), wav.getsampwidth(), wav.getnframes()


def test_every_prompt_is_written_in_every_language():
    assert REQUIRED_KEYS <= set(PROMPTS)
    for key, texts in PROMPTS.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(text.strip() for text in texts.values()), key
    assert list(CHOOSE_LANGUAGE) == list(LANGUAGES)


def test_numbered_prompts_are_expanded():
    texts = catalogue("fr")
    assert texts["queue_position_7"] == "Vous êtes le numéro 7 dans la file d'attente."
    assert texts["estimated_wait_1"].endswith("1 minute.")
    assert texts["estimated_wait_5"].endswith("5 minutes.")


@pytest.mark.parametrize(
    ("position", "key"),
    [(1, "queue_position_1"), (20, "queue_position_20"), (21, "queue_position_many")],
)
def test_queue_position_key(position, key):
    assert queue_position_key(position) == key


@pytest.mark.parametrize(
    ("seconds", "key"),
    [(0, "estimated_wait_1"), (61, "estimated_wait_2"), (6 * 60, "estimated_wait_10"),
     (30 * 60, "estimated_wait_30"), (31 * 60, "estimated_wait_long")],
)  # fmt: skip
def test_estimated_wait_rounds_up(seconds, key):
    assert estimated_wait_key(seconds) == key


def test_language_digits_follow_the_choose_language_prompt():
    assert [language_digit(lang) for lang in LANGUAGES] == ["1", "2", "3", "4", "5"]


def test_default_prompts_are_8khz_mono_16bit_for_every_key(default_prompts):
    for lang in LANGUAGES:
        for key in catalogue(lang):
            rate, channels, width, frames = wav_format(prompt_path(default_prompts, key, lang))
            assert (rate, channels, width) == (8000, 1, 2), (lang, key)
            assert frames > 8000 * 0.5, (lang, key)


def test_choose_language_joins_one_sentence_per_language(default_prompts, tmp_path):
    choose = wav_format(default_prompts / "common" / "choose_language.wav")
    sentences = [
        wav_format(speak(text, VOICES[lang], tmp_path / f"{lang}.wav"))[3]
        for lang, text in CHOOSE_LANGUAGE.items()
    ]
    gaps = (len(sentences) - 1) * int(0.4 * 8000)
    assert choose == (8000, 1, 2, sum(sentences) + gaps)


def test_music_on_hold_lasts_30_seconds(default_prompts):
    assert wav_format(default_prompts / "common" / "music_on_hold.wav") == (8000, 1, 2, 30 * 8000)


def test_the_voicemail_prompt_ends_with_a_beep(default_prompts):
    beep = prompt_path(default_prompts, "voicemail_beep", "en")
    speech_only = prompt_path(default_prompts, "goodbye", "en")
    stats = subprocess.run(
        ["sox", str(beep), "-n", "trim", "-0.6", "0.4", "stat", "-freq"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    assert "Rough   frequency:" in stats
    rough = int(stats.split("Rough   frequency:")[1].split()[0])
    assert 900 < rough < 1100
    assert wav_format(beep)[3] > wav_format(speech_only)[3] / 2


def test_existing_prompts_are_kept_unless_overwriting(tmp_path):
    made = generate_default_prompts(tmp_path, languages=["en"])
    assert prompt_path(tmp_path, "welcome", "en") in made
    assert generate_default_prompts(tmp_path, languages=["en"]) == []


def test_an_uploaded_mp3_becomes_an_8khz_prompt(tmp_path):
    mp3 = tmp_path / "upload.mp3"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
         "-ac", "2", "-ar", "44100", str(mp3)],
        check=True,
    )  # fmt: skip
    dest = convert_uploaded_prompt(mp3, tmp_path / "prompts" / "custom.wav")
    rate, channels, width, frames = wav_format(dest)
    assert (rate, channels, width) == (8000, 1, 2)
    assert 1.9 * 8000 < frames < 2.2 * 8000


def test_an_uploaded_text_file_is_rejected_clearly(tmp_path):
    text = tmp_path / "notes.mp3"
    text.write_text("this is not audio\n" * 50)
    dest = tmp_path / "custom.wav"
    with pytest.raises(PromptError, match="notes.mp3 is not an audio file"):
        convert_uploaded_prompt(text, dest)
    assert not dest.exists()
    assert list(tmp_path.iterdir()) == [text]
