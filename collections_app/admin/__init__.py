from collections_app.admin import cases, compliance, parties  # noqa: F401  (registers pages)
