"""Outreach: templates and rendering, the outbox, the dispatcher, sending, and the sweeper."""
