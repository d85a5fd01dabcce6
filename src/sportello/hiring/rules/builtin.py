"""Rule sets shipped with Sportello, stored as JSON files in ``builtin/``.

They are starting points: an operator checks the current legal text, then
saves a new version (`derive_version`) before freezing it into a call.
"""

from __future__ import annotations

import json
from importlib import resources

from .parse import parse_ruleset
from .schema import RuleSet

BUILTIN_FILES = (
    "dpr_487_1994_art24.json",
    "emilia_romagna.json",
    "valle_d_aosta.json",
    "campania.json",
)


def load_builtin(filename: str) -> RuleSet:
    text = resources.files(__package__).joinpath("builtin", filename).read_text("utf-8")
    return parse_ruleset(json.loads(text))


def builtin_rulesets() -> dict[str, RuleSet]:
    """The shipped rule sets by name."""
    sets = (load_builtin(f) for f in BUILTIN_FILES)
    return {rs.name: rs for rs in sets}
