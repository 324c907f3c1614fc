"""The default policies' segmentation gains the rules measured with the simulator (issue 8).

Only a default policy still on the shipped segmentation is moved, as a new version (the old one
stays for the record); a policy a supervisor has edited is left as it is.
"""

from django.db import migrations

from collections_app.policies.shipped_segmentations import V1, V2, move_default_policies


def forwards(apps, schema_editor):
    move_default_policies(apps, V1, V2, "Segmentation weights measured with the simulator")


class Migration(migrations.Migration):
    dependencies = [("collections_app", "0019_webhook_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
