"""What a new installation ships with: the contact rules of the US and CN jurisdictions, the
message templates of every default step (English and Simplified Chinese), the default collection
policies, and the nightly run's beat entries.

Frozen here as literals, on purpose: a data migration that imported live code would install
different rows on a fresh and on an upgraded database as that code changed. A later change to
what ships is a new migration with its own literals. Each row is created only when missing
(by its natural key), so a database that already has it keeps its own version, edits included.
Roles are not here: they are synced from collections_app/roles.py after every migrate.
"""

import datetime
import json

from django.conf import settings
from django.db import migrations
from django.db.migrations.recorder import MigrationRecorder

NIGHTLY = "Nightly escalation run"
SWEEPER = "Escalation run sweeper (resume lost chunks)"

PROFILES = [
    {
        "code": "CN",
        "version": 1,
        "name": "China (CBA 2026 / NIFA 2024 collection guidelines)",
        "is_current": True,
        "window_start": datetime.time(8, 0),
        "window_end": datetime.time(22, 0),
        "max_call_attempts_per_debt_7d": None,
        "call_cooldown_after_conversation_days": None,
        "max_connected_calls_per_day": 3,
        "max_unanswered_calls_per_number_day": 6,
        "max_messages_per_day": None,
        "requires_opt_out_notice": True,
        "opt_out_keywords": ["退订", "TD", "T", "STOP"],
        "blackout_dates": [],
        "third_party_contact_allowed": False,
        "sources": "window 08:00-22:00 (no contact 22:00-08:00): China Banking Association, "
        "consumer-loan collection\n"
        "guideline (2026); NIFA post-loan collection guideline (2024)\n"
        "3 connected calls per borrower per day across the lender and its agencies; 6 "
        "unanswered\n"
        "attempts per day to the same number: China Banking Association guideline (2026)\n"
        "no contact with third parties about the debt: NIFA post-loan collection "
        "guideline (2024)\n"
        "SMS unsubscribe keywords (退订 / TD / T): MIIT SMS rules, honoured as an opt-out",
    },
    {
        "code": "US",
        "version": 1,
        "name": "United States (Regulation F)",
        "is_current": True,
        "window_start": datetime.time(8, 0),
        "window_end": datetime.time(21, 0),
        "max_call_attempts_per_debt_7d": 7,
        "call_cooldown_after_conversation_days": 7,
        "max_connected_calls_per_day": None,
        "max_unanswered_calls_per_number_day": None,
        "max_messages_per_day": None,
        "requires_opt_out_notice": True,
        "opt_out_keywords": [
            "STOP",
            "STOPALL",
            "QUIT",
            "END",
            "REVOKE",
            "OPT OUT",
            "OPTOUT",
            "CANCEL",
            "UNSUBSCRIBE",
        ],
        "blackout_dates": [],
        "third_party_contact_allowed": False,
        "sources": "window 08:00-21:00: 12 CFR 1006.6(b)(1)(i) (before 8 a.m. / after 9 p.m. local "
        "is inconvenient)\n"
        "7 call attempts per debt in 7 consecutive days, none within 7 days after a "
        "telephone\n"
        "conversation about the debt: 12 CFR 1006.14(b)(2)\n"
        "opt-out notice in every SMS and email: 12 CFR 1006.6(e)\n"
        "a medium the consumer asked us not to use is not used: 12 CFR 1006.14(h)\n"
        "revocation keywords: TCPA consent revocation (FCC order on revoking consent, "
        "February 2024)\n"
        "no third parties about the debt: 12 CFR 1006.6(d)",
    },
]

