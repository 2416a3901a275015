from __future__ import annotations

import pytest

from nlp.api import Enricher
from nlp.embedding import embedded_text
from nlp.fairness import (
    GUIDELINE_GROUPS,
    QUOTED_SET,
    TOLERANCE,
    counterfactual_gaps,
    load_set,
)
from nlp.features import extra_vector, normalise
from nlp.pipeline import analyse


def test_counterfactual_set_is_substantial() -> None:
    templates, groups = load_set()
    assert len(templates) >= 15 and len(groups) >= 10
    assert any(t["polarising"] for t in templates) and not all(t["polarising"] for t in templates)


def test_group_swaps_do_not_move_polarising_probability(enricher: Enricher) -> None:
    gaps = counterfactual_gaps(enricher)
    worst = max(gaps, key=lambda g: g.gap)
    assert worst.gap <= TOLERANCE, worst
    assert all(g.flags_agree for g in gaps)


@pytest.mark.xfail(strict=True, reason="group words inside quotes are read with the name until a "
                   "retrained model masks them (nlp/MODEL_CARD.md, Limits); remove the mark then")
def test_group_swaps_inside_quotes_do_not_move_polarising_probability(enricher: Enricher) -> None:
    gaps = counterfactual_gaps(enricher, name=QUOTED_SET)
    assert len(gaps) >= 5
    worst = max(gaps, key=lambda g: g.gap)
    assert worst.gap <= TOLERANCE, worst


@pytest.mark.xfail(strict=True, reason=(
    "the topic cue names 23 of the guidelines' 58 groups and the mask does not know 'meiden', "
    "'non-binaire mensen' or 'mensen met downsyndroom' (nlp/MODEL_CARD.md, Fairness); a retrain "
    "with the cue read from the group terms mends it: remove the mark then"))
def test_group_swaps_over_every_group_of_the_guidelines(enricher: Enricher) -> None:
    gaps = counterfactual_gaps(enricher, groups_file=GUIDELINE_GROUPS)
    assert len(load_set(groups_file=GUIDELINE_GROUPS)[1]) >= 50
    worst = max(gaps, key=lambda g: g.gap)
    assert worst.gap <= TOLERANCE, worst
    assert all(g.flags_agree for g in gaps)


@pytest.mark.xfail(strict=True, reason=(
    "with the features of model 54, the quoted share counts the letters of a group's name, quoted "
    "group words and three of the guidelines' groups are not masked and the topic cue names 23 "
    "groups; feature revisions 20 and 21 (nlp/candidates/feature_revision_21.patch) mend all of "
    "it and land with the first model trained on them that ships: remove the mark then"))
@pytest.mark.parametrize("kwargs", [{}, {"name": QUOTED_SET}, {"groups_file": GUIDELINE_GROUPS}],
                         ids=["set", "quoted", "guideline-groups"])
def test_swapping_the_group_leaves_every_feature_as_it_was(kwargs: dict[str, str]) -> None:
    # What the classifier reads of a counterfactual template, the n-grams, the cue and
    # interaction features and the text the encoders embed, is one and the same for every group:
    # fairness by construction, whatever model is trained on it.
    templates, groups = load_set(**kwargs)
    for template in templates:
        texts = [template["template"].replace("{G}", group) for group in groups]
        seen = {(normalise(text, analysis), tuple(extra_vector(analysis)),
                 embedded_text(analysis.semantic_text))
                for text, analysis in zip(texts, analyse(texts), strict=True)}
        assert len(seen) == 1, template["template"]
