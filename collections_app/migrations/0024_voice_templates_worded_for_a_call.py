"""Shipped voice templates get wording made for a call: no payment link read aloud and no
"reply PLAN" (it is a call; the keypad menu follows the message), the callback number spoken
digit by digit. Only a body still as shipped (after 0021) is replaced, the policy steps' copies
included; an edited template is left as it is."""

from django.db import migrations

# Shipped body (after 0021) -> the call's wording. Frozen: later wording changes get their own
# migration.
REWORDED = dict(
    [
        (
            (
                "This is {{ company_name }} calling for {{ name }}. {{ "
                "first_name }}, {{ amount_due }} is {{ days_past_due }} days "
                "overdue. {{ consequences }} Pay at {{ payment_link }} or "
                "call {{ callback_number }}."
            ),
            (
                "{{ first_name }}, this is {{ company_name }}: {{ amount_due "
                "}} is {{ days_past_due }} days overdue. {{ consequences }} "
                "You can pay with the payment link we sent you, or call us "
                "at {{ callback_number }}."
            ),
        ),
        (
            (
                "这里是{{ company_name }}，找{{ name }}。{{ name }}您好，您的欠款 {{ "
                "amount_due }} 已逾期 {{ days_past_due }} 天。{{ consequences "
                "}}请通过 {{ payment_link }} 还款或致电 {{ callback_number }}。"
            ),
            (
                "{{ name }}您好，这里是{{ company_name }}。您的欠款{{ amount_due "
                "}}已逾期{{ days_past_due }}天。{{ consequences "
                "}}请通过我们发送给您的还款链接还款，或致电{{ callback_number }}。"
            ),
        ),
        (
            (
                "This is {{ company_name }} calling for {{ name }}. {{ "
                "first_name }}, your account ({{ amount_due }} overdue) has "
                "been referred to our partner law firm. To settle, pay at {{ "
                "payment_link }}."
            ),
            (
                "{{ first_name }}, this is {{ company_name }}: your account, "
                "with {{ amount_due }} overdue, has been referred to our "
                "partner law firm. To settle, pay with the payment link we "
                "sent you or call us at {{ callback_number }}."
            ),
        ),
        (
            (
                "这里是{{ company_name }}，找{{ name }}。{{ name }}您好，您的账户（逾期 {{ "
                "amount_due }}）已移交合作律师事务所。如需结清，请通过 {{ payment_link }} 还款。"
            ),
            (
                "{{ name }}您好，这里是{{ company_name }}。您的账户（逾期{{ amount_due "
                "}}）已移交合作律师事务所。如需结清，请通过我们发送给您的还款链接还款，或致电{{ callback_number "
                "}}。"
            ),
        ),
        (
            (
                "This is {{ company_name }} calling for {{ name }}. Thanks "
                "{{ first_name }}. As agreed, {{ amount_due }} is due. Pay "
                "at {{ payment_link }}. {{ consequences }}"
            ),
            (
                "{{ first_name }}, this is {{ company_name }}: as agreed, {{ "
                "amount_due }} is now due. You can pay with the payment link "
                "we sent you. {{ consequences }}"
            ),
        ),
        (
            (
                "这里是{{ company_name }}，找{{ name }}。{{ name }}您好，按约定您需还款 {{ "
                "amount_due }}，请通过 {{ payment_link }} 还款。{{ consequences }}"
            ),
            (
                "{{ name }}您好，这里是{{ company_name }}。按约定您需还款{{ amount_due "
                "}}，请通过我们发送给您的还款链接还款。{{ consequences }}"
            ),
        ),
        (
            (
                "This is {{ company_name }} calling for {{ name }}. {{ "
                "first_name }}, if paying {{ amount_due }} at once is hard, "
                "we can split it into smaller payments. Reply PLAN or call "
                "{{ callback_number }}."
            ),
            (
                "{{ first_name }}, this is {{ company_name }}: if paying {{ "
                "amount_due }} at once is hard, we can split it into smaller "
                "payments. Call us at {{ callback_number }} to set up a plan."
            ),
        ),
        (
            (
                "这里是{{ company_name }}，找{{ name }}。{{ name }}您好，如一次还清 {{ "
                "amount_due }} 有困难，可申请分期还款。请回复“分期”或致电 {{ callback_number }}。"
            ),
            (
                "{{ name }}您好，这里是{{ company_name }}。如一次还清{{ amount_due "
                "}}有困难，可申请分期还款，请致电{{ callback_number }}办理。"
            ),
        ),
        (
            (
                "This is {{ company_name }} calling for {{ name }}. Hi {{ "
                "first_name }}, your payment of {{ amount_due }} was due on "
                "{{ due_date }}. Pay at {{ payment_link }} or reply PLAN if "
                "you need a payment plan."
            ),
            (
                "{{ first_name }}, this is {{ company_name }}: your payment "
                "of {{ amount_due }} was due on {{ due_date }}. You can pay "
                "with the payment link we sent you, or call us at {{ "
                "callback_number }} if you need a payment plan."
            ),
        ),
        (
            (
                "这里是{{ company_name }}，找{{ name }}。{{ name }}您好，您的借款应还 {{ "
                "amount_due }}（到期日 {{ due_date }}）尚未还款。请通过 {{ payment_link "
                "}} 还款，如需分期请回复“分期”。"
            ),
            (
                "{{ name }}您好，这里是{{ company_name }}。您的借款应还{{ amount_due "
                "}}，到期日为{{ due_date }}，目前尚未还款。您可以通过我们发送给您的还款链接还款；如需分期，请致电{{ "
                "callback_number }}。"
            ),
        ),
    ]
)


def reword(apps, schema_editor):
    MessageTemplate = apps.get_model("collections_app", "MessageTemplate")
    for template in MessageTemplate.objects.filter(channel="voice", body__in=list(REWORDED)):
        template.body = REWORDED[template.body]
        template.save(update_fields=["body", "updated_at"])


class Migration(migrations.Migration):
    dependencies = [("collections_app", "0023_segmentation_signals_that_remember")]

    operations = [migrations.RunPython(reword, migrations.RunPython.noop)]
