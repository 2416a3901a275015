from __future__ import annotations

from datetime import datetime

import nlp
from nlp.api import get_enricher
from nlp.types import LABELS, Enrichment

CALL = "Vanavond pullen we up bij de Kruidenwijk, neem vuurwerk mee voor de blauwe"
REPORT = "Gisteren stonden er 200 mensen te demonstreren op het Stadhuisplein."


def test_enrich_returns_one_enrichment_per_text(published: datetime) -> None:
    out = nlp.enrich([CALL, REPORT, ""], published_at=published)
    assert len(out) == 3
    for e in out:
        assert isinstance(e, Enrichment)
        assert set(e.labels) == set(LABELS)
        assert all(0.0 <= s.p <= 1.0 for s in e.labels.values())
        assert e.model_version == nlp.model_version()
    assert nlp.enrich([]) == []


def test_hard_case_call_with_threat(published: datetime) -> None:
    e = nlp.enrich([CALL], published_at=[published])[0]
    assert e.labels["call_to_gathering"].flag
    assert e.labels["threat"].flag
    assert e.in_almere is True
    assert [p.canonical for p in e.places] == ["Kruidenwijk"]
    assert e.event_time_text == "Vanavond"
    assert e.event_time is not None and e.event_time.isoformat() == "2026-11-26T20:00:00+01:00"
    kinds = {ev.kind for ev in e.evidence}
    assert {"cue:mobilise", "place", "time"} <= kinds
    for ev in e.evidence:
        assert CALL[ev.start:ev.end] == ev.text


def test_every_flag_is_explained(published: datetime) -> None:
    for e in nlp.enrich([CALL, "Burgemeester is een landverrader, tribunaal!"], published):
        assert e.flagged
        for label in e.flagged:
            terms = e.explanations[label]
            assert terms and all(w > 0 for _, w in terms)
        assert set(e.explanations) == set(e.flagged)


def test_report_is_not_a_call() -> None:
    e = nlp.enrich([REPORT])[0]
    assert not e.labels["call_to_gathering"].flag
    assert e.in_almere is True


def test_language_set_and_unsupported_language_never_flags() -> None:
    texts = [
        "Zaterdag 14u iedereen naar het Stadhuisplein, laat zien dat we het zat zijn!",
        "Everyone to the Stadhuisplein on Saturday 2pm, show them we are fed up!",
        "Cumartesi saat 14'te herkes Stadhuisplein'e, bıktığımızı gösterelim!",
    ]
    nl, en, tr = nlp.enrich(texts)
    assert nl.language == "nl" and en.language == "en" and tr.language == "tr"
    assert not tr.flagged
    assert nl.labels["call_to_gathering"].flag


def test_published_at_forms() -> None:
    texts = ["morgen om 14:00 bij de Esplanade"] * 2
    pubs = [datetime(2026, 11, 26, 9, 0), datetime(2026, 12, 1, 9, 0)]
    a, b = nlp.enrich(texts, published_at=pubs)
    assert a.event_time is not None and a.event_time.day == 27
    assert b.event_time is not None and b.event_time.day == 2
    assert nlp.enrich(texts[:1], published_at=None)[0].event_time is not None


def test_model_loaded_once() -> None:
    assert get_enricher() is get_enricher()
