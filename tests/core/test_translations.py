"""The translation catalogs are complete, keep their placeholders and match the compiled files."""

import ast
import gettext
import re
import subprocess
from pathlib import Path

import pytest

import sportello

LOCALE = Path(sportello.__file__).parent / "locale"
TRANSLATED = ["it", "fr", "ca", "es"]
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdif]")
KEYWORDS = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (\".*\")$")


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (a dict by plural index)."""
    entries: list[dict] = []
    entry: dict = {}
    field: tuple = ()
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if "msgid" in entry:
                entries.append(entry)
            entry, field = {}, ()
        elif line.startswith("#,"):
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := KEYWORDS.match(line):
            keyword, index, text = match.groups()
            if keyword.startswith("msgstr"):
                field = ("msgstr", int(index or 0))
                entry.setdefault("msgstr", {})[field[1]] = ast.literal_eval(text)
            else:
                field = (keyword,)
                entry[keyword] = ast.literal_eval(text)
        elif field[0] == "msgstr":
            entry["msgstr"][field[1]] += ast.literal_eval(line)
        else:
            entry[field[0]] += ast.literal_eval(line)
    return entries


def messages(lang: str) -> list[dict]:
    return [e for e in parse_po(LOCALE / lang / "LC_MESSAGES" / "django.po") if e["msgid"]]


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(lang):
    entries = messages(lang)
    assert len(entries) > 100
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", ())]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_placeholders(lang):
    wrong = []
    for e in messages(lang):
        for index, text in e["msgstr"].items():
            source = e["msgid"] if index == 0 else e.get("msgid_plural", e["msgid"])
            if placeholders(text) != placeholders(source):
                wrong.append((e["msgid"], text))
    assert wrong == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_catalogs_hold_the_same_messages(lang):
    italian = {(e.get("msgctxt"), e["msgid"]) for e in messages("it")}
    assert {(e.get("msgctxt"), e["msgid"]) for e in messages(lang)} == italian


@pytest.mark.parametrize("lang", [*TRANSLATED, "en"])
def test_msgfmt_accepts_the_catalog(lang):
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", LOCALE / lang / "LC_MESSAGES/django.po"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_compiled_catalog_matches_the_po_file(lang):
    """The committed .mo must be recompiled after each change to the .po (scripts/translations)."""
    with (LOCALE / lang / "LC_MESSAGES" / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    expected = {}
    for e in messages(lang):
        key = f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"]
        if "msgid_plural" in e:
            expected.update({(key, i): text for i, text in e["msgstr"].items()})
        else:
            expected[key] = e["msgstr"][0]
    compiled.pop("", None)  # the header
    assert compiled == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("it", "Le due password sono diverse."),
        ("fr", "Les deux mots de passe sont différents."),
        ("ca", "Les dues contrasenyes no coincideixen."),
        ("es", "Las dos contraseñas no coinciden."),
    ],
)
def test_pages_render_in_the_visitor_language(client, lang, text):
    response = client.post(
        f"/{lang}/account/signup/",
        {
            "given_name": "Giulia",
            "family_name": "Bianchi",
            "email": "giulia@example.org",
            "password": "a long enough passphrase",
            "password_again": "a different passphrase",
            "privacy": "on",
        },
    )
    assert response.status_code == 200
    assert text in response.content.decode()
