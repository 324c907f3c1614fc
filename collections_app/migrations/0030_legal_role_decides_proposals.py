"""The legal role sees and decides the nightly run's legal proposals.

The literals are frozen here (not read from roles.py), so this migration means the same on every
install whatever roles.py says later."""

from django.db import migrations

ROLE = "legal"
CODENAMES = ("view_legalproposal", "approve_legal_referral")


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions of a model created in this run of migrate do not exist until post_migrate.
    app_config = apps.get_app_config("collections_app")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=ROLE)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="collections_app", codename__in=CODENAMES
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=ROLE).first()
    if group is not None:
        group.permissions.remove(*group.permissions.filter(codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [("collections_app", "0029_legal_proposals_and_borrower_holds")]

    operations = [migrations.RunPython(grant, revoke)]
