"""Issue 13, fact 6: the briefing counts what happened in its week and shows it readably.

- signals count by the week they were first seen, gatherings also by the week they take place;
- the demo's dates move to the week it runs in, so the current week's briefing is not empty;
- the chart's axis starts at 0 and counts whole signals (not -0.04..0.04 on an empty week);
- no table header sits at the foot of a page with its rows on the next;
- "1 bijeenkomst", not "1 bijeenkomsten";
- gatherings elsewhere are "buiten Almere", never a district (fact 3), and a withdrawn register
  entry is never "aangemeld" (fact 4).

Every page of the PDF is rendered with pdftoppm into var/artefacts/briefing-issue13/ to be
looked at by eye."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from nlp.timeexpr import event_time
from signals.actor import Actor
from signals.briefing import Week, write_briefing
from signals.briefing.charts import bars_figure
from signals.briefing.data import collect
from signals.db.models import RegisterEntry, Signal
from signals.demo import _builder, demo_shift_weeks
from tests.factories import make_signal

REPO = Path(__file__).resolve().parents[2]
ARTEFACTS = REPO / "var" / "artefacts" / "briefing-issue13"
WEEK = Week.parse("2026-W49")  # Mon 30 Nov – Sun 6 Dec 2026: the demo run on 5 Dec
RUN = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def _signal(session: Session, types: list[str], **kw: object) -> Signal:
    kw.setdefault("first_seen_at", RUN)
    return make_signal(session, types=types, last_activity_at=RUN, post_count=0, source_count=0,
                       **kw)


def _seed_demo_week(session: Session) -> None:
    """The demo as `signals demo` leaves it on Saturday 5 December: every signal first seen at
    the run, the gatherings on the days their (moved) texts name."""
    sat = datetime(2026, 12, 5, 13, 0, tzinfo=UTC)  # za 5 dec 14:00 in Almere
    _signal(session, ["call_to_gathering"], place="Esplanade", district="Almere Stad",
            in_almere=True, event_time=sat, notification_status="aangemeld")
    _signal(session, ["call_to_gathering", "polarising"], place="Azc Almere",
            district="Almere Poort", in_almere=True, event_time=sat + timedelta(hours=6),
            notification_status="niet aangemeld")
    # Stored before the fix with the gazetteer's city as district; the briefing must not list it.
    _signal(session, ["call_to_gathering"], place="Dam", district="Amsterdam", in_almere=False,
            event_time=datetime(2026, 11, 28, 10, 0, tzinfo=UTC),
            notification_status="niet aangemeld")
    _signal(session, ["call_to_gathering"], place="Malieveld", district="Den Haag",
            in_almere=False, event_time=datetime(2026, 11, 29, 12, 0, tzinfo=UTC),
            notification_status="buiten Almere")
    _signal(session, ["threat", "anti_government"], place="Almere", district=None,
            in_almere=True)
    # One gathering next week, and the demo's withdrawn entry WOM-2026-0420 (moved a week).
    _signal(session, ["call_to_gathering"], place="Grote Markt", district="Almere Stad",
            in_almere=True, event_time=datetime(2026, 12, 9, 18, 0, tzinfo=UTC),
            notification_status="niet aangemeld")
    session.add(RegisterEntry(
        reference="WOM-2026-0420", organiser_ref="ORG-2026-131", place="Grote Markt",
        place_canonical="Grote Markt", start_at=datetime(2026, 12, 12, 11, tzinfo=UTC),
        end_at=datetime(2026, 12, 12, 13, tzinfo=UTC), status="ingetrokken", version=1))
    session.commit()


def test_demo_moves_to_the_week_it_runs_in() -> None:
    today = date(2026, 12, 5)
    weeks = demo_shift_weeks(today)
    assert weeks == 1
    builder = _builder()
    items = [builder.shifted(item, weeks) for item in builder.ORIGINAL_ITEMS]
    last = max(item.published for item in items)
    assert last.date() < today
    assert Week.containing(last) == Week.containing(datetime(2026, 12, 5, 12, tzinfo=UTC))
    # The announced Esplanade demonstration moves with its text: "Zaterdag 5 december om 14:00".
    esplanade = next(i for i in items if i.slug == "bericht-88276")
    assert "Zaterdag 5 december om 14:00" in esplanade.text
    moment = event_time(f"{esplanade.title}\n{esplanade.text}", esplanade.published)
    assert moment is not None and moment.value.date() == date(2026, 12, 5)
    assert moment.value.weekday() == 5  # still a Saturday


def test_demo_shift_keeps_weekdays_and_register(tmp_path: Path) -> None:
    builder = _builder()
    builder.build(tmp_path / "demo", 2)
    register = (tmp_path / "demo" / "register.csv").read_text(encoding="utf-8")
    assert "2026-12-12T14:00:00+01:00" in register  # WOM-2026-0412, Saturday 28 Nov + 2 weeks
    assert "ingetrokken" in register and "withdrawn" not in register
    assert builder.shift_text("VRIJDAG 27/11 21:00 en Vrijdag 27 nov", 2) == (
        "VRIJDAG 11/12 21:00 en Vrijdag 11 dec"
    )


def test_counts_by_first_seen_week_and_gatherings_by_event_week(db_engine) -> None:
    with Session(db_engine) as session:
        _seed_demo_week(session)
        data = collect(session, WEEK)
    assert data.total_by_week[-1] == 6
    assert data.counts_by_type["call_to_gathering"][-1] == 5
    # By the week the gathering takes place: the Dam and the Malieveld in W48, two in W49.
    assert data.gatherings_by_event_week[-2:] == [2, 2]
    assert "Amsterdam" not in data.counts_by_district
    assert "Den Haag" not in data.counts_by_district
    assert data.counts_by_district["buiten Almere"][-1] == 2
    assert data.counts_by_district["Almere Poort"][-1] == 1
    # The notified share is about Almere's register only.
    assert (data.calls_total, data.calls_notified) == (3, 1)


def test_chart_axis_is_sane_on_an_empty_week() -> None:
    fig = bars_figure(["W1", "W2"], {"threat": [0, 0], "polarising": [0, 0]}, "leeg")
    low, high = fig.axes[0].get_ylim()
    assert low == 0 and high >= 1
    ticks = [t for t in fig.axes[0].get_yticks() if low <= t <= high]
    assert all(float(t).is_integer() for t in ticks)


def _pages(pdf: Path) -> list[str]:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is installed by `make test`"
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")


def _render_pages(pdf: Path, name: str) -> list[Path]:
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "poppler-utils is installed by `make test`"
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTEFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run([pdftoppm, "-png", "-r", "60", str(pdf), str(ARTEFACTS / name)], check=True)
    return sorted(ARTEFACTS.glob(f"{name}-*.png"))


HEADERS = ("Type (week van eerste signalering)", "Status Aantal", "Stadsdeel",
           "Indicator (week", "Signaal Plaats en moment")


@pytest.mark.parametrize("seeded", [True, False], ids=["demo-week", "empty-week"])
def test_pdf_reads_well_page_by_page(db_engine, tmp_path: Path, seeded: bool) -> None:
    with Session(db_engine) as session:
        if seeded:
            _seed_demo_week(session)
        files = write_briefing(session, WEEK, tmp_path, actor=Actor("analist", ""))
        session.commit()
    html = files.html_path.read_text(encoding="utf-8")
    if seeded:
        assert "1 bijeenkomst:" in html and "1 bijeenkomsten" not in html
        assert "Ingetrokken of geannuleerd: 1" in html
        assert "<b>ingetrokken</b>" in html
    name = f"{db_engine.dialect.name}-{'demo' if seeded else 'empty'}"
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(files.pdf_path, ARTEFACTS / f"{name}.pdf")
    pages = _pages(files.pdf_path)
    pngs = _render_pages(files.pdf_path, name)
    assert len(pngs) == len([p for p in pages if p.strip()])
    for number, page in enumerate(pages, 1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        body = [line for line in lines if not line.startswith("pagina ")]
        if not body:
            continue
        last = " ".join(body[-1].split())
        # A header row (or a section heading) must not end a page: its rows follow it.
        assert not last.startswith(HEADERS), f"page {number} ends with a table header: {last}"
        assert not last[:2].rstrip(".").isdigit() or "." not in last[:3], (
            f"page {number} ends with a section heading: {last}"
        )
