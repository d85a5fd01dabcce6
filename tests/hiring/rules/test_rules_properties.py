"""Properties of ranking over random applicants, for every shipped rule set."""

import dataclasses
import random
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from sportello.hiring.rules import (
    Applicant,
    Dependant,
    builtin_rulesets,
    rank,
    score,
    score_all,
)
from sportello.hiring.rules.ranking import protocol_key

RULESETS = builtin_rulesets()
OPENING = date(2025, 3, 1)
CENTRES = ("AOSTA", "MORGEX", "CHATILLON")

money = st.one_of(st.none(), st.integers(0, 6_000_000).map(lambda c: Decimal(c) / 100))
months = st.one_of(st.none(), st.integers(0, 200))


@st.composite
def applicants(draw, protocol):
    return Applicant(
        protocol=protocol,
        # a narrow range of birth dates makes ties likely
        birth_date=draw(st.dates(date(1960, 1, 1), date(1960, 1, 5)) | st.dates(
            date(1950, 1, 1), date(2010, 12, 31))),
        isee_value=(isee := draw(money)),
        isee_year=draw(st.sampled_from([2024, 2025])) if isee is not None else None,
        dsu_only=draw(st.booleans()),
        gross_income=draw(money),
        dependants=draw(st.lists(st.sampled_from([0, 50, 65, 66, 100]).map(Dependant),
                                 max_size=4)),
        did_date=draw(st.none() | st.dates(date(2015, 1, 1), date(2025, 12, 31))),
        unemployment_months=draw(months),
        registration_months=draw(months),
        employment_status=draw(st.sampled_from([None, "unemployed", "employed", "inactive"])),
        french_test_passed=draw(st.sampled_from([None, True, True, False])),
        job_centres=draw(st.permutations(CENTRES).flatmap(
            lambda p: st.integers(0, 3).map(lambda k: p[:k]))),
    )  # fmt: skip


@st.composite
def cohorts(draw):
    numbers = draw(st.lists(st.integers(1, 999), min_size=1, max_size=40, unique=True))
    return [draw(applicants(f"2025/{n}")) for n in numbers]


ruleset_names = st.sampled_from(sorted(RULESETS))


@settings(max_examples=150, deadline=None)
@given(ruleset_names, cohorts(), st.randoms(use_true_random=False))
def test_ranking_ignores_submission_order(name, cohort, rnd):
    shuffled = list(cohort)
    rnd.shuffle(shuffled)
    assert rank(RULESETS[name], shuffled, OPENING) == rank(RULESETS[name], cohort, OPENING)
    assert rank(RULESETS[name], cohort, OPENING) == rank(RULESETS[name], cohort, OPENING)


@settings(max_examples=150, deadline=None)
@given(ruleset_names, cohorts(), st.sampled_from([None, *CENTRES]))
def test_every_applicant_appears_exactly_once(name, cohort, centre):
    entries = rank(RULESETS[name], cohort, OPENING, job_centre=centre)
    listed = [a.protocol for a in cohort if centre is None or centre in a.job_centres]
    assert sorted(e.protocol for e in entries) == sorted(listed)
    ranked = [e for e in entries if not e.excluded]
    assert [e.position for e in ranked] == list(range(1, len(ranked) + 1))
    assert entries[: len(ranked)] == ranked  # exclusions come last
    for e in entries:
        result = score(RULESETS[name], next(a for a in cohort if a.protocol == e.protocol), OPENING)
        assert result.eligible == (not e.excluded)
        assert e.excluded or e.score == result.total  # the explanation matches the ranking


def oracle(name, cohort):
    """A slow, independent ranking: one `score` call per applicant and a plain tuple sort."""
    rows = []
    for a in cohort:
        result = score(RULESETS[name], a, OPENING)
        if not result.eligible:
            continue
        total = result.total
        younger = -a.birth_date.toordinal()
        if name == "dpr-487-1994-art24":
            key = (total, younger)
        elif name == "campania":
            family = sum(ln.points for ln in result.lines if ln.key == "dependants")
            months = a.unemployment_months
            key = (-total, younger, -family, (months is None, -(months or 0)))
        else:
            key = (-total, younger)
        rows.append((key, protocol_key(a.protocol), a.protocol, total))
    return [(p, t) for _, _, p, t in sorted(rows)]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["dpr-487-1994-art24", "emilia-romagna", "campania"]), cohorts())
