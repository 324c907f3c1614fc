from collections_app.admin import cases, escalation, parties  # noqa: F401  (registers the admin pages)
