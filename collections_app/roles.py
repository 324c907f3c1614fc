"""The four roles and what each may do. Applied by a data migration; edit here, then add a
migration that calls `apply_roles` again."""

from __future__ import annotations

from django.apps.registry import Apps

APP = "collections_app"

_READ_CASEWORK = [
    f"{APP}.view_{model}"
    for model in (
        "borrower",
        "loan",
        "collectioncase",
        "caseevent",
        "payment",
        "promisetopay",
        "paymentplan",
        "planinstallment",
        "channelconsent",
        "contactdecision",
        "contacthold",
    )
]
_COMPLIANCE_REPORT = [
    f"{APP}.view_compliance_report",
    f"{APP}.view_contactattempt",
    f"{APP}.view_jurisdictionprofile",
    # What providers told us (opt-outs, replies, delivery): evidence when a contact is questioned.
    f"{APP}.view_webhookevent",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "agent": [
        *_READ_CASEWORK,
        f"{APP}.change_collectioncase",
        f"{APP}.view_outboundmessage",
        f"{APP}.send_manual_message",
        f"{APP}.negotiate_case",
        f"{APP}.pause_case",
    ],
    "supervisor": [
        *_READ_CASEWORK,
        f"{APP}.change_collectioncase",
        f"{APP}.change_borrower",
        f"{APP}.change_loan",
        f"{APP}.view_bulkaction",
        *_COMPLIANCE_REPORT,
        f"{APP}.view_outboundmessage",
        f"{APP}.send_manual_message",
        f"{APP}.view_messagetemplate",
        f"{APP}.add_messagetemplate",
        f"{APP}.change_messagetemplate",
        f"{APP}.negotiate_case",
        f"{APP}.escalate_case",
        f"{APP}.pause_case",
        f"{APP}.resume_case",
        f"{APP}.resolve_case",
        f"{APP}.write_off_case",
    ],
    "legal": [
        *_READ_CASEWORK,
        f"{APP}.change_collectioncase",
        f"{APP}.refer_case_to_legal",
        f"{APP}.pause_case",
        f"{APP}.resolve_case",
    ],
    "compliance": [
        *_READ_CASEWORK,
        *_COMPLIANCE_REPORT,
        f"{APP}.view_outboundmessage",
        f"{APP}.view_messagetemplate",
        f"{APP}.change_messagetemplate",
        f"{APP}.change_borrower",
        f"{APP}.add_channelconsent",
        f"{APP}.add_contacthold",
        f"{APP}.add_jurisdictionprofile",
        f"{APP}.change_jurisdictionprofile",
        f"{APP}.pause_case",
        f"{APP}.resume_case",
    ],
}


def apply_roles(apps: Apps, schema_editor: object = None) -> None:
    """Create each role's group and give it exactly its permissions."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            # A permission of a model that a later migration adds does not exist yet at this
            # point of the history: that migration calls apply_roles again (a test checks that
            # every listed permission exists once all migrations ran).
            found = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if found is not None:
                wanted.append(found)
        group.permissions.set(wanted)
