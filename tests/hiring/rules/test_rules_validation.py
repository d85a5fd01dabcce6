"""Malformed rule sets and absurd applicant data are refused with clear messages."""

import copy
import json
from datetime import date, datetime
from decimal import Decimal as D

import pytest

from sportello.hiring.rules import (
    Applicant,
    ApplicantDataError,
    Dependant,
    RuleSetError,
    builtin_rulesets,
    derive_version,
    parse_ruleset,
    rank,
    score,
)

ER = builtin_rulesets()["emilia-romagna"]
OPENING = date(2025, 3, 1)


def er_dict():
    return copy.deepcopy(ER.to_dict())


def test_it_round_trips_every_builtin_through_json():
    for rs in builtin_rulesets().values():
        again = parse_ruleset(json.loads(json.dumps(rs.to_dict())))
        assert again == rs
        assert again.fingerprint() == rs.fingerprint()


def test_derive_version_bumps_the_version_and_keeps_the_name():
    v2 = derive_version(ER, {"base": "90", "legal_source": "DGR 2025/1"})
    assert (v2.name, v2.version, v2.derived_from) == (ER.name, 2, 1)
    assert v2.base == D("90") and v2.legal_source == "DGR 2025/1"
    assert v2.criteria == ER.criteria
    assert v2.fingerprint() != ER.fingerprint()
    assert derive_version(v2, {}).version == 3
    with pytest.raises(RuleSetError, match="cannot change name, version"):
        derive_version(ER, {"version": 7, "name": "other"})
    with pytest.raises(RuleSetError, match="direction"):
        derive_version(ER, {"direction": "sideways"})


def break_it(path_and_value):
    d = er_dict()
    target = d
    *keys, last = path_and_value[0]
    for k in keys:
        target = target[k]
    if path_and_value[1] is KeyError:
        del target[last]
    else:
        target[last] = path_and_value[1]
    return d


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ((["name"], "Emilia Romagna!"), "name: use"),
        ((["legal_source"], "  "), "legal_source: required"),
        ((["legal_source"], KeyError), "ruleset: missing legal_source"),
        ((["version"], 0), "version: must be between 1"),
        ((["version"], "1"), "version: expected a whole number"),
        ((["base"], "1e400"), "base: number out of range"),
        ((["base"], "ten"), "base: 'ten' is not a number"),
        ((["base"], True), "base: expected a number"),
        ((["criteria", 0, "points_per_unit"], "0.125"), "points_per_unit: at most two decimal"),
        ((["criteria", 0, "kind"], "bonus"), r"criteria\[0\].kind: must be one of"),
        ((["criteria", 0, "field"], "iseee"), "'iseee' is not a numeric field"),
        ((["criteria", 0, "field"], "french_test_passed"), "is not a numeric field"),
        ((["criteria", 0, "unit"], "0"), "unit: must be positive"),
        ((["criteria", 0, "rounding"], "up"), "rounding: must be"),
        ((["criteria", 0, "max_points"], "-30"), "min_points must not exceed max_points"),
        ((["criteria", 0, "points"], "1"), r"criteria\[0\]: unknown key\(s\) points"),
        ((["criteria", 0, "label"], "ISEE"), "label: expected a dotted label key"),
        ((["criteria", 1, "key"], "isee"), "criteria: duplicate key 'isee'"),
        ((["criteria", 1, "when"], []), "needs at least 1 item"),
        ((["criteria", 1, "when", 0, "op"], "in"), "'in' does not apply to date field"),
        ((["criteria", 1, "when", 0, "ref"], "yesterday"), "only a date compared with"),
        ((["criteria", 2, "steps", 1, "from_age"], 40), "from_age must be strictly increasing"),
        ((["criteria", 2, "steps", 1, "from_age"], 200), "from_age: must be between 0 and 120"),
        ((["gates", 0, "op"], "contains"), "'contains' does not apply to number field"),
        ((["gates", 0, "value"], "eighteen"), "is not a number"),
        ((["gates", 0, "field"], "shoe_size"), "unknown field 'shoe_size'"),
        ((["tie_breakers", 0, "by"], "coin_toss"), "by: must be one of"),
        ((["tie_breakers"], [{"by": "group", "name": "family"}]), "no criterion has group"),
        ((["tie_breakers"], [{"by": "field", "name": "birth_date"}]), "is not a numeric field"),
        ((["tie_breakers"], [{"by": "younger_first", "name": "x"}]), "take a name"),
        ((["tie_breakers"], [{"by": "field", "name": "age", "order": "up"}]), "order: must be"),
        ((["criteria"], "isee"), "criteria: expected a list"),
        ((["typo"], 1), "ruleset: unknown key"),
    ],
)
def test_it_refuses_malformed_rule_sets(change, message):
    with pytest.raises(RuleSetError, match=message):
        parse_ruleset(break_it(change))


