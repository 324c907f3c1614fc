"""Each role sees and can do exactly its part: pages, transition buttons, unmasked data."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from collections_app.roles import ROLE_PERMISSIONS
from collections_app.states import TRANSITIONS
from tests.factories import CaseFactory, make_user

ROLES = ["agent", "supervisor", "legal", "compliance"]


def url(model: str, view: str = "changelist", *args: object) -> str:
    return reverse(f"admin:collections_app_{model}_{view}", args=args)


@pytest.mark.django_db
def test_every_permission_a_role_lists_exists() -> None:
    for role, perms in ROLE_PERMISSIONS.items():
        for perm in perms:
            app_label, codename = perm.split(".")
            assert Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).exists(), f"{role}: {perm}"


# --- every admin page, as every role: exactly what the matrix (roles.py) allows


def _perms(role: str) -> set[str]:
    return set(ROLE_PERMISSIONS[role])


def _may_see(role: str, label: str) -> bool:
    app, model = label.split(".")
    return bool({f"{app}.view_{model}", f"{app}.change_{model}"} & _perms(role))


def _pages(world) -> list[tuple[str, str, str]]:
    """(model label, page kind, url) for every registered model's list, add and change page."""
    from django.contrib import admin

    pages = []
    for model in admin.site._registry:
        meta = model._meta
        base = f"admin:{meta.app_label}_{meta.model_name}"
        pages.append((meta.label_lower, "changelist", reverse(f"{base}_changelist")))
        pages.append((meta.label_lower, "add", reverse(f"{base}_add")))
        obj = world.objects.get(meta.label_lower)
        if obj is not None:
            pages.append((meta.label_lower, "change", reverse(f"{base}_change", args=[obj.pk])))
            pages.append((meta.label_lower, "history", reverse(f"{base}_history", args=[obj.pk])))
    return pages


@pytest.fixture
def world(db):
    from tests.admin_world import build_world

    return build_world()


@pytest.mark.django_db
def test_every_registered_model_with_rows_is_in_the_walk(world) -> None:
    from django.contrib import admin

    # Schedules nobody uses (solar, clocked): no row to open; their lists are still walked.
    unwalked = {"django_celery_beat.solarschedule", "django_celery_beat.clockedschedule",
                "django_celery_beat.intervalschedule", "auth.group"}  # fmt: skip
    registered = {m._meta.label_lower for m in admin.site._registry}
    assert registered - set(world.objects) == unwalked


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_the_pages_the_matrix_gives_it(client, world, role) -> None:
    client.force_login(make_user("boss", superuser=True))
    offers_add = {label for label, kind, u in _pages(world) if kind == "add"
                  and client.get(u).status_code == 200}  # fmt: skip
    client.force_login(make_user(f"u-{role}", role))
    wrong = []
    for label, kind, page_url in _pages(world):
        app, model = label.split(".")
        if kind == "add":
            allowed = f"{app}.add_{model}" in _perms(role) and label in offers_add
        else:
            allowed = _may_see(role, label)
        status = client.get(page_url).status_code
        if status != (200 if allowed else 403):
            wrong.append((kind, label, status))
    assert wrong == []
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_the_workspace_views_the_matrix_gives_it(
    client, world, role
) -> None:
    perms = _perms(role)
    client.force_login(make_user(f"u-{role}", role))
    case = world.case  # in reminder: a promise can be recorded, a message sent
    expected = {
        reverse("admin:collections_app_compliance_report"):
            "collections_app.view_compliance_report",
        reverse("admin:collections_app_team_dashboard"):
            "collections_app.view_team_dashboard",
        reverse("admin:collections_app_collectioncase_send", args=[case.pk]):
            "collections_app.send_manual_message",
        reverse("admin:collections_app_collectioncase_promise", args=[case.pk]):
            "collections_app.add_promisetopay",
        reverse("admin:collections_app_collectioncase_call", args=[case.pk]):
            "collections_app.log_call",
    }  # fmt: skip
    for page_url, perm in expected.items():
        assert client.get(page_url).status_code == (200 if perm in perms else 403), page_url
    note = client.post(reverse("admin:collections_app_collectioncase_note", args=[case.pk]),
                       {"text": "called"})  # fmt: skip
    assert note.status_code == (302 if "collections_app.note_case" in perms else 403)


