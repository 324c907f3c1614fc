"""Contact compliance: the rules every contact is checked against, and what a compliance officer
reads. Nothing here writes the ledger: the gate that applies these rules at send time, and owns
the ledger, decisions and reservations, is `outreach/gate.py`.

- `rules`: the pure decision, `contact_decision(snapshot, channel, at)`, over a snapshot of the
  borrower's contact ledger. No ORM: tests are tables.
- `snapshot`: reads that snapshot from the database.
- `profiles`: the jurisdictions' contact rules, one row per version.
- `audit`: an independent re-check of a ledger against the rules (reports, property tests).
- `report`: the compliance report.
"""
