from collections_app.admin import (  # noqa: F401  (registers the pages)
    cases,
    compliance,
    escalation,
    imports,
    legal,
    outreach,
    parties,
    webhooks,
    workspace,
)
