"""compliance/ is the pure rules and what a compliance officer reads: the gate's writes (ledger
locks, decisions, reservations) are the outreach service's (outreach/gate.py). Only the
versioned profiles are written here, by the officer's own edits."""

from pathlib import Path

from tests.structure import writes_in

COMPLIANCE = Path(__file__).resolve().parents[2] / "collections_app" / "compliance"
OFFICERS_EDITS = {"profiles.py"}


def test_nothing_in_compliance_writes_but_the_profile_editor() -> None:
    offenders = {
        path.name: found
        for path in sorted(COMPLIANCE.glob("*.py"))
        if path.name not in OFFICERS_EDITS
        and (found := writes_in(path.read_text(), attributes=False))
    }
    assert offenders == {}
