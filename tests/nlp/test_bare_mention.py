"""A post that names a group and says nothing else is a mention, not polarising
(nlp.bare_mention); anything that could carry hostility leaves the post to the model."""

from __future__ import annotations

import pytest

from nlp.api import Enricher, get_enricher
from nlp.bare_mention import names_a_group_only
from nlp.pipeline import analyse
from nlp.vocabulary import LABELS, POLARISING

BARE = ["Polen", "asielzoekers in Almere", "#moslims #almere", "moslims en joden",
        "Marokkanen!!!", "asielzoekers?", "de joden", "HOMO'S"]
NOT_BARE = [
    "Marokkanen 🤮",  # an emoji says something
    "Marokkanen weg", "weg met de Marokkanen", "alle Marokkanen", "Polen, tuig",
    "Marokkanen = tuig", "ik haat Turken", "kk mocro's",  # a slur is evidence
    "Polen 2x", "Almere, de stad",  # a number says something; no group named
    "de Poolse supermarkt heeft weer pierogi",
]


@pytest.mark.parametrize("text", BARE)
def test_a_group_named_with_nothing_else_is_a_bare_mention(text: str) -> None:
    assert names_a_group_only(text, analyse([text])[0])


@pytest.mark.parametrize("text", NOT_BARE)
def test_a_post_that_says_anything_more_is_not(text: str) -> None:
    assert not names_a_group_only(text, analyse([text])[0])


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return get_enricher()


def _model_probabilities(enricher: Enricher, texts: list[str]) -> dict[str, list[float]]:
    analyses = analyse(texts)
    x = enricher.clf.matrix(texts, analyses)
    probs, _ = enricher.clf.predict(x, texts, analyses)
    return {label: [round(float(p), 4) for p in probs[label]] for label in LABELS}


def test_the_enricher_flags_no_bare_mention_as_polarising(enricher: Enricher) -> None:
    model = _model_probabilities(enricher, BARE)
    # The model alone flags most of them: the rule is what keeps them out.
    assert sum(p >= enricher.clf.thresholds[POLARISING] for p in model[POLARISING]) >= 5
    threshold = enricher.clf.thresholds[POLARISING]
    for i, e in enumerate(enricher.enrich(BARE)):
        assert not e.labels[POLARISING].flag, BARE[i]
        # What the model would flag reads 0; below the threshold its probability stands.
        expected = 0.0 if model[POLARISING][i] >= threshold else model[POLARISING][i]
        assert e.labels[POLARISING].p == expected, BARE[i]
        for label in set(LABELS) - {POLARISING}:
            assert e.labels[label].p == model[label][i], (BARE[i], label)


def test_the_enricher_leaves_every_other_post_to_the_model(enricher: Enricher) -> None:
    model = _model_probabilities(enricher, NOT_BARE)
    for i, e in enumerate(enricher.enrich(NOT_BARE)):
        assert {label: e.labels[label].p for label in LABELS} == {
            label: model[label][i] for label in LABELS}, NOT_BARE[i]
