"""Weekly retraining from analysts' corrections: champion/challenger on the frozen test split."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from nlp.corpus import DEFAULT_CORPUS_DIR, assign_splits, by_split, load_corpus
from nlp.model_files import DEFAULT_MODEL_DIR, METRICS_FILE
from signals.audit import verify
from signals.config import get_settings
from signals.db.models import AuditEvent, Enrichment, LabelCorrection, Post
from signals.db.session import get_engine, session_scope
from signals.db.types import utcnow
from signals.retrain import corrections_as_examples, ensure_model_dir, retrain_and_promote


def _post(session, text: str, flags: list[str]) -> int:
    post = Post(
        source_id="s",
        url=f"https://x/{hash(text)}",
        canonical_url=f"https://x/{hash(text)}",
        content_hash=str(hash(text)),
        title="",
        text=text,
        fetched_at=utcnow(),
        enriched=True,
    )
    session.add(post)
    session.flush()
    session.add(Enrichment(post_id=post.id, model_version="m", labels={}, flags=flags))
    return post.id


def test_corrections_override_the_models_flags(signals_env):
    engine = get_engine(get_settings().database_url)
    with session_scope(engine) as session:
        pid = _post(
            session, "Zaterdag concert in de Kruidenwijk, kom allemaal!", ["call_to_gathering"]
        )
        session.add_all(
            [
                LabelCorrection(
                    post_id=pid,
                    text="Zaterdag concert in de Kruidenwijk, kom allemaal!",
                    label="call_to_gathering",
                    value=True,
                    actor="a",
                ),
                LabelCorrection(
                    post_id=pid,
                    text="Zaterdag concert in de Kruidenwijk, kom allemaal!",
                    label="call_to_gathering",
                    value=False,
                    actor="b",
                ),
            ]
        )
        session.flush()
        examples = corrections_as_examples(session)
    assert len(examples) == 1
    assert examples[0]["labels"] == {
        "call_to_gathering": False,
        "anti_government": False,
        "polarising": False,
        "threat": False,
    }


def test_corpus_dir_defaults_to_the_packaged_corpus(signals_env, monkeypatch):
    monkeypatch.delenv("SIGNALS_CORPUS_DIR", raising=False)
    assert get_settings().corpus_dir == DEFAULT_CORPUS_DIR
    monkeypatch.setenv("SIGNALS_CORPUS_DIR", str(signals_env / "corpus"))
    assert get_settings().corpus_dir == signals_env / "corpus"


def test_first_retrain_seeds_the_model_dir_with_the_packaged_model(signals_env):
    settings = get_settings()
    ensure_model_dir(settings)
    packaged = sorted(p.name for p in DEFAULT_MODEL_DIR.iterdir() if p.is_file())
    assert any(name.endswith(".skops") for name in packaged)
    assert sorted(p.name for p in settings.model_dir.iterdir()) == packaged
    # A promoted model is never overwritten by the packaged one.
    (settings.model_dir / METRICS_FILE).write_text("{}", encoding="utf-8")
    ensure_model_dir(settings)
    assert (settings.model_dir / METRICS_FILE).read_text(encoding="utf-8") == "{}"


@pytest.mark.slow
def test_retrain_compares_on_the_test_split_and_audits(
    signals_env, monkeypatch, nlp_corpus: Path, nlp_model: Path, nlp_c_grid
):
    # The weekly job on the small fixture corpus, with a champion trained on that corpus.
    monkeypatch.setenv("SIGNALS_CORPUS_DIR", str(nlp_corpus))
    settings = get_settings()
    settings.model_dir.mkdir(parents=True)
    for path in nlp_model.iterdir():
        shutil.copy2(path, settings.model_dir / path.name)
    champion = json.loads((nlp_model / METRICS_FILE).read_text(encoding="utf-8"))
    posts = load_corpus(nlp_corpus)
    test_split = by_split(posts, assign_splits(posts))["test"]
    engine = get_engine(settings.database_url)
    with session_scope(engine) as session:
        pid = _post(session, "Morgen braderie op de Grote Markt, iedereen welkom!", [])
        session.add(
            LabelCorrection(
                post_id=pid,
                text="Morgen braderie op de Grote Markt, iedereen welkom!",
                label="threat",
                value=False,
                actor="a",
            )
        )
    result = retrain_and_promote(c_grid=nlp_c_grid)
    assert (
        set(result["champion"])
        == set(result["challenger"])
        == {"call_to_gathering", "anti_government", "polarising", "threat"}
    )
    # Both models were scored on the frozen test split of the configured corpus: the champion
    # exactly as when it was trained, and on the same gold positives as the challenger.
    assert result["champion_version"] == champion["version"]
    assert result["champion"] == champion["test"]["labels"]
    for label, scores in result["challenger"].items():
        positives = sum(p.labels[label] for p in test_split)
        assert scores["support"] == result["champion"][label]["support"] == positives > 0
    assert result["n_corrections_used"] == 1
    not_worse = all(
        result["challenger"][k]["f1"] >= result["champion"][k]["f1"] - 1e-9
        for k in result["champion"]
    )
    assert result["promote"] == (not result["reasons"]) == result["promoted"]
    assert not_worse or any(r["check"] == "frozen_f1" for r in result["reasons"])
    in_use = json.loads((settings.model_dir / METRICS_FILE).read_text(encoding="utf-8"))
    expected = result["challenger_version"] if result["promoted"] else champion["version"]
    assert in_use["version"] == expected != ""
    assert result["challenger_version"] != champion["version"]
    with session_scope(engine) as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(["model.promote", "model.keep"]))
        ).one()
        assert event.action == ("model.promote" if result["promoted"] else "model.keep")
        assert event.target_id == expected
        assert event.details["reasons"] == result["reasons"]
        assert event.details["champion_scores"] == result["champion"]
        assert event.details["challenger_scores"] == result["challenger"]
        assert event.details["corrections"] == 1
        assert verify(session).ok
