"""The templates shipped for every default policy step, in English and Simplified Chinese.

Shipped by migration 0002 (a frozen copy; a test keeps the two equal); compliance and
supervisors edit them in admin afterwards. Every text says how much is due, how to repay, and
what happens next if unpaid. Opt-out lines are added by the renderer for the borrower's
jurisdiction, so they are not in these texts.
"""

from __future__ import annotations

EN, ZH = "en", "zh-Hans"

# key -> stage it is written for
KEYS = {
    "reminder-notice": "reminder",
    "negotiation-followup": "negotiation",
    "plan-offer": "negotiation",
    "escalation-notice": "escalation",
    "legal-referral": "legal",
}

_SMS = {
    ("reminder-notice", EN): (
        "{{ company_name }}: Hi {{ first_name }}, your payment of {{ amount_due }} was due on "
        "{{ due_date }}. Pay at {{ payment_link }} or reply PLAN if you need a payment plan."
    ),
    ("reminder-notice", ZH): (
        "【{{ company_name }}】{{ name }}您好，您的借款应还 {{ amount_due }}（到期日 {{ due_date }}）尚未还款。"
        "请通过 {{ payment_link }} 还款，如需分期请回复“分期”。"
    ),
    ("negotiation-followup", EN): (
        "{{ company_name }}: Thanks {{ first_name }}. As agreed, {{ amount_due }} is due. Pay at "
        "{{ payment_link }}. {{ consequences }}"
    ),
    ("negotiation-followup", ZH): (
        "【{{ company_name }}】{{ name }}您好，按约定您需还款 {{ amount_due }}，请通过 {{ payment_link }} 还款。"
        "{{ consequences }}"
    ),
    ("plan-offer", EN): (
        "{{ company_name }}: {{ first_name }}, if paying {{ amount_due }} at once is hard, we can "
        "split it into smaller payments. Reply PLAN or call {{ callback_number }}."
    ),
    ("plan-offer", ZH): (
        "【{{ company_name }}】{{ name }}您好，如一次还清 {{ amount_due }} 有困难，可申请分期还款。"
        "请回复“分期”或致电 {{ callback_number }}。"
    ),
    ("escalation-notice", EN): (
        "{{ company_name }}: {{ first_name }}, {{ amount_due }} is {{ days_past_due }} days overdue. "
        "{{ consequences }} Pay at {{ payment_link }} or call {{ callback_number }}."
    ),
    ("escalation-notice", ZH): (
        "【{{ company_name }}】{{ name }}您好，您的欠款 {{ amount_due }} 已逾期 {{ days_past_due }} 天。"
        "{{ consequences }}请通过 {{ payment_link }} 还款或致电 {{ callback_number }}。"
    ),
    ("legal-referral", EN): (
        "{{ company_name }}: {{ first_name }}, your account ({{ amount_due }} overdue) has been "
        "referred to our partner law firm. To settle, pay at {{ payment_link }}."
    ),
    ("legal-referral", ZH): (
        "【{{ company_name }}】{{ name }}您好，您的账户（逾期 {{ amount_due }}）已移交合作律师事务所。"
        "如需结清，请通过 {{ payment_link }} 还款。"
    ),
}

_EMAIL_SUBJECT = {
    ("reminder-notice", EN): "Your payment of {{ amount_due }} is overdue",
    ("reminder-notice", ZH): "您的 {{ amount_due }} 还款已逾期",
    ("negotiation-followup", EN): "Your agreed payment of {{ amount_due }}",
    ("negotiation-followup", ZH): "您约定的 {{ amount_due }} 还款",
    ("plan-offer", EN): "We can split {{ amount_due }} into smaller payments",
    ("plan-offer", ZH): "{{ amount_due }} 可申请分期还款",
    (
        "escalation-notice",
        EN,
    ): "{{ amount_due }} is {{ days_past_due }} days overdue: what happens next",
    ("escalation-notice", ZH): "您的欠款已逾期 {{ days_past_due }} 天：后续处理说明",
    ("legal-referral", EN): "Your account has been referred to our partner law firm",
    ("legal-referral", ZH): "您的账户已移交合作律师事务所",
}

