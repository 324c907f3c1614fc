"""The default CN and US collection policies, and the beat entries of the nightly run.

The schedule is a django-celery-beat PeriodicTask: supervisors change its hour in admin
(Periodic tasks → "Nightly escalation run"); ESCALATION_HOUR only sets the first value.
"""

import json

from django.conf import settings
from django.db import migrations

from collections_app.policies.defaults import install_default_policies

NIGHTLY = "Nightly escalation run"
SWEEPER = "Escalation run sweeper (resume lost chunks)"


def install_schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = crontab_model.objects.get_or_create(
        minute="0",
        hour=str(getattr(settings, "ESCALATION_HOUR", 1)),
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    task_model.objects.get_or_create(
        name=NIGHTLY,
        defaults={
            "task": "collections.start_nightly_escalation",
            "crontab": nightly,
            "args": json.dumps([]),
            "description": "Creates tonight's EscalationRun (once per date) and queues its chunks.",
        },
    )
    every_5_min, _ = interval_model.objects.get_or_create(every=5, period="minutes")
    task_model.objects.get_or_create(
        name=SWEEPER,
        defaults={
            "task": "collections.sweep_escalation_runs",
            "interval": every_5_min,
            "args": json.dumps([]),
            "description": "Chunks left running by a dead worker go back to pending and are queued.",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[NIGHTLY, SWEEPER]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("collections_app", "0015_policies_escalation_runs_and_case_segment_reasons"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(install_default_policies, migrations.RunPython.noop),
        migrations.RunPython(install_schedule, remove_schedule),
    ]
