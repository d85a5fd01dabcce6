"""Human labels for declarations and rule-engine keys, marked for translation."""

from django.utils.translation import gettext_lazy as _

DECLARATION_LABELS = {
    "birth_date": _("Birth date"),
    "isee_value": _("ISEE value (euro)"),
    "isee_year": _("ISEE year"),
    "dsu_only": _("Only the DSU was filed (no ISEE yet)"),
    "gross_income": _("Gross income (euro)"),
    "dependants": _("Dependants"),
    "dependants_disabled": _("Dependants with a disability over 65%"),
    "did_date": _("Date of the unemployment declaration (DID)"),
    "registration_months": _("Months of registration as unemployed"),
    "unemployment_months": _("Months of unemployment"),
    "employment_status": _("Employment status"),
    "french_test": _("French-language test passed"),
    "job_centres": _("Job centres in order of preference"),
}

# Label keys used by the built-in rule sets.
RULE_LABELS = {
    "hiring.rules.isee": _("ISEE"),
    "hiring.rules.did_before_call": _("Unemployment declaration before the call"),
    "hiring.rules.age": _("Age"),
    "hiring.rules.unemployment_months": _("Months of unemployment"),
    "hiring.rules.dependants": _("Dependants"),
    "hiring.rules.registration_months": _("Months of registration"),
    "hiring.rules.gross_income": _("Gross income"),
    "hiring.gate.adult": _("Of age (18 or over)"),
    "hiring.gate.french_test": _("French-language test passed"),
    "hiring.gate.employment_status": _("Unemployed, suspended or employed"),
    "hiring.gate.job_centre": _("At least one job centre chosen"),
    "verification": _("Excluded after checking the declarations"),
}

NOTE_LABELS = {
    "missing": _("no valid value declared"),
    "capped": _("limited by the maximum"),
    "no_band": _("no band applies"),
}


def rule_label(key: str) -> str:
    return str(RULE_LABELS.get(key, key))


def _show(value) -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def declaration_lines(data: dict) -> list[tuple[str, str]]:
    return [
        (str(label), _show(data[key]))
        for key, label in DECLARATION_LABELS.items()
        if key in data and data[key] not in (None, "")
    ]
