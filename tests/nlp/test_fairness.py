from __future__ import annotations

from nlp.api import Enricher
from nlp.fairness import TOLERANCE, counterfactual_gaps, load_set


def test_counterfactual_set_is_substantial() -> None:
    templates, groups = load_set()
    assert len(templates) >= 15 and len(groups) >= 10
    assert any(t["polarising"] for t in templates) and not all(t["polarising"] for t in templates)


def test_group_swaps_do_not_move_polarising_probability(enricher: Enricher) -> None:
    gaps = counterfactual_gaps(enricher)
    worst = max(gaps, key=lambda g: g.gap)
    assert worst.gap <= TOLERANCE, worst
    assert all(g.flags_agree for g in gaps)
