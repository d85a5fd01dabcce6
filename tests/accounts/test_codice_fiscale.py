import datetime

import pytest
from django.utils.functional import Promise
from hypothesis import given
from hypothesis import strategies as st

from sportello.accounts.codice_fiscale import (
    CodiceFiscaleError,
    CodiceFiscaleInfo,
    check_character,
    check_consistency,
    decode,
    is_valid,
    normalise,
    validate,
)

TODAY = datetime.date(2025, 6, 30)
MONTHS = "ABCDEHLMPRST"
OMOCODIA = "LMNPQRSTUV"
NUMERIC_POSITIONS = (6, 7, 9, 10, 12, 13, 14)
# Independent oracle for the check character: the odd-position value of a
# character is its index in this string (digits first become A-J).
ODD_ORDER = "BAKPLCQDREVOSFTGUHMINJWZYX"


def oracle_check(first15: str) -> str:
    total = 0
    for i, c in enumerate(first15):
        c = chr(65 + int(c)) if c.isdigit() else c
        total += ODD_ORDER.index(c) if i % 2 == 0 else ord(c) - 65
    return chr(65 + total % 26)


def omocodic(code: str, how_many: int) -> str:
    """Replace the `how_many` rightmost numeric positions with omocodia letters."""
    chars = list(code[:15])
    for pos in NUMERIC_POSITIONS[::-1][:how_many]:
        chars[pos] = OMOCODIA[int(chars[pos])]
    first15 = "".join(chars)
    return first15 + oracle_check(first15)


def error_code(fn, *args, **kwargs) -> str:
    with pytest.raises(CodiceFiscaleError) as exc:
        fn(*args, **kwargs)
    return exc.value.code


def test_it_accepts_published_examples():
    # Widely published specimen codes: Mario Rossi and Matteo Moretti.
    assert oracle_check("RSSMRA85T10A562") == "S"
    assert validate("RSSMRA85T10A562S") == "RSSMRA85T10A562S"
    assert validate("MRTMTT25D09F205Z") == "MRTMTT25D09F205Z"


def test_it_normalises_spaces_and_case():
    assert normalise("  rssmra 85t10\ta562s ") == "RSSMRA85T10A562S"
    assert validate("rss mra 85t10 a562s") == "RSSMRA85T10A562S"
    assert normalise(None) == ""


def test_it_decodes_a_man():
    info = decode("RSSMRA85T10A562S", today=TODAY)
    assert info == CodiceFiscaleInfo(datetime.date(1985, 12, 10), "M", "A562")


def test_it_decodes_a_woman_day_plus_40():
    assert oracle_check("RSSMRA85T50A562") == "W"
    info = decode("RSSMRA85T50A562W", today=TODAY)
    assert (info.birth_date, info.sex) == (datetime.date(1985, 12, 10), "F")


def test_it_decodes_29_february_2000():
    assert oracle_check("VRDGPP00B69H501") == "C"
    info = decode("VRDGPP00B69H501C", today=TODAY)
    assert info == CodiceFiscaleInfo(datetime.date(2000, 2, 29), "F", "H501")


def test_it_infers_the_century_from_today():
    # the latest date not after today: 9 April 2025 is still in the future on 8 April
    before = datetime.date(2025, 4, 8)
    assert decode("MRTMTT25D09F205Z", today=before).birth_date == datetime.date(1925, 4, 9)
    on_the_day = datetime.date(2025, 4, 9)
    assert decode("MRTMTT25D09F205Z", today=on_the_day).birth_date == on_the_day


@pytest.mark.parametrize("how_many", range(1, 8))
def test_it_decodes_omocodia_variants_to_the_same_person(how_many):
    variant = omocodic("RSSMRA85T10A562S", how_many)
    assert validate(variant) == variant
    assert decode(variant, today=TODAY) == decode("RSSMRA85T10A562S", today=TODAY)


