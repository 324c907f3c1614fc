from collections_app.models import CollectionCase
from collections_app.phrases import STORED_KEY
from collections_app.services.cases import case_transition
from collections_app.states import CaseState

# The shortest way from `reminder` to each state, by system transitions.
PATHS: dict[str, list[str]] = {
    CaseState.REMINDER: [],
    CaseState.NEGOTIATION: ["start_negotiation"],
    CaseState.ESCALATION: ["escalate"],
    CaseState.LEGAL: ["escalate", "refer_to_legal"],
    CaseState.PAUSED: ["pause"],
    CaseState.RESOLVED: ["resolve"],
    CaseState.WRITTEN_OFF: ["write_off"],
}


def bring_to(case: CollectionCase, state: str) -> CollectionCase:
    for name in PATHS[state]:
        case_transition(case=case, name=name, reason="test setup")
    assert case.state == state
    return case


def without_phrase(data: dict) -> dict:
    """An event's data without the phrase its reason keeps there (phrases.py, "i18n")."""
    return {k: v for k, v in data.items() if k != STORED_KEY}