def test_fast_ranking_matches_a_slow_oracle(name, cohort):
    fast = [(e.protocol, e.score) for e in rank(RULESETS[name], cohort, OPENING) if not e.excluded]
    assert fast == oracle(name, cohort)


@settings(max_examples=100, deadline=None)
@given(ruleset_names, cohorts())
def test_scoring_a_cohort_at_once_matches_one_by_one_and_the_ranking(name, cohort):
    """The ranking service explains every applicant in one pass (score_all)."""
    together = score_all(RULESETS[name], cohort, OPENING)
    assert together == [score(RULESETS[name], a, OPENING) for a in cohort]
    totals = {r.protocol: r.total_hundredths for r in together}
    for entry in rank(RULESETS[name], cohort, OPENING):
        if not entry.excluded:
            assert entry.total_hundredths == totals[entry.protocol]


def with_facts(a, **changes):
    return dataclasses.replace(a, **changes)


cents = st.integers(0, 5_000_000).map(lambda c: Decimal(c) / 100)


@given(applicants("P-1"), cents, cents.filter(bool))
def test_more_isee_never_raises_the_emilia_romagna_score(a, isee, extra):
    # among declared ISEEs; no valid ISEE at all scores the worst, like the highest ones
    a = with_facts(a, isee_value=isee, isee_year=2025)
    richer = with_facts(a, isee_value=isee + extra)
    er = RULESETS["emilia-romagna"]
    assert score(er, richer, OPENING).total <= score(er, a, OPENING).total


@given(applicants("P-1"), st.integers(0, 100), st.integers(1, 100))
def test_longer_registration_never_worsens_the_dpr_score(a, months, extra):
    dpr = RULESETS["dpr-487-1994-art24"]
    shorter = score(dpr, with_facts(a, registration_months=months), OPENING).total
    longer = score(dpr, with_facts(a, registration_months=months + extra), OPENING).total
    assert longer <= shorter  # lower wins: more months registered is never worse


@given(applicants("P-1"), st.integers(0, 100), st.integers(1, 100))
def test_longer_unemployment_never_lowers_the_campania_score(a, months, extra):
    campania = RULESETS["campania"]
    shorter = score(campania, with_facts(a, unemployment_months=months), OPENING).total
    longer = score(campania, with_facts(a, unemployment_months=months + extra), OPENING).total
    assert longer >= shorter


@given(applicants("P-1"), st.sampled_from([0, 30, 66, 100]))
def test_another_dependant_never_hurts(a, disability):
    more = with_facts(a, dependants=[*a.dependants, Dependant(disability)])
    dpr, campania = RULESETS["dpr-487-1994-art24"], RULESETS["campania"]
    assert score(dpr, more, OPENING).total < score(dpr, a, OPENING).total
    assert score(campania, more, OPENING).total > score(campania, a, OPENING).total


def test_it_ranks_a_large_cohort_consistently():
    rnd = random.Random(20250301)
    cohort = [
        Applicant(f"2025/{i}", date(rnd.randint(1960, 2000), rnd.randint(1, 12), rnd.randint(1, 28)),
                  Decimal(rnd.randint(0, 3_000_000)) / 100 if rnd.random() < 0.8 else None, 2025,
                  did_date=date(2024, 1, 1) if rnd.random() < 0.5 else None)
        for i in range(5000)
    ]  # fmt: skip
    entries = rank(RULESETS["emilia-romagna"], cohort, OPENING)
    scores = [e.total_hundredths for e in entries]
    assert scores == sorted(scores, reverse=True)
    assert len({e.protocol for e in entries}) == 5000
