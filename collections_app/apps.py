from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionsAppConfig(AppConfig):
    name = "collections_app"
    verbose_name = _("Collections")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # Registers the deploy checks (webhooks, lender events) and connects django-anymail's
        # tracking signal.
        from collections_app.lender import checks as lender_checks  # noqa: F401
        from collections_app.policies import recovery  # noqa: F401  (its system check)
        from collections_app.roles import sync_roles_after_migrate
        from collections_app.webhooks import checks, email  # noqa: F401

        # The roles follow roles.py after every migrate (and every flush of a test database).
        post_migrate.connect(
            sync_roles_after_migrate, sender=self, dispatch_uid="collections_app.sync_roles"
        )
