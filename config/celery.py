"""The Celery application. Tasks carry row ids only; the database is the source of truth."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("collections")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