def test_it_refuses_overlapping_or_unordered_bands():
    dpr = builtin_rulesets()["dpr-487-1994-art24"].to_dict()
    dpr["criteria"][2]["bands"][1]["min"] = "4000"
    with pytest.raises(RuleSetError, match=r"bands\[1\]: bands must be in order"):
        parse_ruleset(dpr)
    dpr["criteria"][2]["bands"][1] = {"min": "9000", "max": "6000", "points": "1"}
    with pytest.raises(RuleSetError, match=r"bands\[1\]: min must be below max"):
        parse_ruleset(dpr)


def test_it_refuses_half_a_disability_rule():
    campania = builtin_rulesets()["campania"].to_dict()
    del campania["criteria"][2]["disabled_points"]
    with pytest.raises(RuleSetError, match="give both disability_over and disabled_points"):
        parse_ruleset(campania)


def test_it_refuses_a_non_object():
    with pytest.raises(RuleSetError, match="ruleset: expected an object"):
        parse_ruleset(["not", "a", "dict"])


BORN = date(1980, 1, 1)


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"isee_value": D("-1"), "isee_year": 2025}, "isee_value: -1 is outside"),
        ({"isee_value": D("10000000.01"), "isee_year": 2025}, "isee_value: .* is outside"),
        ({"isee_value": D("100.001"), "isee_year": 2025}, "at most two decimal places"),
        ({"isee_value": 1234.5, "isee_year": 2025}, "expected a Decimal amount"),
        ({"isee_value": D("NaN"), "isee_year": 2025}, "is outside"),
        ({"isee_value": D("100")}, "isee_year: required with isee_value"),
        ({"gross_income": "12000"}, "gross_income: expected a Decimal"),
        ({"dependants": 2.5}, "dependants: expected a count or a list"),
        ({"dependants": "3"}, "dependants: expected a count or a list"),
        ({"dependants": -1}, "dependants: -1 is outside"),
        ({"dependants": True}, "dependants: expected a count or a list"),
        ({"dependants": [1, 2]}, "each item must be a Dependant"),
        ({"dependants": (Dependant(), 1)}, "each item must be a Dependant"),
        ({"dependants": (Dependant(),) * 41}, "dependants: more than 40"),
        ({"unemployment_months": 3.5}, "unemployment_months: expected a whole number"),
        ({"registration_months": -2}, "registration_months: -2 is outside"),
        ({"employment_status": "astronaut"}, "employment_status: unknown value"),
        ({"french_test_passed": "yes"}, "french_test_passed: expected"),
        ({"job_centres": "AOSTA"}, "job_centres: expected a list"),
        ({"job_centres": ["AOSTA", "AOSTA"]}, "listed twice"),
        ({"did_date": "2024-01-01"}, "did_date: expected a date"),
        ({"dsu_only": "no"}, "dsu_only: expected true or false"),
    ],
)
def test_it_refuses_absurd_applicant_data(facts, message):
    with pytest.raises(ApplicantDataError, match=message):
        Applicant("P-1", BORN, **facts)


def test_it_refuses_bad_protocols_and_birth_dates():
    with pytest.raises(ApplicantDataError, match="protocol: required"):
        Applicant(" ", BORN)
    with pytest.raises(ApplicantDataError, match="birth_date: expected a date"):
        Applicant("P-1", datetime(1980, 1, 1))  # noqa: DTZ001
    with pytest.raises(ApplicantDataError, match="not plausible"):
        Applicant("P-1", date(1850, 1, 1))
    with pytest.raises(ApplicantDataError, match="disability_percent"):
        Dependant(120)


def test_rank_refuses_duplicate_protocols_and_unborn_applicants():
    twice = [Applicant("P-1", BORN), Applicant("P-2", BORN), Applicant("P-1", BORN)]
    with pytest.raises(ApplicantDataError, match="protocol P-1: submitted twice"):
        rank(ER, twice, OPENING)
    unborn = Applicant("P-9", date(2025, 3, 2))
    with pytest.raises(ApplicantDataError, match="P-9: birth_date 2025-03-02 is after"):
        rank(ER, [Applicant("P-1", BORN), unborn], OPENING)
    with pytest.raises(ApplicantDataError, match="is after"):
        score(ER, unborn, OPENING)
