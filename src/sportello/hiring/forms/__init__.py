from sportello.hiring.forms.application import ApplicationForm
from sportello.hiring.forms.office import (
    AppealDecisionForm,
    AppealForm,
    CallFilterForm,
    CallForm,
    CallTextsForm,
    CitizenLookupForm,
    DecisionForm,
    OutcomeForm,
    RuleSetDeriveForm,
    StaffingRequestForm,
    VerifyForm,
)

__all__ = [
    "AppealDecisionForm",
    "AppealForm",
    "ApplicationForm",
    "CallFilterForm",
    "CallForm",
    "CallTextsForm",
    "CitizenLookupForm",
    "DecisionForm",
    "OutcomeForm",
    "RuleSetDeriveForm",
    "StaffingRequestForm",
    "VerifyForm",
]
