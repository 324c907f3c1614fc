from django.apps import AppConfig


class CollectionsAppConfig(AppConfig):
    name = "collections_app"
    verbose_name = "Collections"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the webhook deploy checks and connects django-anymail's tracking signal.
        from collections_app.webhooks import checks, email  # noqa: F401