_EMAIL_BODY = {
    EN: (
        "Dear {{ name }},\n\n{{ sms }}\n\nAmount due: {{ amount_due }}\nDue date: {{ due_date }}\n"
        "Days past due: {{ days_past_due }}\n\n{{ repayment_steps }}\n\nWhat happens next: "
        "{{ consequences }}\n\nQuestions or a dispute? Call {{ callback_number }} or reply to this "
        "email.\n\n{{ company_name }}"
    ),
    ZH: (
        "{{ name }}您好：\n\n{{ sms }}\n\n应还金额：{{ amount_due }}\n到期日：{{ due_date }}\n"
        "逾期天数：{{ days_past_due }}\n\n{{ repayment_steps }}\n\n后续说明：{{ consequences }}\n\n"
        "如有疑问或异议，请致电 {{ callback_number }} 或回复本邮件。\n\n{{ company_name }}"
    ),
}

_EMAIL_HTML = {
    EN: (
        "<p>Dear {{ name }},</p><p>{{ sms }}</p><table><tr><th align=left>Amount due</th><td>"
        "{{ amount_due }}</td></tr><tr><th align=left>Due date</th><td>{{ due_date }}</td></tr>"
        "<tr><th align=left>Days past due</th><td>{{ days_past_due }}</td></tr></table>"
        '<p><a href="{{ payment_link }}">Pay now</a></p><p>{{ repayment_steps }}</p>'
        "<p><strong>What happens next:</strong> {{ consequences }}</p>"
        "<p>Questions or a dispute? Call {{ callback_number }}.</p><p>{{ company_name }}</p>"
    ),
    ZH: (
        "<p>{{ name }}您好：</p><p>{{ sms }}</p><table><tr><th align=left>应还金额</th><td>"
        "{{ amount_due }}</td></tr><tr><th align=left>到期日</th><td>{{ due_date }}</td></tr>"
        "<tr><th align=left>逾期天数</th><td>{{ days_past_due }}</td></tr></table>"
        '<p><a href="{{ payment_link }}">立即还款</a></p><p>{{ repayment_steps }}</p>'
        "<p><strong>后续说明：</strong>{{ consequences }}</p>"
        "<p>如有疑问或异议，请致电 {{ callback_number }}。</p><p>{{ company_name }}</p>"
    ),
}


# What a call says after the right-party check (webhooks/ivr.py): no link read aloud and no
# "reply" (it is a call); the keypad menu follows it, and the number is spoken digit by digit.
_VOICE = {
    ("reminder-notice", EN): (
        "your payment of {{ amount_due }} was due on {{ due_date }}. You can pay with the payment "
        "link we sent you, or call us at {{ callback_number }} if you need a payment plan."
    ),
    ("reminder-notice", ZH): (
        "您的借款应还{{ amount_due }}，到期日为{{ due_date }}，目前尚未还款。您可以通过我们发送给您的还款链接还款；"
        "如需分期，请致电{{ callback_number }}。"
    ),
    ("negotiation-followup", EN): (
        "as agreed, {{ amount_due }} is now due. You can pay with the payment link we sent you. "
        "{{ consequences }}"
    ),
    ("negotiation-followup", ZH): (
        "按约定您需还款{{ amount_due }}，请通过我们发送给您的还款链接还款。{{ consequences }}"
    ),
    ("plan-offer", EN): (
        "if paying {{ amount_due }} at once is hard, we can split it into smaller payments. "
        "Call us at {{ callback_number }} to set up a plan."
    ),
    ("plan-offer", ZH): (
        "如一次还清{{ amount_due }}有困难，可申请分期还款，请致电{{ callback_number }}办理。"
    ),
    ("escalation-notice", EN): (
        "{{ amount_due }} is {{ days_past_due }} days overdue. {{ consequences }} You can pay with "
        "the payment link we sent you, or call us at {{ callback_number }}."
    ),
    ("escalation-notice", ZH): (
        "您的欠款{{ amount_due }}已逾期{{ days_past_due }}天。{{ consequences }}"
        "请通过我们发送给您的还款链接还款，或致电{{ callback_number }}。"
    ),
    ("legal-referral", EN): (
        "your account, with {{ amount_due }} overdue, has been referred to our partner law firm. "
        "To settle, pay with the payment link we sent you or call us at {{ callback_number }}."
    ),
    ("legal-referral", ZH): (
        "您的账户（逾期{{ amount_due }}）已移交合作律师事务所。如需结清，请通过我们发送给您的还款链接还款，"
        "或致电{{ callback_number }}。"
    ),
}


