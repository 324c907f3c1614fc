from collections_app.admin import cases, parties, workspace  # noqa: F401  (registers the pages)
