"""Severity: bounded, explained, and monotonic in the directions an analyst expects."""

from __future__ import annotations

from datetime import timedelta

from detect_support import NOW
from hypothesis import given, settings
from hypothesis import strategies as st

from signals import severity

BASE = dict(
    labels={"call_to_gathering": {"p": 0.7}, "threat": {"p": 0.2}},
    in_almere=True,
    event_time=NOW + timedelta(days=2),
    now=NOW,
    post_count=3,
    source_count=2,
    notification_status="niet aangemeld",
)


def _score(**changes) -> float:
    return severity.score(**{**BASE, **changes})[0]


def test_breakdown_adds_up_and_is_explained() -> None:
    total, breakdown = severity.score(**BASE)
    parts = breakdown["components"]
    assert {p["key"] for p in parts} == {
        "content",
        "threat",
        "in_almere",
        "urgency",
        "spread",
        "notification",
    }
    assert abs(sum(p["score"] for p in parts) - total) < 1e-3
    assert abs(sum(p["max"] for p in parts) - 1.0) < 1e-9
    assert all(0 <= p["score"] <= p["max"] + 1e-9 and p["explanation"] for p in parts)
    assert breakdown["total"] == total
    assert breakdown["labels"]["call_to_gathering"] == 0.7


def test_higher_probabilities_score_higher() -> None:
    assert _score(labels={"call_to_gathering": {"p": 0.95}, "threat": {"p": 0.2}}) > _score()
    assert _score(labels={"call_to_gathering": {"p": 0.7}, "threat": {"p": 0.9}}) > _score()


def test_almere_scores_above_unknown_above_elsewhere() -> None:
    assert _score(in_almere=True) > _score(in_almere=None) > _score(in_almere=False)


def test_sooner_scores_higher_and_past_scores_lowest() -> None:
    soon = _score(event_time=NOW + timedelta(hours=3))
    days = _score(event_time=NOW + timedelta(days=3))
    week = _score(event_time=NOW + timedelta(days=10))
    past = _score(event_time=NOW - timedelta(days=2))
    assert soon > days > week
    assert past <= week


def test_spread_raises_the_score() -> None:
    assert _score(post_count=30) > _score(post_count=3)
    assert _score(source_count=4) > _score(source_count=2)


def test_niet_aangemeld_scores_above_aangemeld() -> None:
    assert _score(notification_status="niet aangemeld") > _score(notification_status="aangemeld")


probability = st.floats(min_value=0, max_value=1)


@settings(deadline=None, max_examples=200)  # no timing: the machine may be busy
@given(
    p1=probability,
    p2=probability,
    threat=probability,
    in_almere=st.sampled_from([True, False, None]),
    hours=st.floats(min_value=-500, max_value=500),
    posts=st.integers(min_value=1, max_value=10_000),
    sources=st.integers(min_value=1, max_value=100),
    notification=st.sampled_from(["aangemeld", "niet aangemeld", None]),
)
def test_score_is_bounded_and_monotonic_in_probability(
    p1, p2, threat, in_almere, hours, posts, sources, notification
) -> None:
    low, high = sorted((p1, p2))
    common = dict(
        in_almere=in_almere,
        event_time=NOW + timedelta(hours=hours),
        now=NOW,
        post_count=posts,
        source_count=sources,
        notification_status=notification,
    )
    lo, _ = severity.score(
        labels={"anti_government": {"p": low}, "threat": {"p": threat}}, **common
    )
    hi, _ = severity.score(
        labels={"anti_government": {"p": high}, "threat": {"p": threat}}, **common
    )
    assert 0.0 <= lo <= hi <= 1.0
