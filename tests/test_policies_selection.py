"""Which policy governs a case, and the deterministic champion/challenger split."""

from collections import Counter

from collections_app.policies.selection import (
    PolicySnapshot,
    assign_variant,
    choose_policy,
    traffic_bucket,
)


def _policy(key, variant="champion", **kw) -> PolicySnapshot:
    return PolicySnapshot(id=hash((key, variant)), key=key, variant=variant, version=1, **kw)


US = _policy("us-default", jurisdiction="US")
US_CARDS = _policy("us-cards", jurisdiction="US", product="card")
US_STRATEGIC = _policy("us-strategic", jurisdiction="US", segment="strategic")
CN = _policy("cn-default", jurisdiction="CN")
POLICIES = [US, US_CARDS, US_STRATEGIC, CN]


def test_the_most_specific_matching_policy_wins() -> None:
    assert choose_policy(POLICIES, jurisdiction="US", product="loan", segment=None) == US
    assert choose_policy(POLICIES, jurisdiction="US", product="card", segment=None) == US_CARDS
    assert (
        choose_policy(POLICIES, jurisdiction="US", product="loan", segment="strategic")
        == US_STRATEGIC
    )
    assert choose_policy(POLICIES, jurisdiction="CN", product="card", segment="hardship") == CN
    assert choose_policy(POLICIES, jurisdiction="MX", product="loan", segment=None) is None


def test_segment_scoped_policies_do_not_score_segments() -> None:
    # Scoring needs a policy chosen before the segment is known: a segment-scoped one can't be it.
    only_scoped = [US_STRATEGIC]
    assert choose_policy(only_scoped, jurisdiction="US", product="x", segment=None) is None


def test_the_variant_split_is_stable_and_close_to_its_traffic_share() -> None:
    challenger = _policy("us-default", "fast", traffic_percent=20)
    first = [assign_variant(case_id, US, [challenger]).variant for case_id in range(1, 5001)]
    again = [assign_variant(case_id, US, [challenger]).variant for case_id in range(1, 5001)]
    assert first == again  # same case, same variant, every run
    share = Counter(first)["fast"] / len(first)
    assert 0.18 < share < 0.22


def test_the_bucket_does_not_depend_on_the_process() -> None:
    # blake2b of "key:case id", not hash() (salted per process): pinned, so a change shows.
    assert traffic_bucket(42, "us-default") == 4


def test_challengers_share_the_buckets_in_name_order() -> None:
    a = _policy("us-default", "a", traffic_percent=10)
    b = _policy("us-default", "b", traffic_percent=10)
    counts = Counter(assign_variant(i, US, [b, a]).variant for i in range(1, 10001))
    assert set(counts) == {"champion", "a", "b"}
    assert 0.08 < counts["a"] / 10000 < 0.12
    assert 0.08 < counts["b"] / 10000 < 0.12
