"""A supervisor creates a key in admin (shown once, stored hashed) and revokes it."""

import re

import pytest
from django.urls import reverse

from collections_app.models import IntegrationKey
from tests.api.conftest import Api, assert_problem
from tests.factories import make_user

ADD = reverse("admin:collections_app_integrationkey_add")
LIST = reverse("admin:collections_app_integrationkey_changelist")


def _create(client, **fields) -> str:
    form = {"integration": "core-banking", "name": "nightly sync", "scope": "write", **fields}
    page = client.post(ADD, form)
    assert page.status_code == 200, page.content[:2000]
    assert "no-store" in page["Cache-Control"]
    (key,) = re.findall(r'<code id="integration-key"[^>]*>([^<]+)</code>', page.content.decode())
    return key


@pytest.mark.django_db
def test_a_supervisor_creates_a_key_that_is_shown_once_and_works(client) -> None:
    boss = make_user("sup", "supervisor")
    client.force_login(boss)
    key = _create(client)
    row = IntegrationKey.objects.get()
    assert (row.integration, row.scope, row.created_by) == ("core-banking", "write", boss)
    assert key.startswith(row.prefix + ".") and key.partition(".")[2] not in row.hashed_key
    # Shown on that page only: not on the key's own page, the list, or in a message cookie.
    change = reverse("admin:collections_app_integrationkey_change", args=[row.pk])
    for url in (change, LIST):
        assert key not in client.get(url).content.decode()
    assert key not in str(client.cookies)
    assert Api(client, key).get("/api/v1/cases/").status_code == 200


@pytest.mark.django_db
def test_revoking_stops_the_key_and_cannot_be_undone(client) -> None:
    client.force_login(make_user("sup", "supervisor"))
    key = _create(client)
    row = IntegrationKey.objects.get()
    page = client.post(LIST, {"action": "revoke_keys", "_selected_action": [row.pk]}, follow=True)
    assert "1 key revoked." in page.content.decode()
    assert_problem(Api(client, key).get("/api/v1/cases/"), 401)
    change = reverse("admin:collections_app_integrationkey_change", args=[row.pk])
    client.post(change, {"name": "again", "revoked": ""})
    assert IntegrationKey.objects.get().revoked is True


@pytest.mark.django_db
def test_the_scope_of_a_key_is_fixed_when_it_is_created(client) -> None:
    client.force_login(make_user("sup", "supervisor"))
    _create(client, scope="read")
    row = IntegrationKey.objects.get()
    change = reverse("admin:collections_app_integrationkey_change", args=[row.pk])
    client.post(change, {"name": "wider", "scope": "write", "integration": "other"})
    row.refresh_from_db()
    assert (row.scope, row.integration) == ("read", "core-banking")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["agent", "legal", "compliance"])
def test_other_roles_cannot_create_keys(client, role) -> None:
    client.force_login(make_user(f"u-{role}", role))
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {"integration": "x", "name": "x", "scope": "write"}).status_code == 403
    assert not IntegrationKey.objects.exists()
