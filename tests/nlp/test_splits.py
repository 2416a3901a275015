from __future__ import annotations

import json
from collections import defaultdict

import pytest

from nlp.corpus import (
    DEFAULT_CORPUS_DIR,
    assign_splits,
    by_split,
    load_corpus,
    read_splits,
    split_keys,
    split_of_group,
    text_key,
)
from nlp.model_files import DEFAULT_MODEL_DIR, METRICS_FILE


def test_split_is_by_group_and_recorded() -> None:
    posts = load_corpus()
    splits = assign_splits(posts)
    assert read_splits(DEFAULT_CORPUS_DIR) == splits  # splits.json is the record of the rule
    annotated = [p for p in posts if not p.augmented]
    keys = split_keys(annotated)
    per_group: dict[str, set[str]] = defaultdict(set)
    per_text: dict[str, set[str]] = defaultdict(set)
    for p in annotated:
        per_group[p.group].add(splits[p.id])
        per_text[" ".join(p.text.lower().split())].add(splits[p.id])
        assert splits[p.id] == split_of_group(keys[p.id])
    assert all(len(s) == 1 for s in per_group.values())
    assert all(len(s) == 1 for s in per_text.values())
    parts = by_split(annotated, splits)
    n = len(annotated)
    assert 0.6 < len(parts["train"]) / n < 0.8
    assert 0.08 < len(parts["test"]) / n < 0.22


def test_no_test_text_in_training_of_committed_model() -> None:
    metrics = json.loads((DEFAULT_MODEL_DIR / METRICS_FILE).read_text())
    trained = set(metrics["train_text_hashes"])
    posts = load_corpus()
    parts = by_split(posts, assign_splits(posts))
    test_hashes = {text_key(p.text) for p in parts["test"]}
    assert trained and test_hashes
    assert not trained & test_hashes
    assert metrics["n_test"] == len(parts["test"])


@pytest.mark.parametrize("part, prefix", [("part_c", "c-"), ("part_d", "d-"), ("part_e", "e-"),
                                          ("part_f", "f-"), ("part_g", "g-"),
                                          ("part_h", "h-"), ("aug_hate", "ah-")])
def test_adding_a_part_leaves_the_split_of_the_other_parts_unchanged(
    part: str, prefix: str
) -> None:
    posts = load_corpus()
    assert any(p.source == part for p in posts)  # picked up by the loader
    full = assign_splits(posts)
    without = assign_splits([p for p in posts if p.source != part])
    assert all(full[pid] == split for pid, split in without.items())
    for p in posts:
        if p.source == part:
            assert p.id.startswith(prefix) and p.group.startswith(prefix)


def test_augmented_posts_are_training_only_and_never_repeat_an_annotated_text() -> None:
    posts = load_corpus()
    splits = assign_splits(posts)
    augmented = [p for p in posts if p.augmented]
    assert len(augmented) >= 1000
    annotated_texts = {text_key(p.text) for p in posts if not p.augmented}
    for p in augmented:
        expected = "excluded" if text_key(p.text) in annotated_texts else "train"
        assert splits[p.id] == expected
    parts = by_split(posts, splits)
    assert not {p.id for p in augmented} & {p.id for p in parts["dev"] + parts["test"]}
