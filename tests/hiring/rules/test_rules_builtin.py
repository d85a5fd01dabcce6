"""Hand-computed rankings for each shipped rule set (reference date = call opening)."""

from datetime import date
from decimal import Decimal as D

import pytest

from sportello.hiring.rules import Applicant, Dependant, builtin_rulesets, rank, score

OPENING = date(2025, 3, 1)


@pytest.fixture(scope="module")
def rulesets():
    return builtin_rulesets()


def table(entries):
    """(protocol, score as text, decided_by) for ranked rows; (protocol, reasons) for the rest."""
    ranked = [(e.protocol, str(e.score), e.decided_by) for e in entries if not e.excluded]
    excluded = [(e.protocol, e.reasons) for e in entries if e.excluded]
    assert [e.position for e in entries if not e.excluded] == list(range(1, len(ranked) + 1))
    return ranked, excluded


def test_it_ships_four_rule_sets(rulesets):
    assert set(rulesets) == {"dpr-487-1994-art24", "emilia-romagna", "valle-d-aosta", "campania"}
    assert all(rs.version == 1 and rs.legal_source for rs in rulesets.values())


# --- Emilia-Romagna: base 100, -1 per EUR 1,000 ISEE (max -25, none -25), +5 DID before
# the call, age +2/+4/+6 from 40/45/50, higher wins, younger first.
ER = [
    # 100 - 8.00 (ISEE 8,000) + 5 (DID) + 0 (age 34) = 97.00
    Applicant("ER-1", date(1990, 5, 10), D("8000.00"), 2025, did_date=date(2024, 6, 1)),
    # 100 - 25 (ISEE 30,000 capped) + 0 (no DID) + 6 (50 on the opening day) = 81.00
    Applicant("ER-2", date(1975, 3, 1), D("30000"), 2025),
    # 100 - 12.35 (12,345.67 / 1,000 = 12.34567, rounded) + 0 (DID on the opening day is
    # not before the call) + 2 (turns 41 on 2 March: still 40) = 89.65
    Applicant("ER-3", date(1984, 3, 2), D("12345.67"), 2025, did_date=OPENING),
    # 100 - 25 (only a DSU) + 5 (DID) + 4 (age 45) = 84.00
    Applicant("ER-4", date(1979, 7, 1), dsu_only=True, did_date=date(2020, 1, 1)),
    # 100 - 25 (ISEE attested in 2024: expired) + 5 (DID) + 0 (age 33) = 80.00
    Applicant("ER-5", date(1992, 1, 15), D("3000"), 2024, did_date=date(2023, 5, 5)),
    # same as ER-1 (97.00) but younger: ranks before ER-1
    Applicant("ER-6", date(1995, 8, 20), D("8000"), 2025, did_date=date(2024, 1, 1)),
    # same score and birth date as ER-3: the protocol decides, 3 before 10 (natural order)
    Applicant("ER-10", date(1984, 3, 2), D("12345.67"), 2025, did_date=OPENING),
    # 17 years old: excluded
    Applicant("ER-8", date(2008, 1, 1), D("1000"), 2025),
]


def test_emilia_romagna_ranking(rulesets):
    ranked, excluded = table(rank(rulesets["emilia-romagna"], ER, OPENING))
    assert ranked == [
        ("ER-6", "97.00", None),
        ("ER-1", "97.00", "younger_first"),
        ("ER-3", "89.65", "score"),
        ("ER-10", "89.65", "protocol"),
        ("ER-4", "84.00", "score"),
        ("ER-2", "81.00", "score"),
        ("ER-5", "80.00", "score"),
    ]
    assert excluded == [("ER-8", ("adult",))]


