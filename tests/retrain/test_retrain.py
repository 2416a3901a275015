"""Weekly retraining from analysts' corrections: champion/challenger on the frozen test split."""

from __future__ import annotations

from sqlalchemy import select

from signals.audit import verify
from signals.config import get_settings
from signals.db.models import AuditEvent, Enrichment, LabelCorrection, Post
from signals.db.session import get_engine, session_scope
from signals.db.types import utcnow
from signals.retrain import corrections_as_examples, retrain_and_promote


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


def test_retrain_compares_on_the_test_split_and_audits(signals_env):
    settings = get_settings()
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
    result = retrain_and_promote()
    assert (
        set(result["champion"])
        == set(result["challenger"])
        == {"call_to_gathering", "anti_government", "polarising", "threat"}
    )
    not_worse = all(
        result["challenger"][k]["f1"] >= result["champion"][k]["f1"] - 1e-9
        for k in result["champion"]
    )
    assert result["promote"] == not_worse
    assert any((settings.model_dir).glob("*.skops"))
    with session_scope(engine) as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(["model.promote", "model.keep"]))
        ).one()
        assert event.details["champion_scores"] and event.details["challenger_scores"]
        assert event.details["corrections"] == 1
        assert verify(session).ok
