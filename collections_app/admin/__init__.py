from collections_app.admin import (  # noqa: F401  (registers the pages)
    cases,
    compliance,
    escalation,
    legal,
    lender_events,
    outreach,
    parties,
    webhooks,
    workspace,
)
