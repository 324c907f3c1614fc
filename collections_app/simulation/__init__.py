"""A portfolio simulator that drives the real engine (issue 8): see runner.py."""
