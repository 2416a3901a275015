from __future__ import annotations

import pytest

from nlp.api import Enricher
from nlp.fairness import (
    GUIDELINE_GROUPS,
    QUOTED_SET,
    TOLERANCE,
    counterfactual_gaps,
    load_set,
)


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