TEMPLATES = [
    {
        "key": "escalation-day0-email",
        "channel": "email",
        "language": "en",
        "stage": "escalation",
        "subject": "{{ amount_due }} is {{ days_past_due }} days overdue: what happens next",
        "body": "Dear {{ name }},\n"
        "\n"
        "{{ first_name }}, {{ amount_due }} is {{ days_past_due }} days overdue. {{ "
        "consequences }} Pay at {{ payment_link }} or call {{ callback_number }}.\n"
        "\n"
        "Amount due: {{ amount_due }}\n"
        "Due date: {{ due_date }}\n"
        "Days past due: {{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "What happens next: {{ consequences }}\n"
        "\n"
        "Questions or a dispute? Call {{ callback_number }} or reply to this email.\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>Dear {{ name }},</p><p>{{ first_name }}, {{ amount_due }} is {{ "
        "days_past_due }} days overdue. {{ consequences }} Pay at {{ payment_link }} or "
        "call {{ callback_number }}.</p><table><tr><th align=left>Amount due</th><td>{{ "
        "amount_due }}</td></tr><tr><th align=left>Due date</th><td>{{ due_date "
        "}}</td></tr><tr><th align=left>Days past due</th><td>{{ days_past_due "
        '}}</td></tr></table><p><a href="{{ payment_link }}">Pay now</a></p><p>{{ '
        "repayment_steps }}</p><p><strong>What happens next:</strong> {{ consequences "
        "}}</p><p>Questions or a dispute? Call {{ callback_number }}.</p><p>{{ "
        "company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "escalation-day0-email",
        "channel": "email",
        "language": "zh-Hans",
        "stage": "escalation",
        "subject": "您的欠款已逾期 {{ days_past_due }} 天：后续处理说明",
        "body": "{{ name }}您好：\n"
        "\n"
        "{{ name }}您好，您的欠款 {{ amount_due }} 已逾期 {{ days_past_due }} 天。{{ consequences }}请通过 "
        "{{ payment_link }} 还款或致电 {{ callback_number }}。\n"
        "\n"
        "应还金额：{{ amount_due }}\n"
        "到期日：{{ due_date }}\n"
        "逾期天数：{{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "后续说明：{{ consequences }}\n"
        "\n"
        "如有疑问或异议，请致电 {{ callback_number }} 或回复本邮件。\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>{{ name }}您好：</p><p>{{ name }}您好，您的欠款 {{ amount_due }} 已逾期 {{ days_past_due "
        "}} 天。{{ consequences }}请通过 {{ payment_link }} 还款或致电 {{ callback_number "
        "}}。</p><table><tr><th align=left>应还金额</th><td>{{ amount_due "
        "}}</td></tr><tr><th align=left>到期日</th><td>{{ due_date }}</td></tr><tr><th "
        'align=left>逾期天数</th><td>{{ days_past_due }}</td></tr></table><p><a href="{{ '
        'payment_link }}">立即还款</a></p><p>{{ repayment_steps '
        "}}</p><p><strong>后续说明：</strong>{{ consequences }}</p><p>如有疑问或异议，请致电 {{ "
        "callback_number }}。</p><p>{{ company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "escalation-day0-sms",
        "channel": "sms",
        "language": "en",
        "stage": "escalation",
        "subject": "",
        "body": "{{ company_name }}: {{ first_name }}, {{ amount_due }} is {{ days_past_due }} days "
        "overdue. {{ consequences }} Pay at {{ payment_link }} or call {{ callback_number "
        "}}.",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "escalation-day0-sms",
        "channel": "sms",
        "language": "zh-Hans",
        "stage": "escalation",
        "subject": "",
        "body": "【{{ company_name }}】{{ name }}您好，您的欠款 {{ amount_due }} 已逾期 {{ days_past_due }} 天。{{ "
        "consequences }}请通过 {{ payment_link }} 还款或致电 {{ callback_number }}。",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "escalation-day0-voice",
        "channel": "voice",
        "language": "en",
        "stage": "escalation",
        "subject": "",
        "body": "{{ first_name }}, this is {{ company_name }}: {{ amount_due }} is {{ days_past_due "
        "}} days overdue. {{ consequences }} You can pay with the payment link we sent you, "
        "or call us at {{ callback_number }}.",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "escalation-day0-voice",
        "channel": "voice",
        "language": "zh-Hans",
        "stage": "escalation",
        "subject": "",
        "body": "{{ name }}您好，这里是{{ company_name }}。您的欠款{{ amount_due }}已逾期{{ days_past_due }}天。{{ "
        "consequences }}请通过我们发送给您的还款链接还款，或致电{{ callback_number }}。",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "escalation-day7-email",
        "channel": "email",
        "language": "en",
        "stage": "escalation",
        "subject": "{{ amount_due }} is {{ days_past_due }} days overdue: what happens next",
        "body": "Dear {{ name }},\n"
        "\n"
        "{{ first_name }}, {{ amount_due }} is {{ days_past_due }} days overdue. {{ "
        "consequences }} Pay at {{ payment_link }} or call {{ callback_number }}.\n"
        "\n"
        "Amount due: {{ amount_due }}\n"
        "Due date: {{ due_date }}\n"
        "Days past due: {{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "What happens next: {{ consequences }}\n"
        "\n"
        "Questions or a dispute? Call {{ callback_number }} or reply to this email.\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>Dear {{ name }},</p><p>{{ first_name }}, {{ amount_due }} is {{ "
        "days_past_due }} days overdue. {{ consequences }} Pay at {{ payment_link }} or "
        "call {{ callback_number }}.</p><table><tr><th align=left>Amount due</th><td>{{ "
        "amount_due }}</td></tr><tr><th align=left>Due date</th><td>{{ due_date "
        "}}</td></tr><tr><th align=left>Days past due</th><td>{{ days_past_due "
        '}}</td></tr></table><p><a href="{{ payment_link }}">Pay now</a></p><p>{{ '
        "repayment_steps }}</p><p><strong>What happens next:</strong> {{ consequences "
        "}}</p><p>Questions or a dispute? Call {{ callback_number }}.</p><p>{{ "
        "company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "escalation-day7-email",
        "channel": "email",
        "language": "zh-Hans",
        "stage": "escalation",
        "subject": "您的欠款已逾期 {{ days_past_due }} 天：后续处理说明",
        "body": "{{ name }}您好：\n"
        "\n"
        "{{ name }}您好，您的欠款 {{ amount_due }} 已逾期 {{ days_past_due }} 天。{{ consequences }}请通过 "
        "{{ payment_link }} 还款或致电 {{ callback_number }}。\n"
        "\n"
        "应还金额：{{ amount_due }}\n"
        "到期日：{{ due_date }}\n"
        "逾期天数：{{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "后续说明：{{ consequences }}\n"
        "\n"
        "如有疑问或异议，请致电 {{ callback_number }} 或回复本邮件。\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>{{ name }}您好：</p><p>{{ name }}您好，您的欠款 {{ amount_due }} 已逾期 {{ days_past_due "
        "}} 天。{{ consequences }}请通过 {{ payment_link }} 还款或致电 {{ callback_number "
        "}}。</p><table><tr><th align=left>应还金额</th><td>{{ amount_due "
        "}}</td></tr><tr><th align=left>到期日</th><td>{{ due_date }}</td></tr><tr><th "
        'align=left>逾期天数</th><td>{{ days_past_due }}</td></tr></table><p><a href="{{ '
        'payment_link }}">立即还款</a></p><p>{{ repayment_steps '
        "}}</p><p><strong>后续说明：</strong>{{ consequences }}</p><p>如有疑问或异议，请致电 {{ "
        "callback_number }}。</p><p>{{ company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "escalation-day7-sms",
        "channel": "sms",
        "language": "en",
        "stage": "escalation",
        "subject": "",
        "body": "{{ company_name }}: {{ first_name }}, {{ amount_due }} is {{ days_past_due }} days "
        "overdue. {{ consequences }} Pay at {{ payment_link }} or call {{ callback_number "
        "}}.",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "escalation-day7-sms",
        "channel": "sms",
        "language": "zh-Hans",
        "stage": "escalation",
        "subject": "",
        "body": "【{{ company_name }}】{{ name }}您好，您的欠款 {{ amount_due }} 已逾期 {{ days_past_due }} 天。{{ "
        "consequences }}请通过 {{ payment_link }} 还款或致电 {{ callback_number }}。",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "escalation-notice",
        "channel": "email",
        "language": "en",
        "stage": "escalation",
        "subject": "{{ amount_due }} is {{ days_past_due }} days overdue: what happens next",
        "body": "Dear {{ name }},\n"
        "\n"
        "{{ first_name }}, {{ amount_due }} is {{ days_past_due }} days overdue. {{ "
        "consequences }} Pay at {{ payment_link }} or call {{ callback_number }}.\n"
        "\n"
        "Amount due: {{ amount_due }}\n"
        "Due date: {{ due_date }}\n"
        "Days past due: {{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "What happens next: {{ consequences }}\n"
        "\n"
        "Questions or a dispute? Call {{ callback_number }} or reply to this email.\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>Dear {{ name }},</p><p>{{ first_name }}, {{ amount_due }} is {{ "
        "days_past_due }} days overdue. {{ consequences }} Pay at {{ payment_link }} or "
        "call {{ callback_number }}.</p><table><tr><th align=left>Amount due</th><td>{{ "
        "amount_due }}</td></tr><tr><th align=left>Due date</th><td>{{ due_date "
        "}}</td></tr><tr><th align=left>Days past due</th><td>{{ days_past_due "
        '}}</td></tr></table><p><a href="{{ payment_link }}">Pay now</a></p><p>{{ '
        "repayment_steps }}</p><p><strong>What happens next:</strong> {{ consequences "
        "}}</p><p>Questions or a dispute? Call {{ callback_number }}.</p><p>{{ "
        "company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "escalation-notice",
        "channel": "email",
        "language": "zh-Hans",
        "stage": "escalation",
        "subject": "您的欠款已逾期 {{ days_past_due }} 天：后续处理说明",
        "body": "{{ name }}您好：\n"
        "\n"
        "{{ name }}您好，您的欠款 {{ amount_due }} 已逾期 {{ days_past_due }} 天。{{ consequences }}请通过 "
        "{{ payment_link }} 还款或致电 {{ callback_number }}。\n"
        "\n"
        "应还金额：{{ amount_due }}\n"
        "到期日：{{ due_date }}\n"
        "逾期天数：{{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "后续说明：{{ consequences }}\n"
        "\n"
        "如有疑问或异议，请致电 {{ callback_number }} 或回复本邮件。\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>{{ name }}您好：</p><p>{{ name }}您好，您的欠款 {{ amount_due }} 已逾期 {{ days_past_due "
        "}} 天。{{ consequences }}请通过 {{ payment_link }} 还款或致电 {{ callback_number "
        "}}。</p><table><tr><th align=left>应还金额</th><td>{{ amount_due "
        "}}</td></tr><tr><th align=left>到期日</th><td>{{ due_date }}</td></tr><tr><th "
        'align=left>逾期天数</th><td>{{ days_past_due }}</td></tr></table><p><a href="{{ '
        'payment_link }}">立即还款</a></p><p>{{ repayment_steps '
        "}}</p><p><strong>后续说明：</strong>{{ consequences }}</p><p>如有疑问或异议，请致电 {{ "
        "callback_number }}。</p><p>{{ company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "escalation-notice",
        "channel": "sms",
        "language": "en",
        "stage": "escalation",
        "subject": "",
        "body": "{{ company_name }}: {{ first_name }}, {{ amount_due }} is {{ days_past_due }} days "
        "overdue. {{ consequences }} Pay at {{ payment_link }} or call {{ callback_number "
        "}}.",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "escalation-notice",
        "channel": "sms",
        "language": "zh-Hans",
        "stage": "escalation",
        "subject": "",
        "body": "【{{ company_name }}】{{ name }}您好，您的欠款 {{ amount_due }} 已逾期 {{ days_past_due }} 天。{{ "
        "consequences }}请通过 {{ payment_link }} 还款或致电 {{ callback_number }}。",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "escalation-notice",
        "channel": "voice",
        "language": "en",
        "stage": "escalation",
        "subject": "",
        "body": "{{ first_name }}, this is {{ company_name }}: {{ amount_due }} is {{ days_past_due "
        "}} days overdue. {{ consequences }} You can pay with the payment link we sent you, "
        "or call us at {{ callback_number }}.",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "escalation-notice",
        "channel": "voice",
        "language": "zh-Hans",
        "stage": "escalation",
        "subject": "",
        "body": "{{ name }}您好，这里是{{ company_name }}。您的欠款{{ amount_due }}已逾期{{ days_past_due }}天。{{ "
        "consequences }}请通过我们发送给您的还款链接还款，或致电{{ callback_number }}。",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "legal-day0-email",
        "channel": "email",
        "language": "en",
        "stage": "legal",
        "subject": "Your account has been referred to our partner law firm",
        "body": "Dear {{ name }},\n"
        "\n"
        "{{ first_name }}, your account ({{ amount_due }} overdue) has been referred to our "
        "partner law firm. To settle, pay at {{ payment_link }}.\n"
        "\n"
        "Amount due: {{ amount_due }}\n"
        "Due date: {{ due_date }}\n"
        "Days past due: {{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "What happens next: {{ consequences }}\n"
        "\n"
        "Questions or a dispute? Call {{ callback_number }} or reply to this email.\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>Dear {{ name }},</p><p>{{ first_name }}, your account ({{ amount_due }} "
        "overdue) has been referred to our partner law firm. To settle, pay at {{ "
        "payment_link }}.</p><table><tr><th align=left>Amount due</th><td>{{ amount_due "
        "}}</td></tr><tr><th align=left>Due date</th><td>{{ due_date "
        "}}</td></tr><tr><th align=left>Days past due</th><td>{{ days_past_due "
        '}}</td></tr></table><p><a href="{{ payment_link }}">Pay now</a></p><p>{{ '
        "repayment_steps }}</p><p><strong>What happens next:</strong> {{ consequences "
        "}}</p><p>Questions or a dispute? Call {{ callback_number }}.</p><p>{{ "
        "company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "legal-day0-email",
        "channel": "email",
        "language": "zh-Hans",
        "stage": "legal",
        "subject": "您的账户已移交合作律师事务所",
        "body": "{{ name }}您好：\n"
        "\n"
        "{{ name }}您好，您的账户（逾期 {{ amount_due }}）已移交合作律师事务所。如需结清，请通过 {{ payment_link }} 还款。\n"
        "\n"
        "应还金额：{{ amount_due }}\n"
        "到期日：{{ due_date }}\n"
        "逾期天数：{{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "后续说明：{{ consequences }}\n"
        "\n"
        "如有疑问或异议，请致电 {{ callback_number }} 或回复本邮件。\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>{{ name }}您好：</p><p>{{ name }}您好，您的账户（逾期 {{ amount_due "
        "}}）已移交合作律师事务所。如需结清，请通过 {{ payment_link }} 还款。</p><table><tr><th "
        "align=left>应还金额</th><td>{{ amount_due }}</td></tr><tr><th "
        "align=left>到期日</th><td>{{ due_date }}</td></tr><tr><th "
        'align=left>逾期天数</th><td>{{ days_past_due }}</td></tr></table><p><a href="{{ '
        'payment_link }}">立即还款</a></p><p>{{ repayment_steps '
        "}}</p><p><strong>后续说明：</strong>{{ consequences }}</p><p>如有疑问或异议，请致电 {{ "
        "callback_number }}。</p><p>{{ company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "legal-day0-sms",
        "channel": "sms",
        "language": "en",
        "stage": "legal",
        "subject": "",
        "body": "{{ company_name }}: {{ first_name }}, your account ({{ amount_due }} overdue) has "
        "been referred to our partner law firm. To settle, pay at {{ payment_link }}.",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "legal-day0-sms",
        "channel": "sms",
        "language": "zh-Hans",
        "stage": "legal",
        "subject": "",
        "body": "【{{ company_name }}】{{ name }}您好，您的账户（逾期 {{ amount_due }}）已移交合作律师事务所。如需结清，请通过 {{ "
        "payment_link }} 还款。",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "legal-referral",
        "channel": "email",
        "language": "en",
        "stage": "legal",
        "subject": "Your account has been referred to our partner law firm",
        "body": "Dear {{ name }},\n"
        "\n"
        "{{ first_name }}, your account ({{ amount_due }} overdue) has been referred to our "
        "partner law firm. To settle, pay at {{ payment_link }}.\n"
        "\n"
        "Amount due: {{ amount_due }}\n"
        "Due date: {{ due_date }}\n"
        "Days past due: {{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "What happens next: {{ consequences }}\n"
        "\n"
        "Questions or a dispute? Call {{ callback_number }} or reply to this email.\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>Dear {{ name }},</p><p>{{ first_name }}, your account ({{ amount_due }} "
        "overdue) has been referred to our partner law firm. To settle, pay at {{ "
        "payment_link }}.</p><table><tr><th align=left>Amount due</th><td>{{ amount_due "
        "}}</td></tr><tr><th align=left>Due date</th><td>{{ due_date "
        "}}</td></tr><tr><th align=left>Days past due</th><td>{{ days_past_due "
        '}}</td></tr></table><p><a href="{{ payment_link }}">Pay now</a></p><p>{{ '
        "repayment_steps }}</p><p><strong>What happens next:</strong> {{ consequences "
        "}}</p><p>Questions or a dispute? Call {{ callback_number }}.</p><p>{{ "
        "company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "legal-referral",
        "channel": "email",
        "language": "zh-Hans",
        "stage": "legal",
        "subject": "您的账户已移交合作律师事务所",
        "body": "{{ name }}您好：\n"
        "\n"
        "{{ name }}您好，您的账户（逾期 {{ amount_due }}）已移交合作律师事务所。如需结清，请通过 {{ payment_link }} 还款。\n"
        "\n"
        "应还金额：{{ amount_due }}\n"
        "到期日：{{ due_date }}\n"
        "逾期天数：{{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "后续说明：{{ consequences }}\n"
        "\n"
        "如有疑问或异议，请致电 {{ callback_number }} 或回复本邮件。\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>{{ name }}您好：</p><p>{{ name }}您好，您的账户（逾期 {{ amount_due "
        "}}）已移交合作律师事务所。如需结清，请通过 {{ payment_link }} 还款。</p><table><tr><th "
        "align=left>应还金额</th><td>{{ amount_due }}</td></tr><tr><th "
        "align=left>到期日</th><td>{{ due_date }}</td></tr><tr><th "
        'align=left>逾期天数</th><td>{{ days_past_due }}</td></tr></table><p><a href="{{ '
        'payment_link }}">立即还款</a></p><p>{{ repayment_steps '
        "}}</p><p><strong>后续说明：</strong>{{ consequences }}</p><p>如有疑问或异议，请致电 {{ "
        "callback_number }}。</p><p>{{ company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "legal-referral",
        "channel": "sms",
        "language": "en",
        "stage": "legal",
        "subject": "",
        "body": "{{ company_name }}: {{ first_name }}, your account ({{ amount_due }} overdue) has "
        "been referred to our partner law firm. To settle, pay at {{ payment_link }}.",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "legal-referral",
        "channel": "sms",
        "language": "zh-Hans",
        "stage": "legal",
        "subject": "",
        "body": "【{{ company_name }}】{{ name }}您好，您的账户（逾期 {{ amount_due }}）已移交合作律师事务所。如需结清，请通过 {{ "
        "payment_link }} 还款。",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "legal-referral",
        "channel": "voice",
        "language": "en",
        "stage": "legal",
        "subject": "",
        "body": "{{ first_name }}, this is {{ company_name }}: your account, with {{ amount_due }} "
        "overdue, has been referred to our partner law firm. To settle, pay with the payment "
        "link we sent you or call us at {{ callback_number }}.",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "legal-referral",
        "channel": "voice",
        "language": "zh-Hans",
        "stage": "legal",
        "subject": "",
        "body": "{{ name }}您好，这里是{{ company_name }}。您的账户（逾期{{ amount_due "
        "}}）已移交合作律师事务所。如需结清，请通过我们发送给您的还款链接还款，或致电{{ callback_number }}。",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "negotiation-day0-email",
        "channel": "email",
        "language": "en",
        "stage": "negotiation",
        "subject": "Your agreed payment of {{ amount_due }}",
        "body": "Dear {{ name }},\n"
        "\n"
        "Thanks {{ first_name }}. As agreed, {{ amount_due }} is due. Pay at {{ payment_link "
        "}}. {{ consequences }}\n"
        "\n"
        "Amount due: {{ amount_due }}\n"
        "Due date: {{ due_date }}\n"
        "Days past due: {{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "What happens next: {{ consequences }}\n"
        "\n"
        "Questions or a dispute? Call {{ callback_number }} or reply to this email.\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>Dear {{ name }},</p><p>Thanks {{ first_name }}. As agreed, {{ amount_due }} "
        "is due. Pay at {{ payment_link }}. {{ consequences }}</p><table><tr><th "
        "align=left>Amount due</th><td>{{ amount_due }}</td></tr><tr><th align=left>Due "
        "date</th><td>{{ due_date }}</td></tr><tr><th align=left>Days past "
        'due</th><td>{{ days_past_due }}</td></tr></table><p><a href="{{ payment_link '
        '}}">Pay now</a></p><p>{{ repayment_steps }}</p><p><strong>What happens '
        "next:</strong> {{ consequences }}</p><p>Questions or a dispute? Call {{ "
        "callback_number }}.</p><p>{{ company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "negotiation-day0-email",
        "channel": "email",
        "language": "zh-Hans",
        "stage": "negotiation",
        "subject": "您约定的 {{ amount_due }} 还款",
        "body": "{{ name }}您好：\n"
        "\n"
        "{{ name }}您好，按约定您需还款 {{ amount_due }}，请通过 {{ payment_link }} 还款。{{ consequences }}\n"
        "\n"
        "应还金额：{{ amount_due }}\n"
        "到期日：{{ due_date }}\n"
        "逾期天数：{{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "后续说明：{{ consequences }}\n"
        "\n"
        "如有疑问或异议，请致电 {{ callback_number }} 或回复本邮件。\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>{{ name }}您好：</p><p>{{ name }}您好，按约定您需还款 {{ amount_due }}，请通过 {{ "
        "payment_link }} 还款。{{ consequences }}</p><table><tr><th "
        "align=left>应还金额</th><td>{{ amount_due }}</td></tr><tr><th "
        "align=left>到期日</th><td>{{ due_date }}</td></tr><tr><th "
        'align=left>逾期天数</th><td>{{ days_past_due }}</td></tr></table><p><a href="{{ '
        'payment_link }}">立即还款</a></p><p>{{ repayment_steps '
        "}}</p><p><strong>后续说明：</strong>{{ consequences }}</p><p>如有疑问或异议，请致电 {{ "
        "callback_number }}。</p><p>{{ company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "negotiation-day0-sms",
        "channel": "sms",
        "language": "en",
        "stage": "negotiation",
        "subject": "",
        "body": "{{ company_name }}: Thanks {{ first_name }}. As agreed, {{ amount_due }} is due. "
        "Pay at {{ payment_link }}. {{ consequences }}",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "negotiation-day0-sms",
        "channel": "sms",
        "language": "zh-Hans",
        "stage": "negotiation",
        "subject": "",
        "body": "【{{ company_name }}】{{ name }}您好，按约定您需还款 {{ amount_due }}，请通过 {{ payment_link }} "
        "还款。{{ consequences }}",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "negotiation-day3-email",
        "channel": "email",
        "language": "en",
        "stage": "negotiation",
        "subject": "Your agreed payment of {{ amount_due }}",
        "body": "Dear {{ name }},\n"
        "\n"
        "Thanks {{ first_name }}. As agreed, {{ amount_due }} is due. Pay at {{ payment_link "
        "}}. {{ consequences }}\n"
        "\n"
        "Amount due: {{ amount_due }}\n"
        "Due date: {{ due_date }}\n"
        "Days past due: {{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "What happens next: {{ consequences }}\n"
        "\n"
        "Questions or a dispute? Call {{ callback_number }} or reply to this email.\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>Dear {{ name }},</p><p>Thanks {{ first_name }}. As agreed, {{ amount_due }} "
        "is due. Pay at {{ payment_link }}. {{ consequences }}</p><table><tr><th "
        "align=left>Amount due</th><td>{{ amount_due }}</td></tr><tr><th align=left>Due "
        "date</th><td>{{ due_date }}</td></tr><tr><th align=left>Days past "
        'due</th><td>{{ days_past_due }}</td></tr></table><p><a href="{{ payment_link '
        '}}">Pay now</a></p><p>{{ repayment_steps }}</p><p><strong>What happens '
        "next:</strong> {{ consequences }}</p><p>Questions or a dispute? Call {{ "
        "callback_number }}.</p><p>{{ company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "negotiation-day3-email",
        "channel": "email",
        "language": "zh-Hans",
        "stage": "negotiation",
        "subject": "您约定的 {{ amount_due }} 还款",
        "body": "{{ name }}您好：\n"
        "\n"
        "{{ name }}您好，按约定您需还款 {{ amount_due }}，请通过 {{ payment_link }} 还款。{{ consequences }}\n"
        "\n"
        "应还金额：{{ amount_due }}\n"
        "到期日：{{ due_date }}\n"
        "逾期天数：{{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "后续说明：{{ consequences }}\n"
        "\n"
        "如有疑问或异议，请致电 {{ callback_number }} 或回复本邮件。\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>{{ name }}您好：</p><p>{{ name }}您好，按约定您需还款 {{ amount_due }}，请通过 {{ "
        "payment_link }} 还款。{{ consequences }}</p><table><tr><th "
        "align=left>应还金额</th><td>{{ amount_due }}</td></tr><tr><th "
        "align=left>到期日</th><td>{{ due_date }}</td></tr><tr><th "
        'align=left>逾期天数</th><td>{{ days_past_due }}</td></tr></table><p><a href="{{ '
        'payment_link }}">立即还款</a></p><p>{{ repayment_steps '
        "}}</p><p><strong>后续说明：</strong>{{ consequences }}</p><p>如有疑问或异议，请致电 {{ "
        "callback_number }}。</p><p>{{ company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "negotiation-day3-sms",
        "channel": "sms",
        "language": "en",
        "stage": "negotiation",
        "subject": "",
        "body": "{{ company_name }}: Thanks {{ first_name }}. As agreed, {{ amount_due }} is due. "
        "Pay at {{ payment_link }}. {{ consequences }}",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "negotiation-day3-sms",
        "channel": "sms",
        "language": "zh-Hans",
        "stage": "negotiation",
        "subject": "",
        "body": "【{{ company_name }}】{{ name }}您好，按约定您需还款 {{ amount_due }}，请通过 {{ payment_link }} "
        "还款。{{ consequences }}",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "negotiation-followup",
        "channel": "email",
        "language": "en",
        "stage": "negotiation",
        "subject": "Your agreed payment of {{ amount_due }}",
        "body": "Dear {{ name }},\n"
        "\n"
        "Thanks {{ first_name }}. As agreed, {{ amount_due }} is due. Pay at {{ payment_link "
        "}}. {{ consequences }}\n"
        "\n"
        "Amount due: {{ amount_due }}\n"
        "Due date: {{ due_date }}\n"
        "Days past due: {{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "What happens next: {{ consequences }}\n"
        "\n"
        "Questions or a dispute? Call {{ callback_number }} or reply to this email.\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>Dear {{ name }},</p><p>Thanks {{ first_name }}. As agreed, {{ amount_due }} "
        "is due. Pay at {{ payment_link }}. {{ consequences }}</p><table><tr><th "
        "align=left>Amount due</th><td>{{ amount_due }}</td></tr><tr><th align=left>Due "
        "date</th><td>{{ due_date }}</td></tr><tr><th align=left>Days past "
        'due</th><td>{{ days_past_due }}</td></tr></table><p><a href="{{ payment_link '
        '}}">Pay now</a></p><p>{{ repayment_steps }}</p><p><strong>What happens '
        "next:</strong> {{ consequences }}</p><p>Questions or a dispute? Call {{ "
        "callback_number }}.</p><p>{{ company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "negotiation-followup",
        "channel": "email",
        "language": "zh-Hans",
        "stage": "negotiation",
        "subject": "您约定的 {{ amount_due }} 还款",
        "body": "{{ name }}您好：\n"
        "\n"
        "{{ name }}您好，按约定您需还款 {{ amount_due }}，请通过 {{ payment_link }} 还款。{{ consequences }}\n"
        "\n"
        "应还金额：{{ amount_due }}\n"
        "到期日：{{ due_date }}\n"
        "逾期天数：{{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "后续说明：{{ consequences }}\n"
        "\n"
        "如有疑问或异议，请致电 {{ callback_number }} 或回复本邮件。\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>{{ name }}您好：</p><p>{{ name }}您好，按约定您需还款 {{ amount_due }}，请通过 {{ "
        "payment_link }} 还款。{{ consequences }}</p><table><tr><th "
        "align=left>应还金额</th><td>{{ amount_due }}</td></tr><tr><th "
        "align=left>到期日</th><td>{{ due_date }}</td></tr><tr><th "
        'align=left>逾期天数</th><td>{{ days_past_due }}</td></tr></table><p><a href="{{ '
        'payment_link }}">立即还款</a></p><p>{{ repayment_steps '
        "}}</p><p><strong>后续说明：</strong>{{ consequences }}</p><p>如有疑问或异议，请致电 {{ "
        "callback_number }}。</p><p>{{ company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "negotiation-followup",
        "channel": "sms",
        "language": "en",
        "stage": "negotiation",
        "subject": "",
        "body": "{{ company_name }}: Thanks {{ first_name }}. As agreed, {{ amount_due }} is due. "
        "Pay at {{ payment_link }}. {{ consequences }}",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "negotiation-followup",
        "channel": "sms",
        "language": "zh-Hans",
        "stage": "negotiation",
        "subject": "",
        "body": "【{{ company_name }}】{{ name }}您好，按约定您需还款 {{ amount_due }}，请通过 {{ payment_link }} "
        "还款。{{ consequences }}",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "negotiation-followup",
        "channel": "voice",
        "language": "en",
        "stage": "negotiation",
        "subject": "",
        "body": "{{ first_name }}, this is {{ company_name }}: as agreed, {{ amount_due }} is now "
        "due. You can pay with the payment link we sent you. {{ consequences }}",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "negotiation-followup",
        "channel": "voice",
        "language": "zh-Hans",
        "stage": "negotiation",
        "subject": "",
        "body": "{{ name }}您好，这里是{{ company_name }}。按约定您需还款{{ amount_due }}，请通过我们发送给您的还款链接还款。{{ "
        "consequences }}",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "plan-offer",
        "channel": "email",
        "language": "en",
        "stage": "negotiation",
        "subject": "We can split {{ amount_due }} into smaller payments",
        "body": "Dear {{ name }},\n"
        "\n"
        "{{ first_name }}, if paying {{ amount_due }} at once is hard, we can split it into "
        "smaller payments. Reply PLAN or call {{ callback_number }}.\n"
        "\n"
        "Amount due: {{ amount_due }}\n"
        "Due date: {{ due_date }}\n"
        "Days past due: {{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "What happens next: {{ consequences }}\n"
        "\n"
        "Questions or a dispute? Call {{ callback_number }} or reply to this email.\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>Dear {{ name }},</p><p>{{ first_name }}, if paying {{ amount_due }} at once "
        "is hard, we can split it into smaller payments. Reply PLAN or call {{ "
        "callback_number }}.</p><table><tr><th align=left>Amount due</th><td>{{ "
        "amount_due }}</td></tr><tr><th align=left>Due date</th><td>{{ due_date "
        "}}</td></tr><tr><th align=left>Days past due</th><td>{{ days_past_due "
        '}}</td></tr></table><p><a href="{{ payment_link }}">Pay now</a></p><p>{{ '
        "repayment_steps }}</p><p><strong>What happens next:</strong> {{ consequences "
        "}}</p><p>Questions or a dispute? Call {{ callback_number }}.</p><p>{{ "
        "company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "plan-offer",
        "channel": "email",
        "language": "zh-Hans",
        "stage": "negotiation",
        "subject": "{{ amount_due }} 可申请分期还款",
        "body": "{{ name }}您好：\n"
        "\n"
        "{{ name }}您好，如一次还清 {{ amount_due }} 有困难，可申请分期还款。请回复“分期”或致电 {{ callback_number }}。\n"
        "\n"
        "应还金额：{{ amount_due }}\n"
        "到期日：{{ due_date }}\n"
        "逾期天数：{{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "后续说明：{{ consequences }}\n"
        "\n"
        "如有疑问或异议，请致电 {{ callback_number }} 或回复本邮件。\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>{{ name }}您好：</p><p>{{ name }}您好，如一次还清 {{ amount_due }} "
        "有困难，可申请分期还款。请回复“分期”或致电 {{ callback_number }}。</p><table><tr><th "
        "align=left>应还金额</th><td>{{ amount_due }}</td></tr><tr><th "
        "align=left>到期日</th><td>{{ due_date }}</td></tr><tr><th "
        'align=left>逾期天数</th><td>{{ days_past_due }}</td></tr></table><p><a href="{{ '
        'payment_link }}">立即还款</a></p><p>{{ repayment_steps '
        "}}</p><p><strong>后续说明：</strong>{{ consequences }}</p><p>如有疑问或异议，请致电 {{ "
        "callback_number }}。</p><p>{{ company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "plan-offer",
        "channel": "sms",
        "language": "en",
        "stage": "negotiation",
        "subject": "",
        "body": "{{ company_name }}: {{ first_name }}, if paying {{ amount_due }} at once is hard, "
        "we can split it into smaller payments. Reply PLAN or call {{ callback_number }}.",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "plan-offer",
        "channel": "sms",
        "language": "zh-Hans",
        "stage": "negotiation",
        "subject": "",
        "body": "【{{ company_name }}】{{ name }}您好，如一次还清 {{ amount_due }} 有困难，可申请分期还款。请回复“分期”或致电 {{ "
        "callback_number }}。",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "plan-offer",
        "channel": "voice",
        "language": "en",
        "stage": "negotiation",
        "subject": "",
        "body": "{{ first_name }}, this is {{ company_name }}: if paying {{ amount_due }} at once is "
        "hard, we can split it into smaller payments. Call us at {{ callback_number }} to "
        "set up a plan.",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "plan-offer",
        "channel": "voice",
        "language": "zh-Hans",
        "stage": "negotiation",
        "subject": "",
        "body": "{{ name }}您好，这里是{{ company_name }}。如一次还清{{ amount_due }}有困难，可申请分期还款，请致电{{ "
        "callback_number }}办理。",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "promise-broken-email",
        "channel": "email",
        "language": "en",
        "stage": "",
        "subject": "Your promised payment of {{ promise_amount }} by {{ promise_due_date }}",
        "body": "Dear {{ name }},\n"
        "\n"
        "You promised to pay {{ promise_amount }} by {{ promise_due_date }}. We have "
        "received {{ promise_paid }} of it, so the promise is recorded as missed.\n"
        "\n"
        "Promised: {{ promise_amount }} by {{ promise_due_date }}\n"
        "Received towards it: {{ promise_paid }}\n"
        "Overdue now: {{ amount_due }}\n"
        "\n"
        "{{ repayment_steps }} To agree a new date, call {{ callback_number }}.\n"
        "\n"
        "What happens next: {{ consequences }}\n"
        "\n"
        "Questions or a dispute? Call {{ callback_number }} or reply to this email.\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>Dear {{ name }},</p><p>You promised to pay {{ promise_amount }} by {{ "
        "promise_due_date }}. We have received {{ promise_paid }} of it, so the promise "
        "is recorded as missed.</p><table><tr><th align=left>Promised</th><td>{{ "
        "promise_amount }} by {{ promise_due_date }}</td></tr><tr><th "
        "align=left>Received towards it</th><td>{{ promise_paid }}</td></tr><tr><th "
        "align=left>Overdue now</th><td>{{ amount_due }}</td></tr></table><p><a "
        'href="{{ payment_link }}">Pay now</a></p><p>{{ repayment_steps }} To agree a '
        "new date, call {{ callback_number }}.</p><p><strong>What happens "
        "next:</strong> {{ consequences }}</p><p>Questions or a dispute? Call {{ "
        "callback_number }}.</p><p>{{ company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "promise-broken-email",
        "channel": "email",
        "language": "zh-Hans",
        "stage": "",
        "subject": "您承诺于{{ promise_due_date }}前还款{{ promise_amount }}",
        "body": "{{ name }}您好：\n"
        "\n"
        "您曾承诺于{{ promise_due_date }}前还款{{ promise_amount }}，我们已收到其中{{ promise_paid "
        "}}，该承诺记为未履行。\n"
        "\n"
        "承诺金额：{{ promise_amount }}（{{ promise_due_date }}前）\n"
        "已收到：{{ promise_paid }}\n"
        "目前逾期：{{ amount_due }}\n"
        "\n"
        "{{ repayment_steps }}如需商定新的还款日期，请致电 {{ callback_number }}。\n"
        "\n"
        "后续说明：{{ consequences }}\n"
        "\n"
        "如有疑问或异议，请致电 {{ callback_number }} 或回复本邮件。\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>{{ name }}您好：</p><p>您曾承诺于{{ promise_due_date }}前还款{{ promise_amount "
        "}}，我们已收到其中{{ promise_paid }}，该承诺记为未履行。</p><table><tr><th "
        "align=left>承诺金额</th><td>{{ promise_amount }}（{{ promise_due_date "
        "}}前）</td></tr><tr><th align=left>已收到</th><td>{{ promise_paid "
        "}}</td></tr><tr><th align=left>目前逾期</th><td>{{ amount_due "
        '}}</td></tr></table><p><a href="{{ payment_link }}">立即还款</a></p><p>{{ '
        "repayment_steps }}如需商定新的还款日期，请致电 {{ callback_number "
        "}}。</p><p><strong>后续说明：</strong>{{ consequences }}</p><p>如有疑问或异议，请致电 {{ "
        "callback_number }}。</p><p>{{ company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "promise-broken-sms",
        "channel": "sms",
        "language": "en",
        "stage": "",
        "subject": "",
        "body": "{{ company_name }}: {{ first_name }}, you promised {{ promise_amount }} by {{ "
        "promise_due_date }} and we received {{ promise_paid }}, so the promise is recorded "
        "as missed. {{ amount_due }} is overdue. {{ consequences }} Pay at {{ payment_link "
        "}} or call {{ callback_number }} to agree a new date.",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "promise-broken-sms",
        "channel": "sms",
        "language": "zh-Hans",
        "stage": "",
        "subject": "",
        "body": "【{{ company_name }}】{{ name }}您好，您承诺{{ promise_due_date }}前还款{{ promise_amount "
        "}}，已收到{{ promise_paid }}，该承诺记为未履行，目前逾期{{ amount_due }}。{{ consequences }}请通过 {{ "
        "payment_link }} 还款，或致电 {{ callback_number }} 商定新的还款日期。",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "reminder-day0-email",
        "channel": "email",
        "language": "en",
        "stage": "reminder",
        "subject": "Your payment of {{ amount_due }} is overdue",
        "body": "Dear {{ name }},\n"
        "\n"
        "Hi {{ first_name }}, your payment of {{ amount_due }} was due on {{ due_date }}. "
        "Pay at {{ payment_link }} or reply PLAN if you need a payment plan.\n"
        "\n"
        "Amount due: {{ amount_due }}\n"
        "Due date: {{ due_date }}\n"
        "Days past due: {{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "What happens next: {{ consequences }}\n"
        "\n"
        "Questions or a dispute? Call {{ callback_number }} or reply to this email.\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>Dear {{ name }},</p><p>Hi {{ first_name }}, your payment of {{ amount_due "
        "}} was due on {{ due_date }}. Pay at {{ payment_link }} or reply PLAN if you "
        "need a payment plan.</p><table><tr><th align=left>Amount due</th><td>{{ "
        "amount_due }}</td></tr><tr><th align=left>Due date</th><td>{{ due_date "
        "}}</td></tr><tr><th align=left>Days past due</th><td>{{ days_past_due "
        '}}</td></tr></table><p><a href="{{ payment_link }}">Pay now</a></p><p>{{ '
        "repayment_steps }}</p><p><strong>What happens next:</strong> {{ consequences "
        "}}</p><p>Questions or a dispute? Call {{ callback_number }}.</p><p>{{ "
        "company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "reminder-day0-email",
        "channel": "email",
        "language": "zh-Hans",
        "stage": "reminder",
        "subject": "您的 {{ amount_due }} 还款已逾期",
        "body": "{{ name }}您好：\n"
        "\n"
        "{{ name }}您好，您的借款应还 {{ amount_due }}（到期日 {{ due_date }}）尚未还款。请通过 {{ payment_link }} "
        "还款，如需分期请回复“分期”。\n"
        "\n"
        "应还金额：{{ amount_due }}\n"
        "到期日：{{ due_date }}\n"
        "逾期天数：{{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "后续说明：{{ consequences }}\n"
        "\n"
        "如有疑问或异议，请致电 {{ callback_number }} 或回复本邮件。\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>{{ name }}您好：</p><p>{{ name }}您好，您的借款应还 {{ amount_due }}（到期日 {{ due_date "
        "}}）尚未还款。请通过 {{ payment_link }} 还款，如需分期请回复“分期”。</p><table><tr><th "
        "align=left>应还金额</th><td>{{ amount_due }}</td></tr><tr><th "
        "align=left>到期日</th><td>{{ due_date }}</td></tr><tr><th "
        'align=left>逾期天数</th><td>{{ days_past_due }}</td></tr></table><p><a href="{{ '
        'payment_link }}">立即还款</a></p><p>{{ repayment_steps '
        "}}</p><p><strong>后续说明：</strong>{{ consequences }}</p><p>如有疑问或异议，请致电 {{ "
        "callback_number }}。</p><p>{{ company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "reminder-day0-sms",
        "channel": "sms",
        "language": "en",
        "stage": "reminder",
        "subject": "",
        "body": "{{ company_name }}: Hi {{ first_name }}, your payment of {{ amount_due }} was due "
        "on {{ due_date }}. Pay at {{ payment_link }} or reply PLAN if you need a payment "
        "plan.",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "reminder-day0-sms",
        "channel": "sms",
        "language": "zh-Hans",
        "stage": "reminder",
        "subject": "",
        "body": "【{{ company_name }}】{{ name }}您好，您的借款应还 {{ amount_due }}（到期日 {{ due_date "
        "}}）尚未还款。请通过 {{ payment_link }} 还款，如需分期请回复“分期”。",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "reminder-day2-email",
        "channel": "email",
        "language": "en",
        "stage": "reminder",
        "subject": "Your payment of {{ amount_due }} is overdue",
        "body": "Dear {{ name }},\n"
        "\n"
        "Hi {{ first_name }}, your payment of {{ amount_due }} was due on {{ due_date }}. "
        "Pay at {{ payment_link }} or reply PLAN if you need a payment plan.\n"
        "\n"
        "Amount due: {{ amount_due }}\n"
        "Due date: {{ due_date }}\n"
        "Days past due: {{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "What happens next: {{ consequences }}\n"
        "\n"
        "Questions or a dispute? Call {{ callback_number }} or reply to this email.\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>Dear {{ name }},</p><p>Hi {{ first_name }}, your payment of {{ amount_due "
        "}} was due on {{ due_date }}. Pay at {{ payment_link }} or reply PLAN if you "
        "need a payment plan.</p><table><tr><th align=left>Amount due</th><td>{{ "
        "amount_due }}</td></tr><tr><th align=left>Due date</th><td>{{ due_date "
        "}}</td></tr><tr><th align=left>Days past due</th><td>{{ days_past_due "
        '}}</td></tr></table><p><a href="{{ payment_link }}">Pay now</a></p><p>{{ '
        "repayment_steps }}</p><p><strong>What happens next:</strong> {{ consequences "
        "}}</p><p>Questions or a dispute? Call {{ callback_number }}.</p><p>{{ "
        "company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "reminder-day2-email",
        "channel": "email",
        "language": "zh-Hans",
        "stage": "reminder",
        "subject": "您的 {{ amount_due }} 还款已逾期",
        "body": "{{ name }}您好：\n"
        "\n"
        "{{ name }}您好，您的借款应还 {{ amount_due }}（到期日 {{ due_date }}）尚未还款。请通过 {{ payment_link }} "
        "还款，如需分期请回复“分期”。\n"
        "\n"
        "应还金额：{{ amount_due }}\n"
        "到期日：{{ due_date }}\n"
        "逾期天数：{{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "后续说明：{{ consequences }}\n"
        "\n"
        "如有疑问或异议，请致电 {{ callback_number }} 或回复本邮件。\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>{{ name }}您好：</p><p>{{ name }}您好，您的借款应还 {{ amount_due }}（到期日 {{ due_date "
        "}}）尚未还款。请通过 {{ payment_link }} 还款，如需分期请回复“分期”。</p><table><tr><th "
        "align=left>应还金额</th><td>{{ amount_due }}</td></tr><tr><th "
        "align=left>到期日</th><td>{{ due_date }}</td></tr><tr><th "
        'align=left>逾期天数</th><td>{{ days_past_due }}</td></tr></table><p><a href="{{ '
        'payment_link }}">立即还款</a></p><p>{{ repayment_steps '
        "}}</p><p><strong>后续说明：</strong>{{ consequences }}</p><p>如有疑问或异议，请致电 {{ "
        "callback_number }}。</p><p>{{ company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "reminder-day2-sms",
        "channel": "sms",
        "language": "en",
        "stage": "reminder",
        "subject": "",
        "body": "{{ company_name }}: Hi {{ first_name }}, your payment of {{ amount_due }} was due "
        "on {{ due_date }}. Pay at {{ payment_link }} or reply PLAN if you need a payment "
        "plan.",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "reminder-day2-sms",
        "channel": "sms",
        "language": "zh-Hans",
        "stage": "reminder",
        "subject": "",
        "body": "【{{ company_name }}】{{ name }}您好，您的借款应还 {{ amount_due }}（到期日 {{ due_date "
        "}}）尚未还款。请通过 {{ payment_link }} 还款，如需分期请回复“分期”。",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "reminder-day5-email",
        "channel": "email",
        "language": "en",
        "stage": "reminder",
        "subject": "Your payment of {{ amount_due }} is overdue",
        "body": "Dear {{ name }},\n"
        "\n"
        "Hi {{ first_name }}, your payment of {{ amount_due }} was due on {{ due_date }}. "
        "Pay at {{ payment_link }} or reply PLAN if you need a payment plan.\n"
        "\n"
        "Amount due: {{ amount_due }}\n"
        "Due date: {{ due_date }}\n"
        "Days past due: {{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "What happens next: {{ consequences }}\n"
        "\n"
        "Questions or a dispute? Call {{ callback_number }} or reply to this email.\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>Dear {{ name }},</p><p>Hi {{ first_name }}, your payment of {{ amount_due "
        "}} was due on {{ due_date }}. Pay at {{ payment_link }} or reply PLAN if you "
        "need a payment plan.</p><table><tr><th align=left>Amount due</th><td>{{ "
        "amount_due }}</td></tr><tr><th align=left>Due date</th><td>{{ due_date "
        "}}</td></tr><tr><th align=left>Days past due</th><td>{{ days_past_due "
        '}}</td></tr></table><p><a href="{{ payment_link }}">Pay now</a></p><p>{{ '
        "repayment_steps }}</p><p><strong>What happens next:</strong> {{ consequences "
        "}}</p><p>Questions or a dispute? Call {{ callback_number }}.</p><p>{{ "
        "company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "reminder-day5-email",
        "channel": "email",
        "language": "zh-Hans",
        "stage": "reminder",
        "subject": "您的 {{ amount_due }} 还款已逾期",
        "body": "{{ name }}您好：\n"
        "\n"
        "{{ name }}您好，您的借款应还 {{ amount_due }}（到期日 {{ due_date }}）尚未还款。请通过 {{ payment_link }} "
        "还款，如需分期请回复“分期”。\n"
        "\n"
        "应还金额：{{ amount_due }}\n"
        "到期日：{{ due_date }}\n"
        "逾期天数：{{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "后续说明：{{ consequences }}\n"
        "\n"
        "如有疑问或异议，请致电 {{ callback_number }} 或回复本邮件。\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>{{ name }}您好：</p><p>{{ name }}您好，您的借款应还 {{ amount_due }}（到期日 {{ due_date "
        "}}）尚未还款。请通过 {{ payment_link }} 还款，如需分期请回复“分期”。</p><table><tr><th "
        "align=left>应还金额</th><td>{{ amount_due }}</td></tr><tr><th "
        "align=left>到期日</th><td>{{ due_date }}</td></tr><tr><th "
        'align=left>逾期天数</th><td>{{ days_past_due }}</td></tr></table><p><a href="{{ '
        'payment_link }}">立即还款</a></p><p>{{ repayment_steps '
        "}}</p><p><strong>后续说明：</strong>{{ consequences }}</p><p>如有疑问或异议，请致电 {{ "
        "callback_number }}。</p><p>{{ company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "reminder-day5-voice",
        "channel": "voice",
        "language": "en",
        "stage": "reminder",
        "subject": "",
        "body": "{{ first_name }}, this is {{ company_name }}: your payment of {{ amount_due }} was "
        "due on {{ due_date }}. You can pay with the payment link we sent you, or call us at "
        "{{ callback_number }} if you need a payment plan.",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "reminder-day5-voice",
        "channel": "voice",
        "language": "zh-Hans",
        "stage": "reminder",
        "subject": "",
        "body": "{{ name }}您好，这里是{{ company_name }}。您的借款应还{{ amount_due }}，到期日为{{ due_date "
        "}}，目前尚未还款。您可以通过我们发送给您的还款链接还款；如需分期，请致电{{ callback_number }}。",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "reminder-notice",
        "channel": "email",
        "language": "en",
        "stage": "reminder",
        "subject": "Your payment of {{ amount_due }} is overdue",
        "body": "Dear {{ name }},\n"
        "\n"
        "Hi {{ first_name }}, your payment of {{ amount_due }} was due on {{ due_date }}. "
        "Pay at {{ payment_link }} or reply PLAN if you need a payment plan.\n"
        "\n"
        "Amount due: {{ amount_due }}\n"
        "Due date: {{ due_date }}\n"
        "Days past due: {{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "What happens next: {{ consequences }}\n"
        "\n"
        "Questions or a dispute? Call {{ callback_number }} or reply to this email.\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>Dear {{ name }},</p><p>Hi {{ first_name }}, your payment of {{ amount_due "
        "}} was due on {{ due_date }}. Pay at {{ payment_link }} or reply PLAN if you "
        "need a payment plan.</p><table><tr><th align=left>Amount due</th><td>{{ "
        "amount_due }}</td></tr><tr><th align=left>Due date</th><td>{{ due_date "
        "}}</td></tr><tr><th align=left>Days past due</th><td>{{ days_past_due "
        '}}</td></tr></table><p><a href="{{ payment_link }}">Pay now</a></p><p>{{ '
        "repayment_steps }}</p><p><strong>What happens next:</strong> {{ consequences "
        "}}</p><p>Questions or a dispute? Call {{ callback_number }}.</p><p>{{ "
        "company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "reminder-notice",
        "channel": "email",
        "language": "zh-Hans",
        "stage": "reminder",
        "subject": "您的 {{ amount_due }} 还款已逾期",
        "body": "{{ name }}您好：\n"
        "\n"
        "{{ name }}您好，您的借款应还 {{ amount_due }}（到期日 {{ due_date }}）尚未还款。请通过 {{ payment_link }} "
        "还款，如需分期请回复“分期”。\n"
        "\n"
        "应还金额：{{ amount_due }}\n"
        "到期日：{{ due_date }}\n"
        "逾期天数：{{ days_past_due }}\n"
        "\n"
        "{{ repayment_steps }}\n"
        "\n"
        "后续说明：{{ consequences }}\n"
        "\n"
        "如有疑问或异议，请致电 {{ callback_number }} 或回复本邮件。\n"
        "\n"
        "{{ company_name }}",
        "html_body": "<p>{{ name }}您好：</p><p>{{ name }}您好，您的借款应还 {{ amount_due }}（到期日 {{ due_date "
        "}}）尚未还款。请通过 {{ payment_link }} 还款，如需分期请回复“分期”。</p><table><tr><th "
        "align=left>应还金额</th><td>{{ amount_due }}</td></tr><tr><th "
        "align=left>到期日</th><td>{{ due_date }}</td></tr><tr><th "
        'align=left>逾期天数</th><td>{{ days_past_due }}</td></tr></table><p><a href="{{ '
        'payment_link }}">立即还款</a></p><p>{{ repayment_steps '
        "}}</p><p><strong>后续说明：</strong>{{ consequences }}</p><p>如有疑问或异议，请致电 {{ "
        "callback_number }}。</p><p>{{ company_name }}</p>",
        "is_active": True,
    },
    {
        "key": "reminder-notice",
        "channel": "sms",
        "language": "en",
        "stage": "reminder",
        "subject": "",
        "body": "{{ company_name }}: Hi {{ first_name }}, your payment of {{ amount_due }} was due "
        "on {{ due_date }}. Pay at {{ payment_link }} or reply PLAN if you need a payment "
        "plan.",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "reminder-notice",
        "channel": "sms",
        "language": "zh-Hans",
        "stage": "reminder",
        "subject": "",
        "body": "【{{ company_name }}】{{ name }}您好，您的借款应还 {{ amount_due }}（到期日 {{ due_date "
        "}}）尚未还款。请通过 {{ payment_link }} 还款，如需分期请回复“分期”。",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "reminder-notice",
        "channel": "voice",
        "language": "en",
        "stage": "reminder",
        "subject": "",
        "body": "{{ first_name }}, this is {{ company_name }}: your payment of {{ amount_due }} was "
        "due on {{ due_date }}. You can pay with the payment link we sent you, or call us at "
        "{{ callback_number }} if you need a payment plan.",
        "html_body": "",
        "is_active": True,
    },
    {
        "key": "reminder-notice",
        "channel": "voice",
        "language": "zh-Hans",
        "stage": "reminder",
        "subject": "",
        "body": "{{ name }}您好，这里是{{ company_name }}。您的借款应还{{ amount_due }}，到期日为{{ due_date "
        "}}，目前尚未还款。您可以通过我们发送给您的还款链接还款；如需分期，请致电{{ callback_number }}。",
        "html_body": "",
        "is_active": True,
    },
]

