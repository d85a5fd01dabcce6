"""Which facts a frozen rule set needs, and how stored declarations become engine input."""

from datetime import date
from decimal import Decimal

from sportello.hiring.rules import Applicant, Dependant, RuleSet

# Rule-engine field → the declaration the form asks for.
FIELD_QUESTIONS = {
    "isee": "isee",
    "valid_isee": "isee",
    "dsu_only": "isee",
    "gross_income": "gross_income",
    "dependants": "dependants",
    "did_date": "did_date",
    "registration_months": "registration_months",
    "unemployment_months": "unemployment_months",
    "employment_status": "employment_status",
    "french_test_passed": "french_test",
    "job_centres": "job_centres",
}
# A dependant declared "with a disability over 65 %"; the form asks a yes/no per band.
DISABLED_PERCENT = 66


def _walk(node, found: set[str]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("field"), str):
            found.add(node["field"])
        if node.get("by") == "field" and isinstance(node.get("name"), str):
            found.add(node["name"])
        if node.get("by") == "preference":
            found.add("job_centres")
        if node.get("kind") == "per_dependant":
            found.add("dependants")
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, list):
        for value in node:
            _walk(value, found)


def questions_for(ruleset: RuleSet) -> list[str]:
    """The declarations to ask, in a stable order (the birth date is always asked)."""
    fields: set[str] = set()
    _walk(ruleset.to_dict(), fields)
    wanted = {FIELD_QUESTIONS[f] for f in fields if f in FIELD_QUESTIONS}
    order = list(dict.fromkeys(FIELD_QUESTIONS.values()))
    return [q for q in order if q in wanted]


def _date(value) -> date | None:
    return date.fromisoformat(value) if value else None


def _int(value) -> int | None:
    return None if value in (None, "") else int(value)


_DISABLED, _NOT_DISABLED = Dependant(DISABLED_PERCENT), Dependant()


def to_applicant(protocol: str, data: dict) -> Applicant:
    """Engine input from a stored declaration (JSON-ready dict written by the form)."""
    count, disabled = int(data.get("dependants") or 0), int(data.get("dependants_disabled") or 0)
    dependants = (_DISABLED,) * disabled + (_NOT_DISABLED,) * (count - disabled)
    french = data.get("french_test")
    return Applicant(
        protocol=protocol,
        birth_date=date.fromisoformat(data["birth_date"]),
        isee_value=Decimal(data["isee_value"]) if data.get("isee_value") else None,
        isee_year=_int(data.get("isee_year")),
        dsu_only=bool(data.get("dsu_only")),
        gross_income=Decimal(data["gross_income"]) if data.get("gross_income") else None,
        dependants=dependants,
        did_date=_date(data.get("did_date")),
        registration_months=_int(data.get("registration_months")),
        unemployment_months=_int(data.get("unemployment_months")),
        employment_status=data.get("employment_status") or None,
        french_test_passed=None if french in (None, "") else french == "yes",
        job_centres=list(data.get("job_centres") or []),
    )
