"""Hiring-call rule engine: rule sets as versioned data, scoring and ranking.

Pure Python (no ORM). Scores are exact: all arithmetic runs on integers in
hundredths of a point. The reference date given to `score`/`rank` is the
call's opening date (see `facts`). `score_all` scores many applicants in one pass.

A rule set is a JSON object (see `builtin/*.json`)::

    name, version, legal_source, notes, derived_from
    direction      "lower_wins" | "higher_wins"
    base           points everyone starts with
    gates          [{key, label, field, op, value | ref}]   all must hold, else excluded
    criteria       [{kind, key, label, group?, ...}]
      per_unit       field, points_per_unit, unit=1, rounding="exact"|"whole",
                     min_points, max_points (caps), missing_points (no value)
      banded         field, bands=[{min?, max?, points}] (min <= value < max), missing_points
      age_steps      steps=[{from_age, points}] (the highest step reached)
      flag           when=[conditions], points
      per_dependant  points, disability_over + disabled_points (instead), max_points
    tie_breakers   [{by: younger_first|older_first|field|group|preference, name?, order?}]
                   then, always, the protocol number

Fields a rule may use are listed in `FIELDS`; condition operators in
`conditions.OPS_BY_TYPE`. Numbers may be JSON numbers or strings, with at most
two decimal places.
"""

from .applicant import Applicant, Dependant
from .builtin import builtin_rulesets, load_builtin
from .engine import ExplanationLine, GateFailure, ScoreResult, score, score_all
from .errors import ApplicantDataError, RuleSetError
from .facts import FIELDS
from .parse import derive_version, parse_ruleset
from .ranking import RankedEntry, rank
from .schema import RuleSet

__all__ = [
    "FIELDS",
    "Applicant",
    "ApplicantDataError",
    "Dependant",
    "ExplanationLine",
    "GateFailure",
    "RankedEntry",
    "RuleSet",
    "RuleSetError",
    "ScoreResult",
    "builtin_rulesets",
    "derive_version",
    "load_builtin",
    "parse_ruleset",
    "rank",
    "score",
    "score_all",
]