def _sms_sentence(key: str, language: str) -> str:
    """The SMS text without the company prefix, reused inside emails and calls."""
    text = _SMS[(key, language)]
    return text.split(": ", 1)[1] if language == EN else text.split("】", 1)[1]


def default_templates() -> list[dict[str, str]]:
    rows = []
    for key, stage in KEYS.items():
        for language in (EN, ZH):
            sentence = _sms_sentence(key, language)
            rows.append(
                {
                    "key": key,
                    "stage": stage,
                    "language": language,
                    "channel": "sms",
                    "body": _SMS[(key, language)],
                }
            )
            rows.append(
                {
                    "key": key,
                    "stage": stage,
                    "language": language,
                    "channel": "email",
                    "subject": _EMAIL_SUBJECT[(key, language)],
                    "body": _EMAIL_BODY[language].replace("{{ sms }}", sentence),
                    "html_body": _EMAIL_HTML[language].replace("{{ sms }}", sentence),
                }
            )
            intro = (
                "{{ first_name }}, this is {{ company_name }}: "
                if language == EN
                else "{{ name }}您好，这里是{{ company_name }}。"
            )
            rows.append(
                {
                    "key": key,
                    "stage": stage,
                    "language": language,
                    "channel": "voice",
                    # The keypad menu is not part of it: the call's keypad steps say it.
                    "body": f"{intro}{_VOICE[(key, language)]}",
                }
            )
    return rows


# The wording each stage's policy steps use (policies/defaults.py names its steps
# `<stage>-day<N>-<channel>`; each gets its stage's wording on its channel).
STAGE_WORDING = {
    "reminder": "reminder-notice",
    "negotiation": "negotiation-followup",
    "escalation": "escalation-notice",
    "legal": "legal-referral",
}


# The broken-promise follow-up (policies/promises.py), the night a promise is found broken: what
# was promised, what was paid towards it, what is overdue now and what happens next (the case's
# stage wording when it is sent: `stage` is blank), and how to agree a new date. Stated as facts:
# "recorded as missed", nothing the policy does not do.
PROMISE_BROKEN = "promise-broken"

_PROMISE_SMS = {
    EN: (
        "{{ company_name }}: {{ first_name }}, you promised {{ promise_amount }} by "
        "{{ promise_due_date }} and we received {{ promise_paid }}, so the promise is recorded as "
        "missed. {{ amount_due }} is overdue. {{ consequences }} Pay at {{ payment_link }} or call "
        "{{ callback_number }} to agree a new date."
    ),
    ZH: (
        "【{{ company_name }}】{{ name }}您好，您承诺{{ promise_due_date }}前还款{{ promise_amount }}，"
        "已收到{{ promise_paid }}，该承诺记为未履行，目前逾期{{ amount_due }}。{{ consequences }}"
        "请通过 {{ payment_link }} 还款，或致电 {{ callback_number }} 商定新的还款日期。"
    ),
}

_PROMISE_EMAIL_SUBJECT = {
    EN: "Your promised payment of {{ promise_amount }} by {{ promise_due_date }}",
    ZH: "您承诺于{{ promise_due_date }}前还款{{ promise_amount }}",
}

_PROMISE_EMAIL_BODY = {
    EN: (
        "Dear {{ name }},\n\nYou promised to pay {{ promise_amount }} by {{ promise_due_date }}. "
        "We have received {{ promise_paid }} of it, so the promise is recorded as missed.\n\n"
        "Promised: {{ promise_amount }} by {{ promise_due_date }}\nReceived towards it: "
        "{{ promise_paid }}\nOverdue now: {{ amount_due }}\n\n{{ repayment_steps }} To agree a "
        "new date, call {{ callback_number }}.\n\nWhat happens next: {{ consequences }}\n\n"
        "Questions or a dispute? Call {{ callback_number }} or reply to this email.\n\n"
        "{{ company_name }}"
    ),
    ZH: (
        "{{ name }}您好：\n\n您曾承诺于{{ promise_due_date }}前还款{{ promise_amount }}，我们已收到其中"
        "{{ promise_paid }}，该承诺记为未履行。\n\n承诺金额：{{ promise_amount }}（{{ promise_due_date }}前）\n"
        "已收到：{{ promise_paid }}\n目前逾期：{{ amount_due }}\n\n{{ repayment_steps }}如需商定新的还款日期，"
        "请致电 {{ callback_number }}。\n\n后续说明：{{ consequences }}\n\n如有疑问或异议，请致电 "
        "{{ callback_number }} 或回复本邮件。\n\n{{ company_name }}"
    ),
}

