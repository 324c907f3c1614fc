"""The compliance gate: every contact is checked against the borrower's jurisdiction at send time.

- `rules`: the pure decision, `contact_decision(snapshot, channel, at)`, over a snapshot of the
  borrower's contact ledger. No ORM: tests are tables.
- `snapshot`: builds that snapshot from the database.
- `gate`: locks the borrower's ledger row, decides, records the decision and reserves the
  attempt, atomically.
- `audit`: an independent re-check of a ledger against the rules (reports, property tests).
"""
