"""Pure policy functions: no ORM, `today` is an argument, so tests are parametrize tables.

- segmentation.py: the behaviour segment of a case and the reasons for it.
- stages.py: which transition a case's signals call for, and what outreach is due.
- selection.py: which policy (and champion/challenger variant) governs a case.
- defaults.py: the CN and US policies (migration 0002 ships a frozen copy), their template keys.
- default_segmentation.py: the segmentation they ship with, each rule with its reason.
"""
