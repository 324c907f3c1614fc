from collections_app.models.borrowers import Borrower, ChannelConsent
from collections_app.models.cases import CollectionCase
from collections_app.models.choices import Channel, Jurisdiction, Language, Segment
from collections_app.models.events import AppendOnlyError, CaseEvent
from collections_app.models.loans import Loan
from collections_app.models.payments import Payment, PaymentPlan, PlanInstallment, PromiseToPay

__all__ = [
    "AppendOnlyError",
    "Borrower",
    "CaseEvent",
    "Channel",
    "ChannelConsent",
    "CollectionCase",
    "Jurisdiction",
    "Language",
    "Loan",
    "Payment",
    "PaymentPlan",
    "PlanInstallment",
    "PromiseToPay",
    "Segment",
]
from collections_app.models.jobs import BulkAction

__all__ += ["BulkAction"]
