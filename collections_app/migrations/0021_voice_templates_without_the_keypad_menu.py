"""Shipped voice templates no longer carry the keypad menu: the call's keypad steps say it
(webhooks/ivr.py), after the right-party question, so it was said twice. Only a body that still
ends with the shipped wording is changed; an edited template is left as it is."""

from django.db import migrations

# The wording 0009 and 0017 shipped at the end of every default voice template.
SHIPPED_MENUS = (
    " Press 1 to promise a payment, 2 to ask for a call back, or 3 if you dispute this debt.",
    " 承诺还款请按1，需要回电请按2，对欠款有异议请按3。",
)


def strip_menu(apps, schema_editor):
    MessageTemplate = apps.get_model("collections_app", "MessageTemplate")
    for template in MessageTemplate.objects.filter(channel="voice"):
        for menu in SHIPPED_MENUS:
            if template.body.endswith(menu):
                template.body = template.body[: -len(menu)]
                template.save(update_fields=["body", "updated_at"])


class Migration(migrations.Migration):
    dependencies = [("collections_app", "0020_segmentation_weights_from_simulation")]

    operations = [migrations.RunPython(strip_menu, migrations.RunPython.noop)]
