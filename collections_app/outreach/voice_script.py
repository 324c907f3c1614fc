"""What a call says to the borrower once a person has answered: the voice template the
dispatcher rendered into the outbox row; this fixed wording only for a row without one (e.g. a
call placed before rendering existed). Answering machines never hear it (see web/voice.py).
"""

from __future__ import annotations

from django.conf import settings

from collections_app.models import OutboundMessage

SCRIPTS = {
    "en": (
        "Hello {name}, this is {company} calling about your loan. "
        "{amount} {currency} is past due. Please make a payment as soon as you can."
    ),
    "zh-Hans": "{name}您好，这里是{company}，关于您的贷款：已逾期{amount}{currency}，请尽快还款。",
}


def voice_script(message: OutboundMessage) -> str:
    if message.body:
        return message.body
    borrower = message.borrower
    language = borrower.preferred_language if borrower.preferred_language in SCRIPTS else "en"
    return SCRIPTS[language].format(
        name=borrower.name,
        company=settings.COMPANY_NAME,
        amount=message.case.amount_overdue,
        currency=message.case.loan.currency,
    )