_PROMISE_EMAIL_HTML = {
    EN: (
        "<p>Dear {{ name }},</p><p>You promised to pay {{ promise_amount }} by "
        "{{ promise_due_date }}. We have received {{ promise_paid }} of it, so the promise is "
        "recorded as missed.</p><table><tr><th align=left>Promised</th><td>{{ promise_amount }} "
        "by {{ promise_due_date }}</td></tr><tr><th align=left>Received towards it</th><td>"
        "{{ promise_paid }}</td></tr><tr><th align=left>Overdue now</th><td>{{ amount_due }}"
        '</td></tr></table><p><a href="{{ payment_link }}">Pay now</a></p><p>'
        "{{ repayment_steps }} To agree a new date, call {{ callback_number }}.</p>"
        "<p><strong>What happens next:</strong> {{ consequences }}</p>"
        "<p>Questions or a dispute? Call {{ callback_number }}.</p><p>{{ company_name }}</p>"
    ),
    ZH: (
        "<p>{{ name }}您好：</p><p>您曾承诺于{{ promise_due_date }}前还款{{ promise_amount }}，我们已收到其中"
        "{{ promise_paid }}，该承诺记为未履行。</p><table><tr><th align=left>承诺金额</th><td>"
        "{{ promise_amount }}（{{ promise_due_date }}前）</td></tr><tr><th align=left>已收到</th><td>"
        "{{ promise_paid }}</td></tr><tr><th align=left>目前逾期</th><td>{{ amount_due }}</td></tr>"
        '</table><p><a href="{{ payment_link }}">立即还款</a></p><p>{{ repayment_steps }}'
        "如需商定新的还款日期，请致电 {{ callback_number }}。</p><p><strong>后续说明：</strong>"
        "{{ consequences }}</p><p>如有疑问或异议，请致电 {{ callback_number }}。</p><p>{{ company_name }}</p>"
    ),
}


def promise_broken_templates() -> list[dict[str, str]]:
    """The follow-up's SMS and email (`promise-broken-<channel>`), in both languages."""
    rows = []
    for language in (EN, ZH):
        rows.append(
            {
                "key": f"{PROMISE_BROKEN}-sms",
                "stage": "",
                "language": language,
                "channel": "sms",
                "body": _PROMISE_SMS[language],
            }
        )
        rows.append(
            {
                "key": f"{PROMISE_BROKEN}-email",
                "stage": "",
                "language": language,
                "channel": "email",
                "subject": _PROMISE_EMAIL_SUBJECT[language],
                "body": _PROMISE_EMAIL_BODY[language],
                "html_body": _PROMISE_EMAIL_HTML[language],
            }
        )
    return rows


def policy_step_templates(step_keys: tuple[str, ...]) -> list[dict[str, str]]:
    """Template rows for the default policies' steps, in both languages."""
    by_wording = {(r["key"], r["channel"], r["language"]): r for r in default_templates()}
    follow_ups = {(r["key"], r["language"]): r for r in promise_broken_templates()}
    rows = []
    for step_key in step_keys:
        if step_key.startswith(f"{PROMISE_BROKEN}-"):
            rows += [dict(follow_ups[(step_key, language)]) for language in (EN, ZH)]
            continue
        stage, _day, channel = step_key.split("-")
        for language in (EN, ZH):
            row = dict(by_wording[(STAGE_WORDING[stage], channel, language)])
            row["key"] = step_key
            rows.append(row)
    return rows


# --- the notices a dispute sends (services/disputes.py); legally required, stage-free --------

DISPUTE_VERIFICATION, DISPUTE_RESPONSE = "dispute-verification", "dispute-response"