def test_it_accepts_a_literal_omocodia_code():
    # 2 -> N, 6 -> S, 5 -> R in the municipality digits; check characters by the oracle.
    assert decode("RSSMRA85T10A56NH", today=TODAY).municipality_code == "A562"
    assert decode("RSSMRA85T10ARSNO", today=TODAY).municipality_code == "A562"


@pytest.mark.parametrize(
    "value",
    ["", "RSSMRA85T10A562", "RSSMRA85T10A562SX", "RSSMRA8ZT10A562S", "1SSMRA85T10A562S",
     "RSSMRA85T10A5@2S", "RSSMRA85110A562S"],
)  # fmt: skip
def test_it_rejects_bad_format(value):
    assert error_code(validate, value) == "format"
    assert not is_valid(value)


def test_it_rejects_a_wrong_check_character():
    assert error_code(validate, "RSSMRA85T10A562T") == "check_char"


def test_it_rejects_an_unknown_month_letter():
    assert oracle_check("RSSMRA85F10A562") == "R"  # F is not a month letter
    assert error_code(validate, "RSSMRA85F10A562R") == "month"


@pytest.mark.parametrize("first15", ["RSSMRA85T32A562", "RSSMRA85T00A562", "RSSMRA85T72A562",
                                     "RSSMRA85T40A562", "BNCLRA01B29H501", "RSSMRA85D31A562"])  # fmt: skip
def test_it_rejects_a_day_that_does_not_exist(first15):
    code = first15 + oracle_check(first15)
    assert error_code(validate, code) == "day"


def test_it_checks_consistency_with_the_declared_birth_date_and_sex():
    born = datetime.date(1985, 12, 10)
    assert check_consistency("rssmra85t10a562s", born, "M") == "RSSMRA85T10A562S"
    assert check_consistency("RSSMRA85T10A562S", born.replace(year=1885)) == "RSSMRA85T10A562S"
    wrong_day = datetime.date(1985, 12, 11)
    assert error_code(check_consistency, "RSSMRA85T10A562S", wrong_day) == "birth_date_mismatch"
    wrong_year = datetime.date(1986, 12, 10)
    assert error_code(check_consistency, "RSSMRA85T10A562S", wrong_year) == "birth_date_mismatch"
    assert error_code(check_consistency, "RSSMRA85T10A562S", born, "F") == "sex_mismatch"
    assert error_code(check_consistency, "RSSMRA85T10A562T", born) == "check_char"


def test_it_carries_a_lazy_message_and_a_code():
    err = CodiceFiscaleError("format")
    assert err.code == "format"
    assert isinstance(err.message, Promise)
    custom = CodiceFiscaleError("day", "custom")
    assert (custom.code, custom.message) == ("day", "custom")


def test_check_character_matches_the_oracle_on_examples():
    for first15 in ("RSSMRA85T10A562", "MRTMTT25D09F205", "VRDGPP00B69H501", "AAAAAA00A01A000"):
        assert check_character(first15) == oracle_check(first15)


letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=6, max_size=6)
births = st.dates(min_value=datetime.date(1925, 7, 1), max_value=TODAY)


@given(
    letters,
    births,
    st.sampled_from("MF"),
    st.sampled_from("ABCDEFGHILMZ"),
    st.integers(0, 999),
    st.integers(0, 7),
)
def test_it_round_trips_generated_codes(names, born, sex, place_letter, place_number, omo):
    day = born.day + (40 if sex == "F" else 0)
    municipality = f"{place_letter}{place_number:03d}"
    first15 = f"{names}{born.year % 100:02d}{MONTHS[born.month - 1]}{day:02d}{municipality}"
    code = omocodic(first15 + oracle_check(first15), omo)
    assert check_character(code[:15]) == code[15]
    assert decode(code, today=TODAY) == CodiceFiscaleInfo(born, sex, municipality)
    assert check_consistency(code.lower(), born, sex) == code
