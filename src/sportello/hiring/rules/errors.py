"""Errors of the hiring rule engine. Messages are for operators (English, with a path)."""


class RuleSetError(ValueError):
    """A rule set is malformed; the message names the offending path."""


class ApplicantDataError(ValueError):
    """Declared applicant data is absurd (negative ISEE, non-integer counts, ...)."""