_DISPUTE_SMS = {
    (DISPUTE_VERIFICATION, EN): (
        "{{ company_name }}: Verification of the debt you disputed. Loan {{ loan_id }}, balance "
        "{{ balance }}, of which {{ amount_due }} overdue since {{ due_date }}. Copies of the "
        "records: call {{ callback_number }}."
    ),
    (DISPUTE_VERIFICATION, ZH): (
        "【{{ company_name }}】您提出异议的债务核实结果：借款编号 {{ loan_id }}，余额 {{ balance }}，"
        "其中逾期 {{ amount_due }}（自 {{ due_date }} 起）。如需相关记录副本，请致电 {{ callback_number }}。"
    ),
    (DISPUTE_RESPONSE, EN): (
        "{{ company_name }}: Our answer to your dispute of loan {{ loan_id }}: "
        "{{ dispute_response }} Questions: {{ callback_number }}."
    ),
    (DISPUTE_RESPONSE, ZH): (
        "【{{ company_name }}】关于您对借款 {{ loan_id }} 提出的异议，我们的答复：{{ dispute_response }}"
        "如有疑问请致电 {{ callback_number }}。"
    ),
}
_DISPUTE_EMAIL_SUBJECT = {
    (DISPUTE_VERIFICATION, EN): "Verification of the debt you disputed (loan {{ loan_id }})",
    (DISPUTE_VERIFICATION, ZH): "您提出异议的债务核实结果（借款 {{ loan_id }}）",
    (DISPUTE_RESPONSE, EN): "Our answer to your dispute (loan {{ loan_id }})",
    (DISPUTE_RESPONSE, ZH): "关于您提出的异议的答复（借款 {{ loan_id }}）",
}
_DISPUTE_EMAIL_BODY = {
    (DISPUTE_VERIFICATION, EN): (
        "Dear {{ name }},\n\nYou disputed the debt below. This is its verification.\n\n"
        "Creditor: {{ company_name }}\nLoan: {{ loan_id }}\nBalance: {{ balance }}\n"
        "Overdue: {{ amount_due }}, since {{ due_date }}\n\nCopies of the loan agreement and "
        "the payment records are available on request: call {{ callback_number }}.\n\n"
        "{{ company_name }}"
    ),
    (DISPUTE_VERIFICATION, ZH): (
        "{{ name }}您好：\n\n您对以下债务提出了异议，现将核实结果告知如下。\n\n债权人：{{ company_name }}\n"
        "借款编号：{{ loan_id }}\n余额：{{ balance }}\n逾期金额：{{ amount_due }}（自 {{ due_date }} 起）\n\n"
        "如需借款合同及还款记录副本，请致电 {{ callback_number }}。\n\n{{ company_name }}"
    ),
    (DISPUTE_RESPONSE, EN): (
        "Dear {{ name }},\n\nWe have reviewed your dispute of loan {{ loan_id }}. Our answer:\n\n"
        "{{ dispute_response }}\n\nQuestions: call {{ callback_number }}.\n\n{{ company_name }}"
    ),
    (DISPUTE_RESPONSE, ZH): (
        "{{ name }}您好：\n\n我们已审核您对借款 {{ loan_id }} 提出的异议，答复如下：\n\n"
        "{{ dispute_response }}\n\n如有疑问，请致电 {{ callback_number }}。\n\n{{ company_name }}"
    ),
}


