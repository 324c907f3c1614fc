from django.db import migrations

from collections_app.outreach.default_templates import default_templates


def load(apps, schema_editor):
    MessageTemplate = apps.get_model("collections_app", "MessageTemplate")
    for row in default_templates():
        MessageTemplate.objects.update_or_create(
            key=row["key"], channel=row["channel"], language=row["language"], defaults=row
        )


class Migration(migrations.Migration):
    dependencies = [("collections_app", "0008_rendered_messages_and_bad_contact_points")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
