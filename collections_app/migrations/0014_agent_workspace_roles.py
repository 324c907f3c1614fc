from django.db import migrations

from collections_app.roles import apply_roles


class Migration(migrations.Migration):
    """Roles get the workspace's permissions: notes, promises, assignment, PII, compliance config."""

    dependencies = [("collections_app", "0013_agent_workspace")]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