# The link an agent sends during a call (services/payment_links.py): any stage, the amount agreed
# on the phone, the lender's signed checkout link and when it expires. No card data: the
# borrower pays on the lender's page.
PAYMENT_LINK = "payment-link"
_LINK_SMS = {
    EN: (
        "{{ company_name }}: {{ first_name }}, as agreed on the phone, you can pay "
        "{{ checkout_amount }} securely at {{ checkout_link }} (valid until {{ checkout_expires }})."
    ),
    ZH: (
        "【{{ company_name }}】{{ name }}您好，按电话中的约定，请在 {{ checkout_expires }} 前通过 "
        "{{ checkout_link }} 安全支付 {{ checkout_amount }}。"
    ),
}
_LINK_EMAIL_SUBJECT = {
    EN: "Your payment link for {{ checkout_amount }}",
    ZH: "您的还款链接：{{ checkout_amount }}",
}
_LINK_EMAIL_BODY = {
    EN: (
        "Dear {{ name }},\n\nAs agreed on the phone, you can pay {{ checkout_amount }} for loan "
        "{{ loan_id }} securely at:\n\n{{ checkout_link }}\n\nThe link is valid until "
        "{{ checkout_expires }}. You enter your card details on the lender's payment page; we "
        "never see them.\n\nQuestions? Call {{ callback_number }}.\n\n{{ company_name }}"
    ),
    ZH: (
        "{{ name }}您好：\n\n按电话中的约定，您可以通过以下链接为借款 {{ loan_id }} 安全支付 "
        "{{ checkout_amount }}：\n\n{{ checkout_link }}\n\n链接有效期至 {{ checkout_expires }}。"
        "银行卡信息仅在出借方的支付页面填写，我们不会看到。\n\n如有疑问，请致电 "
        "{{ callback_number }}。\n\n{{ company_name }}"
    ),
}
_LINK_EMAIL_HTML = {
    EN: (
        "<p>Dear {{ name }},</p><p>As agreed on the phone, you can pay "
        "<strong>{{ checkout_amount }}</strong> for loan {{ loan_id }} securely:</p>"
        '<p><a href="{{ checkout_link }}">Pay {{ checkout_amount }}</a></p>'
        "<p>The link is valid until {{ checkout_expires }}. You enter your card details on the "
        "lender's payment page; we never see them.</p><p>Questions? Call "
        "{{ callback_number }}.</p><p>{{ company_name }}</p>"
    ),
    ZH: (
        "<p>{{ name }}您好：</p><p>按电话中的约定，您可以为借款 {{ loan_id }} 安全支付 "
        "<strong>{{ checkout_amount }}</strong>：</p>"
        '<p><a href="{{ checkout_link }}">支付 {{ checkout_amount }}</a></p>'
        "<p>链接有效期至 {{ checkout_expires }}。银行卡信息仅在出借方的支付页面填写，我们不会看到。</p>"
        "<p>如有疑问，请致电 {{ callback_number }}。</p><p>{{ company_name }}</p>"
    ),
}


def dispute_templates() -> list[dict[str, str]]:
    """The verification and the dispute response, by SMS and email, in both languages."""
    rows = []
    for key in (DISPUTE_VERIFICATION, DISPUTE_RESPONSE):
        for language in (EN, ZH):
            rows.append(
                {
                    "key": key,
                    "stage": "",
                    "language": language,
                    "channel": "sms",
                    "body": _DISPUTE_SMS[(key, language)],
                }
            )
            rows.append(
                {
                    "key": key,
                    "stage": "",
                    "language": language,
                    "channel": "email",
                    "subject": _DISPUTE_EMAIL_SUBJECT[(key, language)],
                    "body": _DISPUTE_EMAIL_BODY[(key, language)],
                }
            )
    return rows


def payment_link_templates() -> list[dict[str, str]]:
    """The payment link's SMS and email, in both languages (shipped by migration 0009)."""
    rows = []
    for language in (EN, ZH):
        rows.append(
            {
                "key": PAYMENT_LINK,
                "stage": "",
                "language": language,
                "channel": "sms",
                "body": _LINK_SMS[language],
            }
        )
        rows.append(
            {
                "key": PAYMENT_LINK,
                "stage": "",
                "language": language,
                "channel": "email",
                "subject": _LINK_EMAIL_SUBJECT[language],
                "body": _LINK_EMAIL_BODY[language],
                "html_body": _LINK_EMAIL_HTML[language],
            }
        )
    return rows


# --- the validation notice (services/validation_notices.py writes its text) -------------------

VALIDATION_NOTICE = "validation-notice"
# Wording written for these stages states consequences (legal action): held back during a
# debt's validation period (MessageTemplate.overshadows_validation; migration 0015 sets it).
OVERSHADOWING_STAGES = ("escalation", "legal")


def validation_notice_templates() -> list[dict[str, str]]:
    """Email only, in each language: the text comes from the case, in the borrower's language."""
    return [
        {
            "key": VALIDATION_NOTICE,
            "channel": "email",
            "language": language,
            "stage": "",
            "subject": "{{ validation_notice_subject }}",
            "body": "{{ validation_notice }}",
        }
        for language in (EN, ZH)
    ]
