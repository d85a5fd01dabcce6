"""Italian codice fiscale (DM 23 dicembre 1976): format, check character, omocodia,
and the birth data it encodes.

Layout: ``SSSNNN YY M DD ZZZZ C`` - surname and name letters, year, month letter
(``ABCDEHLMPRST``), day (women: day + 40), municipality or foreign-state code
(``Z...``), check character. When two people would get the same code, the
Agenzia delle Entrate replaces digits with ``LMNPQRSTUV`` (omocodia, 0-9), from
the right; those codes stay valid and encode the same birth data.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

__all__ = [
    "CodiceFiscaleError",
    "CodiceFiscaleInfo",
    "check_character",
    "check_consistency",
    "decode",
    "is_valid",
    "normalise",
    "validate",
]

MONTHS = "ABCDEHLMPRST"
OMOCODIA = "LMNPQRSTUV"  # stand for 0-9
NUMERIC_POSITIONS = (6, 7, 9, 10, 12, 13, 14)
_DIGIT = "[0-9LMNPQRSTUV]"
PATTERN = re.compile(rf"^[A-Z]{{6}}{_DIGIT}{{2}}[A-Z]{_DIGIT}{{2}}[A-Z]{_DIGIT}{{3}}[A-Z]$")
_WHITESPACE = re.compile(r"\s+")
_FROM_OMOCODIA = str.maketrans(OMOCODIA, "0123456789")
# Value of each character at odd positions (1st, 3rd, ... 15th); digits count as A-J.
_ODD_LETTERS = (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22,
                25, 24, 23)  # fmt: skip
_ODD = {chr(65 + i): v for i, v in enumerate(_ODD_LETTERS)} | {
    str(d): _ODD_LETTERS[d] for d in range(10)
}
_EVEN = {chr(65 + i): i for i in range(26)} | {str(d): d for d in range(10)}

MESSAGES = {
    "format": _("The codice fiscale must have 16 letters and numbers, like RSSMRA85T10A562S."),
    "check_char": _("The codice fiscale is not valid: check each character again."),
    "month": _("The codice fiscale has a month letter that does not exist."),
    "day": _("The codice fiscale has a birth day that does not exist."),
    "birth_date_mismatch": _("The codice fiscale does not match the birth date."),
    "sex_mismatch": _("The codice fiscale does not match the sex."),
}


class CodiceFiscaleError(ValueError):
    """``code`` is one of MESSAGES' keys; ``message`` is a lazy translated text."""

    def __init__(self, code: str, message: Promise | str | None = None) -> None:
        self.code = code
        self.message = MESSAGES[code] if message is None else message
        super().__init__(code)  # never force the lazy message here: settings may be absent


@dataclass(frozen=True)
class CodiceFiscaleInfo:
    birth_date: datetime.date
    sex: str  # "M" or "F"
    municipality_code: str  # cadastral code, e.g. "H501" (Roma); "Z..." = born abroad


def normalise(value: str | None) -> str:
    """Upper case, without any whitespace."""
    return _WHITESPACE.sub("", value or "").upper()


def check_character(first15: str) -> str:
    """The check character for the first 15 characters (as written, omocodia included)."""
    total = sum(_ODD[c] if i % 2 == 0 else _EVEN[c] for i, c in enumerate(first15))
    return chr(65 + total % 26)


def validate(value: str | None) -> str:
    """The normalised code, or `CodiceFiscaleError` (format, check_char, month, day)."""
    code = normalise(value)
    if not PATTERN.match(code):
        raise CodiceFiscaleError("format")
    if check_character(code[:15]) != code[15]:
        raise CodiceFiscaleError("check_char")
    month, day, _sex = _month_day_sex(code)
    yy = int(_digits(code)[6:8])
    if not any(_exists(century + yy, month, day) for century in (1900, 2000)):
        raise CodiceFiscaleError("day")  # e.g. 29 February of a non-leap year
    return code


def is_valid(value: str | None) -> bool:
    try:
        validate(value)
    except CodiceFiscaleError:
        return False
    return True


def decode(value: str | None, today: datetime.date | None = None) -> CodiceFiscaleInfo:
    """Birth date, sex and municipality code of a valid code.

    The code holds only two year digits: the birth year is the latest one not
    after `today` (default: the local date), so a person aged 100 or more is
    read as a newborn-to-99-year-old; compare with a declared date through
    `check_consistency`, which does not depend on the century.
    """
    code = validate(value)
    month, day, sex = _month_day_sex(code)
    digits = _digits(code)
    yy = int(digits[6:8])
    today = today or timezone.localdate()
    year = 2000 + yy
    if not _exists(year, month, day) or datetime.date(year, month, day) > today:
        year -= 100
    if not _exists(year, month, day):
        raise CodiceFiscaleError("day")
    return CodiceFiscaleInfo(datetime.date(year, month, day), sex, digits[11:15])


def check_consistency(
    value: str | None, birth_date: datetime.date | None, sex: str | None = None
) -> str:
    """Validate the code and check it encodes `birth_date` (and `sex`, "M"/"F", if given).

    Returns the normalised code. Only day, month and the last two year digits
    are compared, since that is all the code holds.
    """
    code = validate(value)
    month, day, encoded_sex = _month_day_sex(code)
    yy = int(_digits(code)[6:8])
    if birth_date is not None and (birth_date.year % 100, birth_date.month, birth_date.day) != (
        yy,
        month,
        day,
    ):
        raise CodiceFiscaleError("birth_date_mismatch")
    if sex and sex != encoded_sex:
        raise CodiceFiscaleError("sex_mismatch")
    return code


def _digits(code: str) -> str:
    """The code with omocodia letters in numeric positions turned back into digits."""
    chars = list(code)
    for pos in NUMERIC_POSITIONS:
        chars[pos] = chars[pos].translate(_FROM_OMOCODIA)
    return "".join(chars)


def _month_day_sex(code: str) -> tuple[int, int, str]:
    if code[8] not in MONTHS:
        raise CodiceFiscaleError("month")
    month = MONTHS.index(code[8]) + 1
    day = int(_digits(code)[9:11])
    if 1 <= day <= 31:
        return month, day, "M"
    if 41 <= day <= 71:
        return month, day - 40, "F"
    raise CodiceFiscaleError("day")


def _exists(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True
