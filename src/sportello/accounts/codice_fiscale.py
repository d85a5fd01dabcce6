"""Italian codice fiscale: format, check character, omocodia, and the birth data it encodes."""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONTHS = "ABCDEHLMPRST"
OMOCODIA = "LMNPQRSTUV"  # letters that stand for 0-9 when codes collide
NUMERIC_POSITIONS = (6, 7, 9, 10, 12, 13, 14)
PATTERN = re.compile(
    r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$"
)

_ODD = dict(
    zip(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        [
            1,
            0,
            5,
            7,
            9,
            13,
            15,
            17,
            19,
            21,
            1,
            0,
            5,
            7,
            9,
            13,
            15,
            17,
            19,
            21,
            2,
            4,
            18,
            20,
            11,
            3,
            6,
            8,
            12,
            14,
            16,
            10,
            22,
            25,
            24,
            23,
        ],
        strict=True,
    )
)
_EVEN = {
    c: (int(c) if c.isdigit() else ord(c) - ord("A"))
    for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
}


class CodiceFiscaleError(ValueError):
    MESSAGES = {
        "format": _("The codice fiscale must have 16 letters and numbers, like RSSMRA85T10A562S."),
        "check_char": _("The codice fiscale is not valid: check each character again."),
        "month": _("The codice fiscale has a month letter that does not exist."),
        "day": _("The codice fiscale has a birth day that does not exist."),
        "birth_date_mismatch": _("The codice fiscale does not match the birth date."),
        "sex_mismatch": _("The codice fiscale does not match the sex."),
    }

    def __init__(self, code: str):
        self.code = code
        self.message = self.MESSAGES[code]
        super().__init__(code)


@dataclass(frozen=True)
class CodiceFiscaleInfo:
    birth_date: datetime.date
    sex: str  # "M" or "F"
    municipality_code: str


def normalise(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def check_character(first15: str) -> str:
    total = sum(_ODD[c] if i % 2 == 0 else _EVEN[c] for i, c in enumerate(first15))
    return chr(ord("A") + total % 26)


def _de_omocodia(code: str) -> str:
    chars = list(code)
    for pos in NUMERIC_POSITIONS:
        if chars[pos] in OMOCODIA:
            chars[pos] = str(OMOCODIA.index(chars[pos]))
    return "".join(chars)


def validate(value: str) -> str:
    """The normalised code, or CodiceFiscaleError."""
    code = normalise(value)
    if not PATTERN.match(code):
        raise CodiceFiscaleError("format")
    if check_character(code[:15]) != code[15]:
        raise CodiceFiscaleError("check_char")
    decode(code)
    return code


def decode(value: str, today: datetime.date | None = None) -> CodiceFiscaleInfo:
    code = _de_omocodia(normalise(value))
    if not PATTERN.match(normalise(value)):
        raise CodiceFiscaleError("format")
    if code[8] not in MONTHS:
        raise CodiceFiscaleError("month")
    month = MONTHS.index(code[8]) + 1
    day = int(code[9:11])
    sex = "F" if day > 40 else "M"
    if sex == "F":
        day -= 40
    today = today or timezone.localdate()
    yy = int(code[6:8])
    year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    try:
        birth = datetime.date(year, month, day)
    except ValueError:
        raise CodiceFiscaleError("day") from None
    if birth > today:  # e.g. born 29 Feb in a year that is now in the future
        birth = birth.replace(year=birth.year - 100)
    return CodiceFiscaleInfo(birth, sex, code[11:15])


def check_consistency(value: str, birth_date: datetime.date | None, sex: str | None = None) -> str:
    """Validate the code and that it encodes `birth_date` (and `sex`, when given)."""
    code = validate(value)
    info = decode(code)
    if birth_date is not None and (
        info.birth_date.month,
        info.birth_date.day,
        info.birth_date.year % 100,
    ) != (birth_date.month, birth_date.day, birth_date.year % 100):
        raise CodiceFiscaleError("birth_date_mismatch")
    if sex and sex != info.sex:
        raise CodiceFiscaleError("sex_mismatch")
    return code