POLICIES = [
    {
        "key": "cn-default",
        "variant": "champion",
        "version": 1,
        "is_current": True,
        "name": "中国 默认 / China, default",
        "jurisdiction": "CN",
        "product": "",
        "segment": "",
        "traffic_percent": 0,
        "segmentation": {
            "lookback_days": 30,
            "priority": ["disputing", "unreachable", "strategic", "hardship", "self_cure"],
            "thresholds": {
                "disputing": 1,
                "unreachable": 3,
                "strategic": 4,
                "hardship": 3,
                "self_cure": 2,
            },
            "default": "self_cure",
            "hold": ["disputing"],
            "rules": [
                {
                    "segment": "disputing",
                    "signal": "dispute_open",
                    "op": ">=",
                    "value": 1,
                    "weight": 1,
                },
                {
                    "segment": "unreachable",
                    "signal": "has_address",
                    "op": "==",
                    "value": 0,
                    "weight": 3,
                },
                {
                    "segment": "unreachable",
                    "signal": "failed_contacts",
                    "op": ">=",
                    "value": 2,
                    "weight": 2,
                },
                {
                    "segment": "unreachable",
                    "signal": "delivered_contacts",
                    "op": "==",
                    "value": 0,
                    "weight": 1,
                },
                {
                    "segment": "strategic",
                    "signal": "delivered_unanswered",
                    "op": ">=",
                    "value": 3,
                    "weight": 2,
                },
                {
                    "segment": "strategic",
                    "signal": "promises_broken",
                    "op": ">=",
                    "value": 1,
                    "weight": 2,
                },
                {
                    "segment": "strategic",
                    "signal": "income_high",
                    "op": "==",
                    "value": 1,
                    "weight": 1,
                },
                {
                    "segment": "strategic",
                    "signal": "other_loans_current",
                    "op": "==",
                    "value": 1,
                    "weight": 2,
                },
                {"segment": "hardship", "signal": "replies", "op": ">=", "value": 1, "weight": 1},
                {
                    "segment": "hardship",
                    "signal": "partial_payments",
                    "op": ">=",
                    "value": 1,
                    "weight": 2,
                },
                {
                    "segment": "hardship",
                    "signal": "income_low",
                    "op": "==",
                    "value": 1,
                    "weight": 1,
                },
                {
                    "segment": "hardship",
                    "signal": "missed_installments",
                    "op": ">=",
                    "value": 1,
                    "weight": 1,
                },
                {
                    "segment": "strategic",
                    "signal": "delivered_unanswered",
                    "op": ">=",
                    "value": 5,
                    "weight": 2,
                },
                {
                    "segment": "strategic",
                    "signal": "partial_payments",
                    "op": ">=",
                    "value": 1,
                    "weight": -2,
                },
                {
                    "segment": "strategic",
                    "signal": "promises_kept",
                    "op": ">=",
                    "value": 1,
                    "weight": -4,
                },
                {
                    "segment": "strategic",
                    "signal": "days_past_due",
                    "op": ">=",
                    "value": 21,
                    "weight": 2,
                },
                {
                    "segment": "strategic",
                    "signal": "failed_contacts",
                    "op": ">=",
                    "value": 1,
                    "weight": -4,
                },
                {
                    "segment": "strategic",
                    "signal": "replied_ever",
                    "op": ">=",
                    "value": 1,
                    "weight": -2,
                },
                {
                    "segment": "strategic",
                    "signal": "bad_contact_point",
                    "op": "==",
                    "value": 1,
                    "weight": -4,
                },
                {
                    "segment": "unreachable",
                    "signal": "bad_contact_point",
                    "op": "==",
                    "value": 1,
                    "weight": 2,
                },
                {
                    "segment": "self_cure",
                    "signal": "days_past_due",
                    "op": "<=",
                    "value": 7,
                    "weight": 1,
                },
                {
                    "segment": "self_cure",
                    "signal": "promises_kept",
                    "op": ">=",
                    "value": 1,
                    "weight": 1,
                },
                {
                    "segment": "self_cure",
                    "signal": "promises_broken",
                    "op": "==",
                    "value": 0,
                    "weight": 1,
                },
            ],
        },
        "stages": {
            "reminder": {
                "entry": [],
                "cadence": [
                    {"day": 0, "channel": "sms", "at": "10:00"},
                    {"day": 2, "channel": "email", "at": "10:00"},
                    {"day": 5, "channel": "voice", "at": "15:00"},
                ],
            },
            "negotiation": {
                "entry": [{"rule": "hardship-offer-plan", "when": {"segment_in": ["hardship"]}}],
                "cadence": [
                    {"day": 0, "channel": "sms", "at": "10:00"},
                    {"day": 3, "channel": "email", "at": "10:00"},
                ],
            },
            "escalation": {
                "entry": [
                    {"rule": "broken-promise", "when": {"broken_promises_gte": 1}},
                    {"rule": "plan-missed-installment", "when": {"missed_installments_gte": 1}},
                    {
                        "rule": "strategic-early",
                        "when": {"segment_in": ["strategic"], "dpd_gte": 10},
                    },
                    {"rule": "dpd-30", "when": {"dpd_gte": 30, "segment_not_in": ["hardship"]}},
                    {"rule": "hardship-dpd-60", "when": {"dpd_gte": 60}},
                ],
                "cadence": [
                    {"day": 0, "channel": "voice", "at": "15:00"},
                    {"day": 0, "channel": "email", "at": "10:00"},
                    {"day": 7, "channel": "sms", "at": "10:00"},
                ],
            },
            "legal": {
                "entry": [
                    {
                        "rule": "strategic-dpd-60",
                        "when": {
                            "segment_in": ["strategic"],
                            "dpd_gte": 60,
                            "days_in_stage_gte": 7,
                            "amount_overdue_gte": 3000,
                        },
                    },
                    {
                        "rule": "dpd-90-no-contact",
                        "when": {
                            "dpd_gte": 90,
                            "days_in_stage_gte": 14,
                            "days_since_contact_gte": 30,
                            "amount_overdue_gte": 3000,
                        },
                    },
                ],
                "cadence": [{"day": 0, "channel": "email", "at": "10:00"}],
            },
        },
        "promises": {
            "grace_days": 2,
            "kept_threshold_percent": 90,
            "follow_up": [{"channel": "sms", "at": "10:00"}],
        },
        "channel_switch": {"sms": "email", "voice": "email", "email": "sms"},
        "default_time_zone": "Asia/Shanghai",
        "change_note": "Shipped default",
    },
    {
        "key": "us-default",
        "variant": "champion",
        "version": 1,
        "is_current": True,
        "name": "United States, default",
        "jurisdiction": "US",
        "product": "",
        "segment": "",
        "traffic_percent": 0,
        "segmentation": {
            "lookback_days": 30,
            "priority": ["disputing", "unreachable", "strategic", "hardship", "self_cure"],
            "thresholds": {
                "disputing": 1,
                "unreachable": 3,
                "strategic": 4,
                "hardship": 3,
                "self_cure": 2,
            },
            "default": "self_cure",
            "hold": ["disputing"],
            "rules": [
                {
                    "segment": "disputing",
                    "signal": "dispute_open",
                    "op": ">=",
                    "value": 1,
                    "weight": 1,
                },
                {
                    "segment": "unreachable",
                    "signal": "has_address",
                    "op": "==",
                    "value": 0,
                    "weight": 3,
                },
                {
                    "segment": "unreachable",
                    "signal": "failed_contacts",
                    "op": ">=",
                    "value": 2,
                    "weight": 2,
                },
                {
                    "segment": "unreachable",
                    "signal": "delivered_contacts",
                    "op": "==",
                    "value": 0,
                    "weight": 1,
                },
                {
                    "segment": "strategic",
                    "signal": "delivered_unanswered",
                    "op": ">=",
                    "value": 3,
                    "weight": 2,
                },
                {
                    "segment": "strategic",
                    "signal": "promises_broken",
                    "op": ">=",
                    "value": 1,
                    "weight": 2,
                },
                {
                    "segment": "strategic",
                    "signal": "income_high",
                    "op": "==",
                    "value": 1,
                    "weight": 1,
                },
                {
                    "segment": "strategic",
                    "signal": "other_loans_current",
                    "op": "==",
                    "value": 1,
                    "weight": 2,
                },
                {"segment": "hardship", "signal": "replies", "op": ">=", "value": 1, "weight": 1},
                {
                    "segment": "hardship",
                    "signal": "partial_payments",
                    "op": ">=",
                    "value": 1,
                    "weight": 2,
                },
                {
                    "segment": "hardship",
                    "signal": "income_low",
                    "op": "==",
                    "value": 1,
                    "weight": 1,
                },
                {
                    "segment": "hardship",
                    "signal": "missed_installments",
                    "op": ">=",
                    "value": 1,
                    "weight": 1,
                },
                {
                    "segment": "strategic",
                    "signal": "delivered_unanswered",
                    "op": ">=",
                    "value": 5,
                    "weight": 2,
                },
                {
                    "segment": "strategic",
                    "signal": "partial_payments",
                    "op": ">=",
                    "value": 1,
                    "weight": -2,
                },
                {
                    "segment": "strategic",
                    "signal": "promises_kept",
                    "op": ">=",
                    "value": 1,
                    "weight": -4,
                },
                {
                    "segment": "strategic",
                    "signal": "days_past_due",
                    "op": ">=",
                    "value": 21,
                    "weight": 2,
                },
                {
                    "segment": "strategic",
                    "signal": "failed_contacts",
                    "op": ">=",
                    "value": 1,
                    "weight": -4,
                },
                {
                    "segment": "strategic",
                    "signal": "replied_ever",
                    "op": ">=",
                    "value": 1,
                    "weight": -2,
                },
                {
                    "segment": "strategic",
                    "signal": "bad_contact_point",
                    "op": "==",
                    "value": 1,
                    "weight": -4,
                },
                {
                    "segment": "unreachable",
                    "signal": "bad_contact_point",
                    "op": "==",
                    "value": 1,
                    "weight": 2,
                },
                {
                    "segment": "self_cure",
                    "signal": "days_past_due",
                    "op": "<=",
                    "value": 7,
                    "weight": 1,
                },
                {
                    "segment": "self_cure",
                    "signal": "promises_kept",
                    "op": ">=",
                    "value": 1,
                    "weight": 1,
                },
                {
                    "segment": "self_cure",
                    "signal": "promises_broken",
                    "op": "==",
                    "value": 0,
                    "weight": 1,
                },
            ],
        },
        "stages": {
            "reminder": {
                "entry": [],
                "cadence": [
                    {"day": 0, "channel": "sms", "at": "10:00"},
                    {"day": 2, "channel": "email", "at": "10:00"},
                    {"day": 5, "channel": "voice", "at": "14:00"},
                ],
            },
            "negotiation": {
                "entry": [{"rule": "hardship-offer-plan", "when": {"segment_in": ["hardship"]}}],
                "cadence": [
                    {"day": 0, "channel": "sms", "at": "10:00"},
                    {"day": 3, "channel": "email", "at": "10:00"},
                ],
            },
            "escalation": {
                "entry": [
                    {"rule": "broken-promise", "when": {"broken_promises_gte": 1}},
                    {"rule": "plan-missed-installment", "when": {"missed_installments_gte": 1}},
                    {
                        "rule": "strategic-early",
                        "when": {"segment_in": ["strategic"], "dpd_gte": 10},
                    },
                    {"rule": "dpd-30", "when": {"dpd_gte": 30, "segment_not_in": ["hardship"]}},
                    {"rule": "hardship-dpd-60", "when": {"dpd_gte": 60}},
                ],
                "cadence": [
                    {"day": 0, "channel": "voice", "at": "14:00"},
                    {"day": 0, "channel": "email", "at": "10:00"},
                    {"day": 7, "channel": "sms", "at": "10:00"},
                ],
            },
            "legal": {
                "entry": [
                    {
                        "rule": "strategic-dpd-60",
                        "when": {
                            "segment_in": ["strategic"],
                            "dpd_gte": 60,
                            "days_in_stage_gte": 7,
                            "amount_overdue_gte": 500,
                        },
                    },
                    {
                        "rule": "dpd-90-no-contact",
                        "when": {
                            "dpd_gte": 90,
                            "days_in_stage_gte": 14,
                            "days_since_contact_gte": 30,
                            "amount_overdue_gte": 500,
                        },
                    },
                ],
                "cadence": [{"day": 0, "channel": "email", "at": "10:00"}],
            },
        },
        "promises": {
            "grace_days": 2,
            "kept_threshold_percent": 90,
            "follow_up": [{"channel": "sms", "at": "10:00"}],
        },
        "channel_switch": {"sms": "email", "voice": "email", "email": "sms"},
        "default_time_zone": "America/New_York",
        "change_note": "Shipped default",
    },
]


