from collections_app.admin import (  # noqa: F401  (registers the pages)
    cases,
    compliance,
    outreach,
    parties,
    webhooks,
)
