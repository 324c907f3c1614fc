from django.db import migrations

from collections_app.roles import apply_roles


class Migration(migrations.Migration):
    dependencies = [("collections_app", "0018_webhook_events")]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
