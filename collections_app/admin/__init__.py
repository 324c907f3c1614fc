from collections_app.admin import cases, parties  # noqa: F401  (registers the admin pages)
