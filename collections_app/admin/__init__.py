from collections_app.admin import (  # noqa: F401  (registers the pages)
    api_keys,
    cases,
    compliance,
    disputes,
    escalation,
    imports,
    legal,
    lender_events,
    outreach,
    parties,
    webhooks,
    workspace,
)
