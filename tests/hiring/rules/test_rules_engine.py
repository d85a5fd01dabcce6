"""Engine details on small, purpose-built rule sets."""

from datetime import date
from decimal import Decimal as D

import pytest

from sportello.hiring.rules import Applicant, Dependant, parse_ruleset, rank, score

OPENING = date(2025, 3, 1)
BORN = date(1980, 1, 1)


def ruleset(criteria=(), gates=(), ties=(), direction="higher_wins", base="0"):
    return parse_ruleset({
        "name": "test-rules", "version": 1, "legal_source": "test", "direction": direction,
        "base": base, "criteria": list(criteria), "gates": list(gates),
        "tie_breakers": list(ties),
    })  # fmt: skip


def per_unit(field, points, unit="1", **extra):
    return {"kind": "per_unit", "key": "k", "label": "hiring.rules.k", "field": field,
            "points_per_unit": points, "unit": unit, **extra}  # fmt: skip


def points(rs, applicant):
    line = score(rs, applicant, OPENING).lines[0]
    return line.points, line.note


def months(n, protocol="P-1", born=BORN):
    return Applicant(protocol, born, unemployment_months=n)


@pytest.mark.parametrize(
    ("ppu", "unit", "value", "expected"),
    [
        ("0.01", "2", 1, D("0.01")),  # 0.005 rounds half away from zero
        ("-0.01", "2", 1, D("-0.01")),
        ("0.01", "3", 1, D("0")),  # 0.00333...
        ("0.01", "3", 2, D("0.01")),  # 0.00666...
        ("-1", "1000", 12, D("-0.01")),
        ("0.1", "1", 7, D("0.7")),
    ],
)
def test_per_unit_exact_rounds_to_hundredths(ppu, unit, value, expected):
    assert points(ruleset([per_unit("unemployment_months", ppu, unit)]), months(value)) == (
        expected,
        None,
    )


def test_per_unit_whole_counts_complete_units_only():
    rs = ruleset([per_unit("valid_isee", "-1", "1000", rounding="whole")])
    isee = Applicant("P-1", BORN, D("12999.99"), 2025)
    assert points(rs, isee) == (D("-12"), None)


def test_per_unit_caps_and_missing_values():
    rs = ruleset([per_unit("unemployment_months", "1", min_points="2", max_points="5",
                           missing_points="-3")])  # fmt: skip
    assert points(rs, months(1)) == (D("2"), "capped")
    assert points(rs, months(4)) == (D("4"), None)
    assert points(rs, months(9)) == (D("5"), "capped")
    assert points(rs, months(None)) == (D("-3"), "missing")
    no_rule = ruleset([per_unit("unemployment_months", "1")])
    assert points(no_rule, months(None)) == (D("0"), "missing")


def test_banded_gaps_score_zero():
    rs = ruleset([{"kind": "banded", "key": "k", "label": "hiring.rules.k",
                   "field": "unemployment_months", "bands": [
                       {"max": "10", "points": "1"}, {"min": "20", "points": "3"}]}])  # fmt: skip
    assert [points(rs, months(n)) for n in (0, 9, 10, 19, 20, 200)] == [
        (D("1"), None), (D("1"), None), (D("0"), "no_band"), (D("0"), "no_band"),
        (D("3"), None), (D("3"), None),
    ]  # fmt: skip


def test_per_dependant_cap():
    rs = ruleset([{"kind": "per_dependant", "key": "k", "label": "hiring.rules.k",
                   "points": "2", "max_points": "5"}])  # fmt: skip
    assert points(rs, Applicant("P-1", BORN, dependants=2)) == (D("4"), None)
    assert points(rs, Applicant("P-1", BORN, dependants=[Dependant(90)] * 3)) == (D("5"), "capped")


@pytest.mark.parametrize(
    ("condition", "passes", "fails"),
    [
        ({"field": "employment_status", "op": "not_in", "value": ["employed"]},
         {"employment_status": "unemployed"}, {"employment_status": "employed"}),
        ({"field": "employment_status", "op": "not_in", "value": ["employed"]},
         {"employment_status": "unemployed"}, {}),  # unknown never satisfies a comparison
        ({"field": "did_date", "op": "is_null"}, {}, {"did_date": date(2024, 1, 1)}),
        ({"field": "did_date", "op": "not_null"}, {"did_date": date(2024, 1, 1)}, {}),
        ({"field": "did_date", "op": ">=", "value": "2024-01-01"},
         {"did_date": date(2024, 1, 1)}, {"did_date": date(2023, 12, 31)}),
        ({"field": "job_centres", "op": "contains", "value": "AOSTA"},
         {"job_centres": ["MORGEX", "AOSTA"]}, {"job_centres": ["MORGEX"]}),
        ({"field": "dependants", "op": "in", "value": [0, 2]}, {"dependants": 2},
         {"dependants": 1}),
        ({"field": "valid_isee", "op": "<", "value": "9000.50"},
         {"isee_value": D("9000.49"), "isee_year": 2025},
         {"isee_value": D("9000.49"), "isee_year": 2024}),
        ({"field": "dsu_only", "op": "!=", "value": True}, {}, {"dsu_only": True}),
    ],
)  # fmt: skip
def test_gate_conditions(condition, passes, fails):
    rs = ruleset(gates=[{"key": "g", "label": "hiring.gate.g", **condition}])
    assert score(rs, Applicant("P-1", BORN, **passes), OPENING).eligible
    result = score(rs, Applicant("P-1", BORN, **fails), OPENING)
    assert not result.eligible
    assert [(r.key, r.label) for r in result.reasons] == [("g", "hiring.gate.g")]


