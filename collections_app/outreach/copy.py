"""Fixed wording that templates pull in: repayment steps, consequences, opt-out lines.

Consequences are stated as facts about what happens next, never as threats (Reg F 1006.14 and
1006.18 forbid harassment and false or misleading statements; the CN guidelines forbid
intimidation and insulting language).
"""

from __future__ import annotations

# One message for several of a borrower's loans (a policy's outreach per borrower): the amount.
LOANS_TOTAL = {
    "en": "{amounts} on {count} loans",
    "zh-Hans": "{count}笔借款共 {amounts}",
}

REPAYMENT_STEPS = {
    "en": (
        "To repay: open {payment_link}, check the amount ({amount_due}), and pay by card or bank "
        "transfer. If you cannot pay it all, reply PLAN and we will agree a payment plan with you."
    ),
    "zh-Hans": (
        "还款方式：打开 {payment_link}，核对应还金额（{amount_due}），通过银行卡或转账还款。"
        "如无法一次还清，请回复“分期”，我们将与您商定还款计划。"
    ),
}

CONSEQUENCES = {
    "reminder": {
        "en": "Paying now avoids late fees growing on this loan.",
        "zh-Hans": "及时还款可避免产生更多逾期费用。",
    },
    "negotiation": {
        "en": "If the agreed payment is missed, the account moves to our escalation team.",
        "zh-Hans": "如未按约定还款，账户将转交我司升级处理团队。",
    },
    "escalation": {
        "en": (
            "If the balance stays unpaid, the lender may refer the account to a partner law firm, "
            "which may start legal proceedings to recover it."
        ),
        "zh-Hans": "如欠款仍未结清，出借方可能将账户移交合作律师事务所，依法通过诉讼追偿。",
    },
    "legal": {
        "en": (
            "The account has been referred to our partner law firm. You can still settle it "
            "directly by paying the amount due."
        ),
        "zh-Hans": "账户已移交合作律师事务所处理。您仍可直接还清应还金额结清账户。",
    },
}

# For a debt that may not be sued on (time-barred, or not shown within its limitation period:
# compliance/limitations.py): the consequences said as facts without any threat of suit.
# 12 CFR 1006.26(b), 1006.18(c).
CONSEQUENCES_NO_SUIT = {
    "escalation": {
        "en": "The balance is still unpaid. Contact us to agree a way to pay it that suits you.",
        "zh-Hans": "欠款仍未结清。请联系我们，商定适合您的还款方式。",
    },
    "legal": {
        "en": "The balance is still unpaid. You can settle it by paying the amount due.",
        "zh-Hans": "欠款仍未结清。您可还清应还金额结清账户。",
    },
}

# Added to every message about a time-barred debt where the borrower's profile names the
# disclosure (its `limitation_rules`, "disclosure", per region or for all). The wording is the
# one the CFPB tested and California requires (Civ. Code 1788.14(d)) for a debt that is not
# reported to credit bureaus; a state whose law prescribes other words gets its own key here.
TIME_BARRED_DISCLOSURES = {
    "time_barred": {
        "en": (
            "The law limits how long you can be sued on a debt. Because of the age of your debt, "
            "we will not sue you for it."
        ),
        "zh-Hans": "法律对就债务起诉的期限有限制。由于您这笔债务的时间已久，我们不会就此起诉您。",
    },
}

# Appended to every SMS (US: 12 CFR 1006.6(e); CN: SMS unsubscribe convention).
SMS_OPT_OUT = {
    "US": {"en": "Reply STOP to opt out.", "zh-Hans": "回复STOP退订。"},
    "CN": {"en": "Reply TD to unsubscribe.", "zh-Hans": "回TD退订"},
}
DEFAULT_SMS_OPT_OUT = {"en": "Reply STOP to opt out.", "zh-Hans": "回TD退订"}

EMAIL_OPT_OUT = {
    "en": "To stop receiving these emails, unsubscribe here: {unsubscribe_url}",
    "zh-Hans": "如不想再收到此类邮件，请点击退订：{unsubscribe_url}",
}


def pick(table: dict[str, str], language: str) -> str:
    return table.get(language) or table["en"]
