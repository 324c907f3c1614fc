from collections_app.admin import (  # noqa: F401  (registers the pages)
    api_keys,
    cases,
    compliance,
    escalation,
    imports,
    legal,
    lender_events,
    outreach,
    parties,
    settlements,
    webhooks,
    workspace,
)
