"""Opening hours and public holidays: is the service open at a given moment?"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")

# Italian national holidays on fixed dates (month, day, name). Easter Monday is computed.
NATIONAL_FIXED = [
    (1, 1, "Capodanno"),
    (1, 6, "Epifania"),
    (4, 25, "Festa della Liberazione"),
    (5, 1, "Festa del Lavoro"),
    (6, 2, "Festa della Repubblica"),
    (8, 15, "Ferragosto"),
    (11, 1, "Ognissanti"),
    (12, 8, "Immacolata Concezione"),
    (12, 25, "Natale"),
    (12, 26, "Santo Stefano"),
]


def easter_sunday(year: int) -> datetime.date:
    """Anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def national_holidays(year: int) -> list[tuple[datetime.date, str]]:
    days = [(datetime.date(year, m, d), name) for m, d, name in NATIONAL_FIXED]
    days.append((easter_sunday(year) + datetime.timedelta(days=1), "Lunedì dell'Angelo"))
    return sorted(days)


@dataclass(frozen=True)
class Window:
    weekday: int  # 0 = Monday
    opens: datetime.time
    closes: datetime.time


def is_open(moment: datetime.datetime, windows: list[Window], holidays: set[datetime.date]) -> bool:
    local = moment.astimezone(ROME)
    if local.date() in holidays:
        return False
    now = local.time()
    return any(w.weekday == local.weekday() and w.opens <= now < w.closes for w in windows)
