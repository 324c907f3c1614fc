"""The default policies' segmentation gains the rules measured with the simulator (issue 8).

Only a default policy still on the shipped segmentation is moved, as a new version (the old one
stays for the record); a policy a supervisor has edited is left as it is.
"""

import copy

from django.db import migrations

from collections_app.policies.defaults import SEGMENTATION

ADDED = (
    {"segment": "strategic", "signal": "delivered_unanswered", "op": ">=", "value": 5, "weight": 2},
    {"segment": "strategic", "signal": "partial_payments", "op": ">=", "value": 1, "weight": -2},
    {"segment": "strategic", "signal": "promises_kept", "op": ">=", "value": 1, "weight": -4},
    {"segment": "strategic", "signal": "days_past_due", "op": ">=", "value": 21, "weight": 2},
    {"segment": "strategic", "signal": "failed_contacts", "op": ">=", "value": 1, "weight": -4},
    {"segment": "strategic", "signal": "replies", "op": ">=", "value": 1, "weight": -2},
)


def _previous() -> dict:
    previous = copy.deepcopy(SEGMENTATION)
    previous["rules"] = [r for r in previous["rules"] if r not in ADDED]
    return previous


def forwards(apps, schema_editor):
    policy_model = apps.get_model("collections_app", "CollectionPolicy")
    previous = _previous()
    for policy in policy_model.objects.filter(
        key__in=("us-default", "cn-default"), is_current=True, segmentation=previous
    ):
        policy_model.objects.filter(pk=policy.pk).update(is_current=False)
        policy.pk = None
        policy.version += 1
        policy.segmentation = copy.deepcopy(SEGMENTATION)
        policy.change_note = "Segmentation weights measured with the simulator"
        policy.is_current = True
        policy.save()


class Migration(migrations.Migration):
    dependencies = [("collections_app", "0019_webhook_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
