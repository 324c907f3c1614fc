from django.db import migrations

from collections_app.roles import apply_roles


class Migration(migrations.Migration):
    """The role matrix decided once (roles.py): supervisors steer the nightly run (policies, runs
    and their retry, the beat schedule); compliance reads the policies."""

    dependencies = [
        ("collections_app", "0026_promise_terms_and_follow_up_templates"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="escalationrun",
            options={
                "ordering": ["-run_date"],
                "permissions": [("retry_escalationrun", "Can queue a run's failed chunks again")],
            },
        ),
        migrations.RunPython(apply_roles, migrations.RunPython.noop),
    ]
