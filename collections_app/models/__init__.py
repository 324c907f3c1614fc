from collections_app.models.borrowers import Borrower, ChannelConsent
from collections_app.models.cases import CollectionCase
from collections_app.models.choices import Channel, Jurisdiction, Language, Segment
from collections_app.models.events import AppendOnlyError, CaseEvent
from collections_app.models.loans import Loan
from collections_app.models.payments import (
    InstallmentAllocation,
    Payment,
    PaymentPlan,
    PlanInstallment,
    PromiseAllocation,
    PromiseToPay,
)

__all__ = [
    "AppendOnlyError",
    "Borrower",
    "CaseEvent",
    "Channel",
    "ChannelConsent",
    "CollectionCase",
    "InstallmentAllocation",
    "Jurisdiction",
    "Language",
    "Loan",
    "Payment",
    "PaymentPlan",
    "PlanInstallment",
    "PromiseAllocation",
    "PromiseToPay",
    "Segment",
]
from collections_app.models.jobs import BulkAction

__all__ += ["BulkAction"]
from collections_app.models.outreach import (  # noqa: E402
    BadContactPoint,
    DeliveryAttempt,
    MessageTemplate,
    OutboundMessage,
)

__all__ += ["BadContactPoint", "DeliveryAttempt", "MessageTemplate", "OutboundMessage"]
from collections_app.models.compliance import (  # noqa: E402
    ContactAttempt,
    ContactDecision,
    ContactHold,
    ContactLedger,
    JurisdictionProfile,
    ValidationNotice,
)

__all__ += [
    "ContactAttempt",
    "ContactDecision",
    "ContactHold",
    "ContactLedger",
    "JurisdictionProfile",
    "ValidationNotice",
]
from collections_app.models.workspace import AgentProfile, PiiAccessLog  # noqa: E402

__all__ += ["AgentProfile", "PiiAccessLog"]

from collections_app.models.escalation import EscalationChunk, EscalationRun  # noqa: E402
from collections_app.models.policies import CollectionPolicy  # noqa: E402

__all__ += ["CollectionPolicy", "EscalationChunk", "EscalationRun"]

from collections_app.models.webhooks import WebhookEvent  # noqa: E402

__all__ += ["WebhookEvent"]

from collections_app.models.legal import LegalProposal  # noqa: E402

__all__ += ["LegalProposal"]

from collections_app.models.lender import AbilitySignal, ContactPoint, PaymentReversal  # noqa: E402
from collections_app.models.loans import LoanStatus  # noqa: E402

__all__ += ["AbilitySignal", "ContactPoint", "LoanStatus", "PaymentReversal"]

from collections_app.models.api import IdempotencyRecord, IntegrationKey  # noqa: E402

__all__ += ["IdempotencyRecord", "IntegrationKey"]
from collections_app.models.imports import ImportJob, ImportProblem  # noqa: E402

__all__ += ["ImportJob", "ImportProblem"]
from collections_app.models.lender_events import (  # noqa: E402
    LenderEvent,
    LenderEventAttempt,
    LenderEventDelivery,
    LenderEventKind,
    WebhookEndpoint,
)

__all__ += [
    "LenderEvent",
    "LenderEventAttempt",
    "LenderEventDelivery",
    "LenderEventKind",
    "WebhookEndpoint",
]

from collections_app.models.disputes import Dispute, DisputeDocument  # noqa: E402

__all__ += ["Dispute", "DisputeDocument"]
from collections_app.models.calls import CallLog, CallScript, RightPartyCheck  # noqa: E402

__all__ += ["CallLog", "CallScript", "RightPartyCheck"]
from collections_app.models.settlements import PaymentLink, Settlement  # noqa: E402

__all__ += ["PaymentLink", "Settlement"]
from collections_app.models.retention import PurgeRun, RetentionHold  # noqa: E402

__all__ += ["PurgeRun", "RetentionHold"]
from collections_app.models.consent import ConsentException  # noqa: E402

__all__ += ["ConsentException"]
