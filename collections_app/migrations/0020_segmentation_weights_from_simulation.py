"""The default policies' segmentation gains the rules measured with the simulator (issue 8).

Only a default policy still on the shipped segmentation is moved, as a new version (the old one
stays for the record); a policy a supervisor has edited is left as it is.
"""

import copy

from django.db import migrations

from collections_app.policies.shipped_segmentations import V1, V2

# The rules this release added (V2 is V1 with them; kept for the record).
ADDED = tuple(rule for rule in V2["rules"] if rule not in V1["rules"])


def forwards(apps, schema_editor):
    policy_model = apps.get_model("collections_app", "CollectionPolicy")
    for policy in policy_model.objects.filter(
        key__in=("us-default", "cn-default"), is_current=True, segmentation=V1
    ):
        policy_model.objects.filter(pk=policy.pk).update(is_current=False)
        policy.pk = None
        policy.version += 1
        policy.segmentation = copy.deepcopy(V2)
        policy.change_note = "Segmentation weights measured with the simulator"
        policy.is_current = True
        policy.save()


class Migration(migrations.Migration):
    dependencies = [("collections_app", "0019_webhook_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