def test_emilia_romagna_explains_each_criterion(rulesets):
    result = score(rulesets["emilia-romagna"], ER[2], OPENING)
    assert result.eligible and result.total == D("89.65")
    lines = [(ln.key, ln.label, ln.value, ln.points, ln.note) for ln in result.lines]
    assert lines == [
        ("isee", "hiring.rules.isee", D("12345.67"), D("-12.35"), None),
        ("did", "hiring.rules.did_before_call", False, D("0"), None),
        ("age", "hiring.rules.age", 40, D("2"), None),
    ]
    capped = score(rulesets["emilia-romagna"], ER[1], OPENING).lines[0]
    assert (capped.points, capped.note) == (D("-25"), "capped")
    missing = score(rulesets["emilia-romagna"], ER[3], OPENING).lines[0]
    assert (missing.value, missing.points, missing.note) == (None, D("-25"), "missing")


# --- DPR 487/1994 art. 24: base 1000, -1 per month registered, -12 per dependant,
# + income band (0 / 10 / 20 / 30 / 40 / 50 from 0 / 5k / 10k / 15k / 20k / 30k; none: 50),
# lower wins, younger first.
DPR = [
    # 1000 - 24 - 2*12 + 0 (income 4,000) = 952
    Applicant("D-1", date(1980, 1, 1), registration_months=24, dependants=2,
              gross_income=D("4000")),
    # 1000 - 60 - 0 + 20 (income 12,000) = 960
    Applicant("D-2", date(1970, 1, 1), registration_months=60, gross_income=D("12000")),
    # 1000 - 12 - 3*12 + 10 (9,999.99 is still below 10,000) = 962
    Applicant("D-3", date(1985, 1, 1), registration_months=12, dependants=3,
              gross_income=D("9999.99")),
    # 1000 - 0 - 12 + 50 (income not declared) = 1038
    Applicant("D-4", date(1990, 1, 1), registration_months=0, dependants=1),
    # 1000 - 48 - 0 + 0 (income 0) = 952, younger than D-1 so first
    Applicant("D-5", date(1990, 1, 1), registration_months=48, gross_income=D("0")),
    # 1000 - 10 - 0 + 50 (30,000 opens the top band) = 1040
    Applicant("D-6", date(1960, 1, 1), registration_months=10, gross_income=D("30000")),
    # 1000 - 30 - 0 + 20 (10,000.00 opens the 10k band) = 990
    Applicant("D-7", date(1975, 1, 1), registration_months=30, gross_income=D("10000.00")),
]  # fmt: skip


def test_dpr_487_ranking_lower_score_first(rulesets):
    ranked, excluded = table(rank(rulesets["dpr-487-1994-art24"], DPR, OPENING))
    assert ranked == [
        ("D-5", "952.00", None),
        ("D-1", "952.00", "younger_first"),
        ("D-2", "960.00", "score"),
        ("D-3", "962.00", "score"),
        ("D-7", "990.00", "score"),
        ("D-4", "1038.00", "score"),
        ("D-6", "1040.00", "score"),
    ]
    assert excluded == []


# --- Valle d'Aosta: gates (French test, unemployed/suspended/employed, adult, a job
# centre), ER-like scoring, younger first, then preference for the ranked centre.
def vda(protocol, born, centres, french=True, status="unemployed", **facts):
    return Applicant(protocol, born, french_test_passed=french, employment_status=status,
                     job_centres=centres, **facts)  # fmt: skip


VDA = [
    # 100 - 10 (ISEE 10,000) + 5 (DID) + 0 (age 39) = 95.00
    vda("V-1", date(1985, 6, 1), ["AOSTA", "MORGEX"], isee_value=D("10000"), isee_year=2025,
        did_date=date(2024, 2, 2)),
    vda("V-2", date(1985, 6, 1), ["AOSTA"], french=False),
    # same facts as V-1 (95.00), employed, prefers MORGEX
    vda("V-3", date(1985, 6, 1), ["MORGEX", "AOSTA"], status="employed",
        isee_value=D("10000"), isee_year=2025, did_date=date(2024, 2, 2)),
    vda("V-4", date(1985, 6, 1), ["AOSTA"], status="inactive"),
    vda("V-5", date(1985, 6, 1), ["MORGEX"], french=None, status=None),
    # 100 - 25 (no ISEE) + 5 (DID) + 6 (age 55) = 86.00
    vda("V-6", date(1970, 2, 1), ["AOSTA"], status="suspended", did_date=date(2019, 1, 1)),
    vda("V-7", date(1985, 6, 1), []),
]  # fmt: skip


