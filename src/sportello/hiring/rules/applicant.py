"""The facts an applicant declares (DPR 445/2000 self-declaration), validated on creation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from .errors import ApplicantDataError

MAX_MONEY = Decimal(10_000_000)
MAX_MONTHS = 12 * 100
MAX_DEPENDANTS = 40
EMPLOYMENT_STATUSES = frozenset({"unemployed", "suspended", "employed", "inactive"})


@dataclass(frozen=True, slots=True)
class Dependant:
    """A family member the applicant supports; ``disability_percent`` 0-100."""

    disability_percent: int | Decimal = 0

    def __post_init__(self) -> None:
        p = self.disability_percent
        if isinstance(p, bool) or not isinstance(p, int | Decimal) or not 0 <= p <= 100:
            raise ApplicantDataError(f"disability_percent: expected 0-100, got {p!r}")


@dataclass(frozen=True, slots=True)
class Applicant:
    """Declared facts of one application.

    ``isee_value`` is the ISEE in euro, attested in ``isee_year``; ``dsu_only``
    means only the DSU (the declaration) was filed, without an ISEE yet.
    ``dependants`` may be given as a count (none disabled) or a sequence.
    ``job_centres`` lists the centres the citizen applied through, preferred first.
    """

    protocol: str
    birth_date: date
    isee_value: Decimal | None = None
    isee_year: int | None = None
    dsu_only: bool = False
    gross_income: Decimal | None = None
    dependants: Sequence[Dependant] | int = ()
    did_date: date | None = None
    unemployment_months: int | None = None
    registration_months: int | None = None
    employment_status: str | None = None
    french_test_passed: bool | None = None
    job_centres: Sequence[str] = ()
    isee_cents: int | None = field(init=False, repr=False, compare=False)
    gross_income_cents: int | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.protocol, str) or not self.protocol.strip():
            raise ApplicantDataError("protocol: required")
        _check_date(self.birth_date, "birth_date", required=True)
        _check_date(self.did_date, "did_date", required=False)
        if self.birth_date.year < 1900:
            raise ApplicantDataError(f"birth_date: {self.birth_date} is not plausible")
        set_ = object.__setattr__
        set_(self, "isee_cents", _cents(self.isee_value, "isee_value"))
        set_(self, "gross_income_cents", _cents(self.gross_income, "gross_income"))
        if self.isee_value is not None:
            y = self.isee_year
            if isinstance(y, bool) or not isinstance(y, int) or not 1990 <= y <= 2200:
                raise ApplicantDataError("isee_year: required with isee_value (e.g. 2025)")
        if not isinstance(self.dsu_only, bool):
            raise ApplicantDataError("dsu_only: expected true or false")
        set_(self, "dependants", _dependants(self.dependants))
        for name in ("unemployment_months", "registration_months"):
            _check_int(getattr(self, name), name, MAX_MONTHS)
        status = self.employment_status
        if status is not None and status not in EMPLOYMENT_STATUSES:
            raise ApplicantDataError(f"employment_status: unknown value {status!r}")
        if self.french_test_passed is not None and not isinstance(self.french_test_passed, bool):
            raise ApplicantDataError("french_test_passed: expected true, false or unknown")
        set_(self, "job_centres", _job_centres(self.job_centres))

    @property
    def dependants_count(self) -> int:
        return len(self.dependants)  # type: ignore[arg-type]


def _check_date(value: object, name: str, required: bool) -> None:
    if type(value) is date or (value is None and not required):
        return  # the common cases first: a ranking builds 100,000 applicants
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ApplicantDataError(f"{name}: expected a date")


def _check_int(value: object, name: str, high: int) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApplicantDataError(f"{name}: expected a whole number, got {value!r}")
    if not 0 <= value <= high:
        raise ApplicantDataError(f"{name}: {value} is outside 0-{high}")


def _cents(value: object, name: str) -> int | None:
    if value is None:
        return None
    if type(value) is Decimal:
        d = value
    elif isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ApplicantDataError(f"{name}: expected a Decimal amount in euro, got {value!r}")
    else:
        d = Decimal(value)
    if not d.is_finite() or not 0 <= d <= MAX_MONEY:
        raise ApplicantDataError(f"{name}: {value} is outside 0-{MAX_MONEY} euro")
    cents = d.scaleb(2)
    if cents != cents.to_integral_value():
        raise ApplicantDataError(f"{name}: at most two decimal places (cents)")
    return int(cents)


def _dependants(value: object) -> tuple[Dependant, ...]:
    if type(value) is tuple and len(value) <= MAX_DEPENDANTS:
        for d in value:
            if type(d) is not Dependant:
                break
        else:
            return value
    if isinstance(value, int) and not isinstance(value, bool):
        _check_int(value, "dependants", MAX_DEPENDANTS)
        return (Dependant(),) * value
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise ApplicantDataError(f"dependants: expected a count or a list, got {value!r}")
    if len(value) > MAX_DEPENDANTS:
        raise ApplicantDataError(f"dependants: more than {MAX_DEPENDANTS}")
    if not all(isinstance(d, Dependant) for d in value):
        raise ApplicantDataError("dependants: each item must be a Dependant")
    return tuple(value)


def _job_centres(value: object) -> tuple[str, ...]:
    if not value and isinstance(value, list | tuple):  # most calls list no job centre
        return ()
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ApplicantDataError("job_centres: expected a list of job-centre codes")
    centres = tuple(value)
    if not all(isinstance(c, str) and c for c in centres):
        raise ApplicantDataError("job_centres: each item must be a non-empty code")
    if len(set(centres)) != len(centres):
        raise ApplicantDataError("job_centres: a job centre is listed twice")
    return centres