def _offered_actions(client, url: str) -> set[str]:
    page = client.get(url).content.decode()
    return set(re.findall(r'<option value="(\w+)"', page)) - {""}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_list_actions_are_exactly_the_roles(client, world, role) -> None:
    perms = _perms(role)
    client.force_login(make_user(f"u-{role}", role))
    cases = _offered_actions(client, url("collectioncase"))
    expected = {f"bulk_{n}" for n, spec in TRANSITIONS.items() if spec.permission in perms}
    if "collections_app.assign_case" in perms:
        expected.add("reassign_cases")
    assert cases == expected
    if _may_see(role, "collections_app.escalationrun"):
        runs = _offered_actions(client, url("escalationrun"))
        assert ("retry_failed_chunks" in runs) == ("collections_app.retry_escalationrun" in perms)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_button_a_role_is_shown_can_be_pressed(client, role: str) -> None:
    from tests.helpers import bring_to
    from tests.html_forms import form_data

    client.force_login(make_user(f"u-{role}", role))
    for state in ("reminder", "escalation", "paused"):
        case = bring_to(CaseFactory(), state)
        change = url("collectioncase", "change", case.pk)
        page = client.get(change).content.decode()
        for name in re.findall(r'name="_fsm_transition_to"\s+value="(\w+)"', page):
            data = form_data(page, "collectioncase_form") | {"_fsm_transition_to": name}
            response = client.post(change, data)
            assert response.status_code == 302, (state, name, response.status_code)
            case.refresh_from_db()
            if case.state != state:  # applied: put it back for the next button
                case = bring_to(CaseFactory(), state)
                change = url("collectioncase", "change", case.pk)
                page = client.get(change).content.decode()


@pytest.mark.django_db
def test_supervisors_change_the_nightly_hour_in_periodic_tasks(client, world) -> None:
    from django_celery_beat.models import PeriodicTask

    from tests.html_forms import form_data

    client.force_login(make_user("boss", "supervisor"))
    nightly = PeriodicTask.objects.get(name="Nightly escalation run")
    for page in ("periodictask", "crontabschedule"):
        assert client.get(reverse(f"admin:django_celery_beat_{page}_changelist")).status_code == 200
    crontab_url = reverse("admin:django_celery_beat_crontabschedule_change",
                          args=[nightly.crontab_id])  # fmt: skip
    data = form_data(client.get(crontab_url).content.decode(), "crontabschedule_form")
    data["hour"] = "3"
    assert client.post(crontab_url, data).status_code == 302
    nightly.refresh_from_db()
    assert nightly.crontab.hour == "3"
    # and the policies and runs the nightly hour drives
    assert client.get(url("collectionpolicy")).status_code == 200
    assert client.get(url("escalationrun")).status_code == 200


# --- the README's role table is this matrix


def _cell(perms: set[str], app: str, model: str) -> str:
    return ", ".join(a for a in ("view", "add", "change") if f"{app}.{a}_{model}" in perms)


LABELS = {"Promise to pays": "Promises to pay"}


def role_table() -> str:
    """The role matrix as the README shows it: one row per page, one per custom permission."""
    from django.apps import apps
    from django.utils.text import capfirst

    pages: dict[tuple[str, str], None] = {}
    custom: dict[tuple[str, str], str] = {}
    for perms in ROLE_PERMISSIONS.values():
        for perm in perms:
            app, codename = perm.split(".")
            action, _, model = codename.partition("_")
            if action in ("view", "add", "change", "delete") and model in {
                m._meta.model_name for m in apps.get_app_config(app).get_models()
            }:
                pages[(app, model)] = None
            else:
                custom[(app, codename)] = ""
    for app, codename in custom:
        for model in apps.get_app_config(app).get_models():
            for name, text in model._meta.permissions:
                if name == codename:
                    custom[(app, codename)] = capfirst(text.removeprefix("Can "))

    def row(label: str, cells: list[str]) -> str:
        return f"| {label} | " + " | ".join(cell or "—" for cell in cells) + " |"

    lines = [row("page or permission", list(ROLES)), "| --- |" + " --- |" * len(ROLES)]
    for app, model in pages:
        label = capfirst(str(apps.get_model(app, model)._meta.verbose_name_plural))
        label = LABELS.get(label, label)
        lines.append(row(label, [_cell(_perms(r), app, model) for r in ROLES]))
    for (app, codename), label in custom.items():
        cells = ["✓" if f"{app}.{codename}" in _perms(r) else "" for r in ROLES]
        lines.append(row(f"{label} (`{codename}`)", cells))
    return "\n".join(lines)


def test_the_readme_role_table_is_the_matrix() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    start, end = "<!-- role-matrix: generated from roles.py -->\n", "\n<!-- /role-matrix -->"
    assert start in readme and end in readme
    shown = readme.split(start, 1)[1].split(end, 1)[0]
    assert shown == role_table(), "README role table; it should read:\n" + role_table()


