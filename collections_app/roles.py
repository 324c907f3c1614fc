"""The four roles and what each may do: the one place the role matrix is decided.

Synced after every `migrate` (and every test-database flush) by a post_migrate handler
(apps.py): edit the lists here and the next migrate gives each group exactly these permissions.
The README's role table is this matrix (a test compares them), and a test opens every admin page
as every role and expects exactly what these lists allow."""

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
        "dispute",
        "settlement",
        "paymentlink",
    )
]

# Disputes (recorded from the case, worked from the disputes list) and what a borrower tells an
# agent that stops contact: holds and opt-outs recorded from the case at once, without the holds
# admin (compliance's). Releasing a hold stays with compliance and supervisors.
_DISPUTE_WORK = [f"{APP}.add_dispute", f"{APP}.change_dispute"]
_RECORD_HOLDS = [f"{APP}.record_hold"]
_RELEASE_HOLDS = [f"{APP}.release_hold"]

# Money on the phone (README: "Plans, settlements and payment links"): a plan from the policy's
# offers, a settlement up to the role's discount limit (the policy's max_discount_percent), and a
# signed payment link sent through the gate. Approving another person's settlement above their
# limit is the supervisors'.
_MONEY = [
    f"{APP}.add_paymentplan",
    f"{APP}.offer_settlement",
    f"{APP}.add_paymentlink",
]

# What each role may see beyond casework. Nobody but compliance sees the contact rules and holds;
# nobody but supervisors sees templates, bulk jobs and agents' profiles.
_OUTBOX_READ = [f"{APP}.view_outboundmessage", f"{APP}.view_deliveryattempt"]
_COMPLIANCE_CONFIG = [
    f"{APP}.{action}_{model}"
    for model in ("jurisdictionprofile", "contacthold", "retentionhold", "consentexception")
    for action in ("view", "add", "change")
] + [
    # The validation notices generated: read, and a letter recorded as mailed (its one change).
    f"{APP}.view_validationnotice",
    f"{APP}.change_validationnotice",
]
# The compliance report and what it is made of.
_COMPLIANCE_REPORT = [
    f"{APP}.view_compliance_report",
    f"{APP}.view_contactdecision",
    f"{APP}.view_contactattempt",
    # What providers told us (opt-outs, replies, delivery): evidence when a contact is questioned.
    f"{APP}.view_webhookevent",
    # What the retention purge removed, when, under which profile versions (dry runs too).
    f"{APP}.view_purgerun",
]

# The nightly run, as supervisors steer it: policies (edited by new versions), the runs and their
# failed chunks, and the beat schedule where the nightly hour is changed (Periodic tasks →
# "Nightly escalation run", its crontab).
_NIGHTLY_RUN = [
    f"{APP}.view_collectionpolicy",
    f"{APP}.add_collectionpolicy",
    f"{APP}.change_collectionpolicy",
    f"{APP}.view_escalationrun",
    f"{APP}.retry_escalationrun",
    f"{APP}.view_escalationchunk",
    "django_celery_beat.view_periodictask",
    "django_celery_beat.change_periodictask",
    "django_celery_beat.view_crontabschedule",
    "django_celery_beat.add_crontabschedule",
    "django_celery_beat.change_crontabschedule",
]

# The lender systems' keys to the API (admin → Integration keys): created (shown once) and
# revoked by supervisors, who run the integrations with the lender. Nobody deletes one: the
# audit trail names the integration that wrote.
_INTEGRATION_KEYS = [
    f"{APP}.view_integrationkey",
    f"{APP}.add_integrationkey",
    f"{APP}.change_integrationkey",
]

# The events back to the lender: the endpoints and their secrets, what was sent and each try,
# and a replay. Supervisors run the integration with the lender.
_LENDER_EVENTS = [
    f"{APP}.view_webhookendpoint",
    f"{APP}.add_webhookendpoint",
    f"{APP}.change_webhookendpoint",
    f"{APP}.view_lenderevent",
    f"{APP}.view_lendereventdelivery",
    f"{APP}.replay_lendereventdelivery",
]

