"""Migrations 0020 and 0023 move a default policy to the next shipped segmentation only while
it still equals the one shipped before; an edited policy stays as the supervisor left it."""

import copy
import importlib

import pytest
from django.apps import apps

from collections_app.models import CollectionPolicy
from collections_app.policies.shipped_segmentations import V1, V2, V3

pytestmark = pytest.mark.django_db

MOVES = [
    ("0020_segmentation_weights_from_simulation", V1, V2),
    ("0023_segmentation_signals_that_remember", V2, V3),
]


def _current(key: str) -> CollectionPolicy:
    return CollectionPolicy.objects.get(key=key, is_current=True)


@pytest.mark.parametrize(("name", "before", "after"), MOVES, ids=[m[0][:4] for m in MOVES])
def test_a_default_policy_on_the_shipped_version_moves_and_an_edited_one_stays(
    name, before, after
) -> None:
    migration = importlib.import_module(f"collections_app.migrations.{name}")
    us, cn = _current("us-default"), _current("cn-default")
    edited = copy.deepcopy(before)
    edited["thresholds"]["strategic"] = 5
    CollectionPolicy.objects.filter(pk=us.pk).update(segmentation=before)
    CollectionPolicy.objects.filter(pk=cn.pk).update(segmentation=edited)

    migration.forwards(apps, None)

    moved = _current("us-default")
    assert (moved.version, moved.segmentation) == (us.version + 1, after)
    assert CollectionPolicy.objects.get(pk=us.pk).is_current is False  # kept for the record
    stayed = _current("cn-default")
    assert (stayed.pk, stayed.segmentation) == (cn.pk, edited)


def test_each_shipped_version_differs_from_the_one_before() -> None:
    assert V1 != V2 != V3
