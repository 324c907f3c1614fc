from django.db import migrations

from collections_app.outreach.default_templates import policy_step_templates
from collections_app.policies.defaults import DEFAULT_TEMPLATE_KEYS


def load(apps, schema_editor):
    MessageTemplate = apps.get_model("collections_app", "MessageTemplate")
    for row in policy_step_templates(DEFAULT_TEMPLATE_KEYS):
        MessageTemplate.objects.update_or_create(
            key=row["key"], channel=row["channel"], language=row["language"], defaults=row
        )


class Migration(migrations.Migration):
    dependencies = [("collections_app", "0016_default_policies_and_nightly_schedule")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
