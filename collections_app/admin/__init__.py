from collections_app.admin import (  # noqa: F401  (registers the pages)
    cases,
    compliance,
    escalation,
    legal,
    outreach,
    parties,
    webhooks,
    workspace,
)
