"""The default policies' segmentation gains signals that do not expire with the 30-day window:
`replied_ever` replaces the windowed `replies` against strategic, and a `bad_contact_point` counts
for unreachable and against strategic (measured with the simulator, README "Simulator": by day 60
the window had forgotten hardship borrowers' replies and unreachable borrowers' bounced numbers,
and both looked strategic again).

Only a default policy still on the shipped V2 is moved, as a new version (the old one stays for
the record); a policy a supervisor has edited is left as it is.
"""

from django.db import migrations

from collections_app.policies.shipped_segmentations import V2, V3, move_default_policies


def forwards(apps, schema_editor):
    move_default_policies(
        apps, V2, V3, "Segmentation: signals that remember (replied ever, bad contact point)"
    )


class Migration(migrations.Migration):
    dependencies = [("collections_app", "0022_delivery_attempt_not_sent")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