# Calls from the case page (services/calls.py): agents and supervisors make and log them; the
# calls and the right-party checks (with their daily lock) are evidence supervisors and
# compliance read; the scripts are written like the message templates.
_CALLS = [f"{APP}.log_call", f"{APP}.view_calllog"]
_CALL_OVERSIGHT = [f"{APP}.view_calllog", f"{APP}.view_rightpartycheck"]
_CALL_SCRIPTS = [f"{APP}.{action}_callscript" for action in ("view", "add", "change")]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    # Work assigned cases: record promises, notes, start negotiation, pause. Phone and email
    # stay masked: outreach goes through the outbox, so an agent never needs the raw numbers.
    "agent": [
        *_READ_CASEWORK,
        *_OUTBOX_READ,
        f"{APP}.change_collectioncase",
        f"{APP}.negotiate_case",
        f"{APP}.pause_case",
        f"{APP}.note_case",
        f"{APP}.add_promisetopay",
        f"{APP}.send_manual_message",
        *_DISPUTE_WORK,
        *_RECORD_HOLDS,
        *_CALLS,
        *_MONEY,
    ],
    "supervisor": [
        *_READ_CASEWORK,
        *_OUTBOX_READ,
        f"{APP}.change_collectioncase",
        f"{APP}.change_borrower",
        f"{APP}.change_loan",
        f"{APP}.view_bulkaction",
        # Portfolio imports: upload a lender's file, follow it, download its error report.
        f"{APP}.view_importjob",
        f"{APP}.add_importjob",
        f"{APP}.negotiate_case",
        f"{APP}.escalate_case",
        f"{APP}.pause_case",
        f"{APP}.resume_case",
        f"{APP}.resolve_case",
        f"{APP}.write_off_case",
        f"{APP}.assign_case",
        f"{APP}.note_case",
        f"{APP}.add_promisetopay",
        f"{APP}.view_pii",
        f"{APP}.view_messagetemplate",
        f"{APP}.add_messagetemplate",
        f"{APP}.change_messagetemplate",
        f"{APP}.view_agentprofile",
        f"{APP}.add_agentprofile",
        f"{APP}.change_agentprofile",
        # The supervisor view: each agent's open cases, promises due, contacts and callbacks.
        f"{APP}.view_team_dashboard",
        f"{APP}.send_manual_message",
        *_MONEY,
        f"{APP}.approve_settlement",
        *_COMPLIANCE_REPORT,
        *_NIGHTLY_RUN,
        *_INTEGRATION_KEYS,
        *_LENDER_EVENTS,
        *_DISPUTE_WORK,
        *_RECORD_HOLDS,
        *_RELEASE_HOLDS,
        f"{APP}.log_call",
        *_CALL_OVERSIGHT,
        *_CALL_SCRIPTS,
    ],
    "legal": [
        *_READ_CASEWORK,
        f"{APP}.change_collectioncase",
        f"{APP}.refer_case_to_legal",
        # The nightly run only proposes legal; a legal officer approves or rejects.
        f"{APP}.view_legalproposal",
        f"{APP}.approve_legal_referral",
        f"{APP}.pause_case",
        f"{APP}.resolve_case",
        f"{APP}.note_case",
        f"{APP}.view_pii",  # the partner law firm needs the borrower's contact details
    ],
    "compliance": [
        *_READ_CASEWORK,
        *_OUTBOX_READ,
        *_COMPLIANCE_CONFIG,
        *_COMPLIANCE_REPORT,
        # The case page's buttons post to it: without it Pause and Resume answered 403.
        f"{APP}.change_collectioncase",
        f"{APP}.change_borrower",
        f"{APP}.add_channelconsent",
        f"{APP}.change_channelconsent",
        f"{APP}.view_messagetemplate",
        f"{APP}.change_messagetemplate",
        f"{APP}.pause_case",
        f"{APP}.resume_case",
        f"{APP}.note_case",
        f"{APP}.view_pii",
        f"{APP}.view_piiaccesslog",
        # What the policies send and when, read against the contact rules.
        f"{APP}.view_collectionpolicy",
        *_DISPUTE_WORK,
        *_RECORD_HOLDS,
        *_RELEASE_HOLDS,
        *_CALL_OVERSIGHT,
        f"{APP}.view_callscript",
        f"{APP}.change_callscript",
    ],
}


def sync_roles_after_migrate(
    sender: object, *, apps: Apps | None = None, using: str = "default", **kwargs: object
) -> None:
    """post_migrate handler (connected once, for this app): the roles follow this file. A flush
    sends the signal without `apps`: the live models are the current ones then."""
    from django.apps import apps as live_apps

    apply_roles(apps or live_apps, using=using)


def apply_roles(apps: Apps, schema_editor: object = None, *, using: str = "default") -> None:
    """Create each role's group and give it exactly its permissions."""
    from django.contrib.auth.management import create_permissions

    # Every app's permissions first: post_migrate reaches the apps one by one, and the matrix
    # names other apps' permissions (django_celery_beat's) that may not exist yet.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            # Skipped when missing: a migrate to an earlier target has older models (the next
            # full migrate gives it). A test checks that every listed permission exists.
            found = (
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if found is not None:
                wanted.append(found)
        group.permissions.set(wanted)
