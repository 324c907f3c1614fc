"""The default policies' segmentation gains signals that do not expire with the 30-day window:
`replied_ever` replaces the windowed `replies` against strategic, and a `bad_contact_point` counts
for unreachable and against strategic (measured with the simulator, README "Simulator": by day 60
the window had forgotten hardship borrowers' replies and unreachable borrowers' bounced numbers,
and both looked strategic again).

Only a default policy still on the shipped V2 is moved, as a new version (the old one stays for
the record); a policy a supervisor has edited is left as it is.
"""

import copy

from django.db import migrations

from collections_app.policies.shipped_segmentations import V2, V3


def forwards(apps, schema_editor):
    policy_model = apps.get_model("collections_app", "CollectionPolicy")
    for policy in policy_model.objects.filter(
        key__in=("us-default", "cn-default"), is_current=True, segmentation=V2
    ):
        policy_model.objects.filter(pk=policy.pk).update(is_current=False)
        policy.pk = None
        policy.version += 1
        policy.segmentation = copy.deepcopy(V3)
        policy.change_note = "Segmentation: signals that remember (replied ever, bad contact point)"
        policy.is_current = True
        policy.save()


class Migration(migrations.Migration):
    dependencies = [("collections_app", "0022_delivery_attempt_not_sent")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