CONFIG = {
    "collections_app.view_jurisdictionprofile": {"compliance"},
    "collections_app.change_jurisdictionprofile": {"compliance"},
    "collections_app.change_contacthold": {"compliance"},
    "collections_app.view_validationnotice": {"compliance"},
    "collections_app.change_validationnotice": {"compliance"},
    "collections_app.add_consentexception": {"compliance"},
    # supervisors read the compliance report (decisions), compliance also edits template wording
    "collections_app.view_contactdecision": {"compliance", "supervisor"},
    "collections_app.view_compliance_report": {"compliance", "supervisor"},
    "collections_app.change_messagetemplate": {"supervisor", "compliance"},
    "collections_app.send_manual_message": {"agent", "supervisor"},
    "collections_app.log_call": {"agent", "supervisor"},
    "collections_app.assign_case": {"supervisor"},
    "collections_app.view_pii": {"supervisor", "legal", "compliance"},
    "collections_app.note_case": {"agent", "supervisor", "legal", "compliance"},
    "collections_app.add_promisetopay": {"agent", "supervisor"},
    "collections_app.refer_case_to_legal": {"legal"},
    # the nightly run: supervisors steer it, compliance reads what the policies send
    "collections_app.view_collectionpolicy": {"supervisor", "compliance"},
    "collections_app.change_collectionpolicy": {"supervisor"},
    "collections_app.add_collectionpolicy": {"supervisor"},
    "collections_app.view_escalationrun": {"supervisor"},
    "collections_app.retry_escalationrun": {"supervisor"},
    "django_celery_beat.change_periodictask": {"supervisor"},
    "django_celery_beat.change_crontabschedule": {"supervisor"},
    "collections_app.approve_legal_referral": {"legal"},
    # disputes and holds from the case: agents record, compliance and supervisors release
    "collections_app.view_dispute": {"agent", "supervisor", "legal", "compliance"},
    "collections_app.add_dispute": {"agent", "supervisor", "compliance"},
    "collections_app.change_dispute": {"agent", "supervisor", "compliance"},
    "collections_app.record_hold": {"agent", "supervisor", "compliance"},
    "collections_app.release_hold": {"supervisor", "compliance"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_policies_compliance_config_and_pii_follow_the_role(role: str) -> None:
    user = make_user(f"u-{role}", role)
    for perm, roles in CONFIG.items():
        assert user.has_perm(perm) == (role in roles), perm


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_transition_buttons_are_exactly_the_roles_transitions(client, role: str) -> None:
    # given: a case in escalation, where refer_to_legal is possible too
    from tests.helpers import bring_to

    user = make_user(f"u-{role}", role)
    case = bring_to(CaseFactory(), "escalation")
    client.force_login(user)
    page = client.get(url("collectioncase", "change", case.pk)).content.decode()

    shown = set(re.findall(r'name="_fsm_transition_to"\s+value="(\w+)"', page))
    expected = {
        name
        for name, spec in TRANSITIONS.items()
        if "escalation" in spec.sources and spec.permission in ROLE_PERMISSIONS[role]
    }
    assert shown == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "unmasked"), [(r, r != "agent") for r in ROLES])
def test_phone_and_email_are_masked_unless_the_role_may_see_them(
    client, role: str, unmasked: bool
) -> None:
    from collections_app.models import PiiAccessLog

    case = CaseFactory(loan__borrower__phone="+14155550123", loan__borrower__email="j@x.example")
    user = make_user(f"u-{role}", role)
    client.force_login(user)
    pages = [
        url("collectioncase", "change", case.pk),
        url("borrower", "change", case.loan.borrower.pk),
    ]
    for page_url in pages:
        page = client.get(page_url).content.decode()
        assert ("+14155550123" in page) == unmasked
        assert ("j@x.example" in page) == unmasked
        if not unmasked:
            assert "+1•••••••123" in page
    assert PiiAccessLog.objects.filter(user=user).count() == (2 if unmasked else 0)


@pytest.mark.django_db
def test_superuser_sees_everything(admin_client) -> None:
    case = CaseFactory()
    for model in ["collectioncase", "borrower", "bulkaction", "agentprofile", "piiaccesslog"]:
        assert admin_client.get(url(model)).status_code == 200, model
    page = admin_client.get(url("collectioncase", "change", case.pk)).content.decode()
    assert case.loan.borrower.phone in page
    assert all(f'value="{name}"' in page for name in ("escalate", "pause", "write_off"))