def test_flag_needs_every_condition():
    rs = ruleset([{"kind": "flag", "key": "k", "label": "hiring.rules.k", "points": "5", "when": [
        {"field": "did_date", "op": "<", "ref": "reference_date"},
        {"field": "employment_status", "op": "==", "value": "unemployed"}]}])  # fmt: skip
    both = Applicant("P-1", BORN, did_date=date(2025, 2, 28), employment_status="unemployed")
    assert score(rs, both, OPENING).lines[0].value is True
    assert score(rs, both, OPENING).total == D("5")
    late = Applicant("P-1", BORN, did_date=OPENING, employment_status="unemployed")
    assert score(rs, late, OPENING).total == D("0")


def test_field_tie_breaker_puts_unknown_values_last_in_either_order():
    cohort = [months(5, "P-1"), months(None, "P-2"), months(9, "P-3")]
    desc = ruleset(ties=[{"by": "field", "name": "unemployment_months", "order": "desc"}])
    asc = ruleset(ties=[{"by": "field", "name": "unemployment_months", "order": "asc"}])
    assert [e.protocol for e in rank(desc, cohort, OPENING)] == ["P-3", "P-1", "P-2"]
    assert [e.protocol for e in rank(asc, cohort, OPENING)] == ["P-1", "P-3", "P-2"]


def test_older_first_and_lower_wins():
    rs = ruleset([per_unit("unemployment_months", "1")], ties=[{"by": "older_first"}],
                 direction="lower_wins", base="10")  # fmt: skip
    cohort = [months(3, "A", date(1990, 1, 1)), months(3, "B", date(1980, 1, 1)),
              months(1, "C", date(2000, 1, 1))]  # fmt: skip
    assert [(e.protocol, e.score) for e in rank(rs, cohort, OPENING)] == [
        ("C", D("11")), ("B", D("13")), ("A", D("13"))]  # fmt: skip


def test_group_tie_breaker_ascending():
    rs = ruleset([per_unit("unemployment_months", "1", group="fam"),
                  {**per_unit("registration_months", "-1"), "key": "reg"}],
                 ties=[{"by": "group", "name": "fam", "order": "asc"}])  # fmt: skip
    a = Applicant("A", BORN, unemployment_months=5, registration_months=5)  # 5 - 5 = 0
    b = Applicant("B", BORN, unemployment_months=2, registration_months=2)  # 2 - 2 = 0
    assert [e.protocol for e in rank(rs, [a, b], OPENING)] == ["B", "A"]


def test_protocols_break_the_final_tie_in_natural_order():
    rs = ruleset()
    cohort = [Applicant(p, BORN) for p in ("2025/10", "2025/9", "2024/100", "2025/09", "A-1")]
    entries = rank(rs, cohort, OPENING)
    assert [e.protocol for e in entries] == ["2024/100", "2025/09", "2025/9", "2025/10", "A-1"]
    assert [e.decided_by for e in entries] == [None] + ["protocol"] * 4


def test_empty_cohort_and_excluded_rows():
    rs = ruleset(gates=[{"key": "adult", "label": "hiring.gate.adult", "field": "age",
                         "op": ">=", "value": 18}])  # fmt: skip
    assert rank(rs, [], OPENING) == []
    child = Applicant("P-1", date(2010, 1, 1))
    (entry,) = rank(rs, [child], OPENING)
    assert (entry.position, entry.score, entry.excluded, entry.reasons) == (
        None, None, True, ("adult",))  # fmt: skip


def test_protocols_of_one_layout_keep_natural_order():
    cohort = [Applicant(p, BORN) for p in ("2025/000010", "2025/000009", "2024/000100")]
    assert [e.protocol for e in rank(ruleset(), cohort, OPENING)] == [
        "2024/000100", "2025/000009", "2025/000010"]  # fmt: skip
