"""Promises kept and broken the way a collections team means it (policies/promises.py): the
default policies get their promise terms (two days' grace, 90 % paid by then is kept, an SMS the
night a promise is found broken), and the follow-up's templates are shipped in en and zh-Hans.

The terms are written into each current default policy whose `promises` is still empty, in
place and not as a new version: a policy without them already reads exactly these values, so no
decision changes by it, and the version a decision cites keeps meaning what it did. Terms a
supervisor has set are left alone, and so is a template that already exists (edited or not).
Everything here is frozen: later changes to the shipped wording or terms get their own migration.
"""

import copy

from django.db import migrations

DEFAULT_POLICY_KEYS = ("us-default", "cn-default")
PROMISES = {
    "grace_days": 2,
    "kept_threshold_percent": 90,
    "follow_up": [{"channel": "sms", "at": "10:00"}],
}
TEMPLATES = [
    {
        "key": "promise-broken-sms",
        "stage": "",
        "language": "en",
        "channel": "sms",
        "body": (
            "{{ company_name }}: {{ first_name }}, you promised {{ promise_amount }} "
            "by {{ promise_due_date }} and we received {{ promise_paid }}, so the "
            "promise is recorded as missed. {{ amount_due }} is overdue. "
            "{{ consequences }} Pay at {{ payment_link }} or call "
            "{{ callback_number }} to agree a new date."
        ),
    },
    {
        "key": "promise-broken-email",
        "stage": "",
        "language": "en",
        "channel": "email",
        "subject": "Your promised payment of {{ promise_amount }} by {{ promise_due_date }}",
        "body": (
            "Dear {{ name }},\n\nYou promised to pay {{ promise_amount }} by "
            "{{ promise_due_date }}. We have received {{ promise_paid }} of it, so the "
            "promise is recorded as missed.\n\nPromised: {{ promise_amount }} by "
            "{{ promise_due_date }}\nReceived towards it: {{ promise_paid }}\nOverdue "
            "now: {{ amount_due }}\n\n{{ repayment_steps }} To agree a new date, call "
            "{{ callback_number }}.\n\nWhat happens next: {{ consequences }}\n\n"
            "Questions or a dispute? Call {{ callback_number }} or reply to this "
            "email.\n\n{{ company_name }}"
        ),
        "html_body": (
            "<p>Dear {{ name }},</p><p>You promised to pay {{ promise_amount }} by "
            "{{ promise_due_date }}. We have received {{ promise_paid }} of it, so the "
            "promise is recorded as missed.</p><table><tr><th "
            "align=left>Promised</th><td>{{ promise_amount }} by {{ promise_due_date }}"
            "</td></tr><tr><th align=left>Received towards it</th><td>"
            "{{ promise_paid }}</td></tr><tr><th align=left>Overdue now</th><td>"
            '{{ amount_due }}</td></tr></table><p><a href="{{ payment_link }}">Pay '
            "now</a></p><p>{{ repayment_steps }} To agree a new date, call "
            "{{ callback_number }}.</p><p><strong>What happens next:</strong> "
            "{{ consequences }}</p><p>Questions or a dispute? Call "
            "{{ callback_number }}.</p><p>{{ company_name }}</p>"
        ),
    },
    {
        "key": "promise-broken-sms",
        "stage": "",
        "language": "zh-Hans",
        "channel": "sms",
        "body": (
            "【{{ company_name }}】{{ name }}您好，您承诺{{ promise_due_date }}前还款"
            "{{ promise_amount }}，已收到{{ promise_paid }}，该承诺记为未履行，目前逾期{{ amount_due }}。"
            "{{ consequences }}请通过 {{ payment_link }} 还款，或致电 {{ callback_number }} "
            "商定新的还款日期。"
        ),
    },
    {
        "key": "promise-broken-email",
        "stage": "",
        "language": "zh-Hans",
        "channel": "email",
        "subject": "您承诺于{{ promise_due_date }}前还款{{ promise_amount }}",
        "body": (
            "{{ name }}您好：\n\n您曾承诺于{{ promise_due_date }}前还款{{ promise_amount }}，"
            "我们已收到其中{{ promise_paid }}，该承诺记为未履行。\n\n承诺金额：{{ promise_amount }}（"
            "{{ promise_due_date }}前）\n已收到：{{ promise_paid }}\n目前逾期：{{ amount_due }}\n"
            "\n{{ repayment_steps }}如需商定新的还款日期，请致电 {{ callback_number }}。\n\n后续说明："
            "{{ consequences }}\n\n如有疑问或异议，请致电 {{ callback_number }} 或回复本邮件。\n\n"
            "{{ company_name }}"
        ),
        "html_body": (
            "<p>{{ name }}您好：</p><p>您曾承诺于{{ promise_due_date }}前还款{{ promise_amount }}，"
            "我们已收到其中{{ promise_paid }}，该承诺记为未履行。</p><table><tr><th "
            "align=left>承诺金额</th><td>{{ promise_amount }}（{{ promise_due_date }}"
            "前）</td></tr><tr><th align=left>已收到</th><td>{{ promise_paid }}"
            "</td></tr><tr><th align=left>目前逾期</th><td>{{ amount_due }}"
            '</td></tr></table><p><a href="{{ payment_link }}">立即还款</a></p><p>'
            "{{ repayment_steps }}如需商定新的还款日期，请致电 {{ callback_number }}。"
            "</p><p><strong>后续说明：</strong>{{ consequences }}</p><p>如有疑问或异议，请致电 "
            "{{ callback_number }}。</p><p>{{ company_name }}</p>"
        ),
    },
]


def forwards(apps, schema_editor):
    policy_model = apps.get_model("collections_app", "CollectionPolicy")
    for policy in policy_model.objects.filter(key__in=DEFAULT_POLICY_KEYS, is_current=True):
        if not policy.promises:
            policy.promises = copy.deepcopy(PROMISES)
            policy.save(update_fields=["promises"])
    template_model = apps.get_model("collections_app", "MessageTemplate")
    for row in TEMPLATES:
        template_model.objects.get_or_create(
            key=row["key"], channel=row["channel"], language=row["language"], defaults=row
        )


class Migration(migrations.Migration):
    dependencies = [("collections_app", "0025_promise_terms_and_allocations")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
