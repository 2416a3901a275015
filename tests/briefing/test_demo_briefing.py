"""The demo's own week, end to end without the classifier (issue 13, facts 1-4 and 6).

`signals demo` moves the bundled demo to the week it runs in. This test does what the demo does
with the moved files (its posts, first seen now; the register CSV; detection) but takes the
labels from the demo's own table instead of the classifier, which is being rebuilt; places and
times come from the rule-based pipeline as in production. Then it checks the facts on the demo's
cases and writes this week's briefing, every PDF page rendered to var/artefacts/demo-briefing/.
The full demo with the classifier is tests/e2e/test_demo_pipeline.py."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp.pipeline import analyse
from nlp.vocabulary import TZ
from signals.briefing import Week, write_briefing
from signals.briefing.data import collect
from signals.db.models import Post, Signal
from signals.db.session import make_engine, migrate
from signals.demo import _builder, demo_shift_weeks
from signals.detection.lifecycle import detect
from signals.enrichment import nlp_text
from signals.services import Actor
from signals.services import register as register_service
from signals.wording import format_when
from tests.factories import make_enriched_post

REPO = Path(__file__).resolve().parents[2]
ARTEFACTS = REPO / "var" / "artefacts" / "demo-briefing"


@pytest.fixture(scope="module")
def demo_week(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("demo-week")
    now = datetime.now(UTC)
    weeks = demo_shift_weeks(now.astimezone(TZ).date())
    builder = _builder()
    builder.build(root / "demo", weeks)
    items = [builder.shifted(item, weeks) for item in builder.ORIGINAL_ITEMS]
    engine = make_engine(f"sqlite:///{root / 'signals.db'}")
    migrate(engine)
    with Session(engine) as session:
        assert register_service.import_csv(
            session, Actor("system:demo", ""), root / "demo" / "register.csv"
        ).ok
        ids = []
        for n, item in enumerate(items):
            analysis = analyse([nlp_text(item.title, item.text)], [item.published])[0]
            ids.append(make_enriched_post(
                session,
                post={"title": item.title, "text": item.text, "source_id": item.source,
                      "url": f"http://127.0.0.1:8765/{item.slug}", "key": f"{n}",
                      "author": f"ps_{n:032x}", "fetched_at": now,
                      "published_at": item.published.astimezone(UTC)},
                model_version="demo-labels", flags=list(item.labels),
                places=[asdict(p) for p in analysis.places], in_almere=analysis.in_almere,
                event_time=analysis.time.value if analysis.time else None,
                event_time_text=analysis.time.text if analysis.time else None,
            ))
        session.flush()
        detect(session, ids, now=now)
        session.commit()
    yield engine, now, root
    engine.dispose()


def _signal_of(session: Session, slug: str) -> Signal:
    return session.scalars(
        select(Signal).join(Signal.posts).join(Post).where(Post.url.endswith(f"/{slug}"))
    ).one()


def test_demo_cases_show_the_facts_the_texts_state(demo_week) -> None:
    engine, _, _ = demo_week
    with Session(engine) as session:
        esplanade = _signal_of(session, "bericht-88276")
        assert format_when(esplanade.event_time).endswith("14:00")  # not 12:00
        assert esplanade.notification_status == "aangemeld"
        stadhuis = _signal_of(session, "t-4101")
        assert format_when(stadhuis.event_time).endswith("14:00")
        dam = _signal_of(session, "t-4087")
        assert format_when(dam.event_time).endswith("11:00")
        assert dam.notification_status == "buiten Almere" and dam.district is None
        azc = _signal_of(session, "120")
        assert azc.district == "Almere Poort"
        outside = session.scalars(select(Signal).where(Signal.in_almere.is_(False))).all()
        assert outside and all(s.notification_status in (None, "buiten Almere") for s in outside)
        assert all("notification" not in {c["key"] for c in s.severity_breakdown["components"]}
                   for s in outside)


def test_this_weeks_briefing_shows_the_demo(demo_week) -> None:
    engine, now, root = demo_week
    week = Week.containing(now)
    with Session(engine) as session:
        data = collect(session, week)
        assert data.total_by_week[-1] > 0
        assert sum(data.gatherings_by_event_week) > 0
        assert not {"Amsterdam", "Den Haag"} & set(data.counts_by_district)
        assert all(c.notification != "aangemeld" for c in data.calendar
                   if c.reference == "WOM-2026-0420")
        files = write_briefing(session, week, root / "out", actor=Actor("analist", ""))
        session.commit()
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "poppler-utils is installed by `make test`"
    if ARTEFACTS.exists():
        shutil.rmtree(ARTEFACTS)
    ARTEFACTS.mkdir(parents=True)
    shutil.copyfile(files.pdf_path, ARTEFACTS / f"briefing-{week.label}.pdf")
    shutil.copyfile(files.html_path, ARTEFACTS / f"briefing-{week.label}.html")
    subprocess.run([pdftoppm, "-png", "-r", "60", str(files.pdf_path),
                    str(ARTEFACTS / f"briefing-{week.label}")], check=True)
    assert list(ARTEFACTS.glob("*.png"))