def test_valle_d_aosta_gates_and_overall_ranking(rulesets):
    ranked, excluded = table(rank(rulesets["valle-d-aosta"], VDA, OPENING))
    assert ranked == [("V-1", "95.00", None), ("V-3", "95.00", "protocol"),
                      ("V-6", "86.00", "score")]  # fmt: skip
    assert excluded == [
        ("V-2", ("french_test",)),
        ("V-4", ("employment_status",)),
        ("V-5", ("french_test", "employment_status")),
        ("V-7", ("job_centre",)),
    ]


def test_valle_d_aosta_ranks_per_job_centre_by_preference(rulesets):
    aosta, excluded = table(rank(rulesets["valle-d-aosta"], VDA, OPENING, job_centre="AOSTA"))
    assert aosta == [("V-1", "95.00", None), ("V-3", "95.00", "preference"),
                     ("V-6", "86.00", "score")]  # fmt: skip
    assert excluded == [("V-2", ("french_test",)), ("V-4", ("employment_status",))]
    morgex, excluded = table(rank(rulesets["valle-d-aosta"], VDA, OPENING, job_centre="MORGEX"))
    assert morgex == [("V-3", "95.00", None), ("V-1", "95.00", "preference")]
    assert excluded == [("V-5", ("french_test", "employment_status"))]


# --- Campania: base 100, ISEE as ER, +0.1 per month unemployed (max 6), +1 per dependant
# (+1.5 instead if disability over 65%), higher wins; ties: younger, family, unemployment.
CAMPANIA = [
    # 100 - 5 (ISEE 5,000) + 1.2 (12 months) + 1 + 1.5 (dependants, one at 70%) = 98.70
    Applicant("C-1", date(1990, 1, 1), D("5000"), 2025, unemployment_months=12,
              dependants=[Dependant(0), Dependant(70)]),
    # 100 - 5 + 0.7 (7 months) + 3 (three dependants) = 98.70; family 3 beats 2.5
    Applicant("C-2", date(1990, 1, 1), D("5000"), 2025, unemployment_months=7, dependants=3),
    # 100 - 6 (ISEE 6,000) + 2.2 (22 months) + 1.5 (66%) + 1 = 98.70; family 2.5 like C-1,
    # longer unemployment than C-1
    Applicant("C-3", date(1990, 1, 1), D("6000"), 2025, unemployment_months=22,
              dependants=[Dependant(66), Dependant(0)]),
    # 100 - 25 (no ISEE) + 6 (100 months = 10, capped at 6) + 1 (65% is not over 65) = 82.00
    Applicant("C-4", date(1985, 5, 5), unemployment_months=100, dependants=[Dependant(65)]),
    # 100 - 0 (ISEE 0) + 0 (unemployment not declared) + 0 = 100.00
    Applicant("C-5", date(1999, 9, 9), D("0"), 2025),
    # 100 - 1.30 (ISEE 1,300) = 98.70, the youngest of the 98.70 group
    Applicant("C-6", date(2000, 1, 1), D("1300"), 2025),
]  # fmt: skip


def test_campania_ranking_and_ordered_tie_breakers(rulesets):
    ranked, excluded = table(rank(rulesets["campania"], CAMPANIA, OPENING))
    assert ranked == [
        ("C-5", "100.00", None),
        ("C-6", "98.70", "score"),
        ("C-2", "98.70", "younger_first"),
        ("C-3", "98.70", "group:family"),
        ("C-1", "98.70", "field:unemployment_months"),
        ("C-4", "82.00", "score"),
    ]
    assert excluded == []