class PreSquashDatabase(RuntimeError):
    pass


def refuse_a_pre_squash_database(apps, schema_editor):
    """A database built by the first days' migrations (0002_roles ... 0024_...) has recorded
    `0001_initial` under the same name as today's, but not today's schema: it cannot be
    upgraded in place. Nothing runs in production yet; say so instead of failing later."""
    recorded = MigrationRecorder(schema_editor.connection).applied_migrations()
    ours = {"0001_initial", "0002_shipped_defaults"}
    older = sorted(name for app, name in recorded if app == "collections_app" and name not in ours)
    if older:
        raise PreSquashDatabase(
            f"This database was built by migrations from before the squash ({older[0]} ... "
            f"{older[-1]}) and cannot be upgraded in place. Recreate it: for the demo, "
            "`make clean` then `make run`; for another database, drop and create it, then "
            "`python manage.py migrate`."
        )


def install_profiles(apps, schema_editor):
    profile_model = apps.get_model("collections_app", "JurisdictionProfile")
    for row in PROFILES:
        if not profile_model.objects.filter(code=row["code"]).exists():
            profile_model.objects.create(**row)


def install_templates(apps, schema_editor):
    template_model = apps.get_model("collections_app", "MessageTemplate")
    for row in TEMPLATES:
        key = {name: row[name] for name in ("key", "channel", "language")}
        template_model.objects.get_or_create(**key, defaults=row)


def install_policies(apps, schema_editor):
    policy_model = apps.get_model("collections_app", "CollectionPolicy")
    for row in POLICIES:
        if not policy_model.objects.filter(key=row["key"], variant=row["variant"]).exists():
            policy_model.objects.create(**row)


def install_schedule(apps, schema_editor):
    """The nightly run at ESCALATION_HOUR (UTC; supervisors change it in admin → Periodic tasks)
    and its sweeper every 5 minutes. The other beat entries are in settings."""
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = crontab_model.objects.get_or_create(
        minute="0",
        hour=str(getattr(settings, "ESCALATION_HOUR", 1)),
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    task_model.objects.get_or_create(
        name=NIGHTLY,
        defaults={
            "task": "collections.start_nightly_escalation",
            "crontab": nightly,
            "args": json.dumps([]),
            "description": "Creates tonight's EscalationRun (once per date) and queues its chunks.",
        },
    )
    every_5_min, _ = interval_model.objects.get_or_create(every=5, period="minutes")
    task_model.objects.get_or_create(
        name=SWEEPER,
        defaults={
            "task": "collections.sweep_escalation_runs",
            "interval": every_5_min,
            "args": json.dumps([]),
            "description": "Chunks left running by a dead worker go back to pending and are queued.",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[NIGHTLY, SWEEPER]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("collections_app", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(refuse_a_pre_squash_database, migrations.RunPython.noop),
        migrations.RunPython(install_profiles, migrations.RunPython.noop),
        migrations.RunPython(install_templates, migrations.RunPython.noop),
        migrations.RunPython(install_policies, migrations.RunPython.noop),
        migrations.RunPython(install_schedule, remove_schedule),
    ]
