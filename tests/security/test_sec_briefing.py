"""HTML/JS in post text, signal titles, rationales and quoted snippets is escaped in the weekly
driehoek briefing too (it is a file that travels outside the app's CSP)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from sec_helpers import make_signal
from secstats import attack, fuzz_case
from sqlalchemy import select
from sqlalchemy.orm import Session

from signals.db.models import Signal, SignalPost
from tests.factories import make_decision

PAYLOADS = ["<script>alert(1)</script>", '<img src=x onerror="alert(2)">', "<svg onload=alert(3)>"]


def test_briefing_escapes_hostile_text(env):
    from signals.briefing.data import collect
    from signals.briefing.render import render_html
    from signals.briefing.week import Week

    title = PAYLOADS[0] + " Stadhuisplein"
    sid, _ = make_signal(env.engine, title=title, text=" ".join(PAYLOADS), status="escalated")
    with Session(env.engine) as session:
        now = datetime.now(UTC)
        make_decision(session, sid, "escalated", from_status="in_review", actor="<b>analyst</b>",
                      rationale=PAYLOADS[1], created_at=now)
        link = session.scalar(select(SignalPost).where(SignalPost.signal_id == sid))
        link.briefing_snippet = PAYLOADS[2]
        session.get(Signal, sid).place = PAYLOADS[1]
        session.commit()
        html = render_html(session, collect(session, Week.containing(now)))
    assert "Stadhuisplein" in html or "&lt;script&gt;" in html  # the signal is in it
    for raw in ("<script>alert", "<img src=x", "<svg onload", "<b>analyst"):
        assert raw not in html, raw
    attack(
        "xss", "HTML/JS in title, place, rationale and snippet of the weekly briefing", "escaped"
    )


PATH_TRICKS = [
    "../../etc/passwd",
    "2026-W48/../../x",
    "2026-W48\x00.html",
    "..\\..\\x",
    "/tmp/2026-W48",
    "2026-W48 ",
    "2026-W99",
    "%2e%2e%2f2026-W48",
]


@settings(max_examples=200, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=60),
        st.sampled_from(PATH_TRICKS),
    )
)
def test_briefing_week_label_cannot_steer_the_output_path(text):
    from signals.briefing.week import Week

    fuzz_case("briefing week parser (export file name)")
    try:
        week = Week.parse(text)
    except ValueError:
        outcome = "refused (ValueError)"
    else:
        assert re.fullmatch(r"\d{4}-W\d{2}", week.label), week.label
        outcome = f"plain label {week.label}"
    if text in PATH_TRICKS:
        attack("paths", f"briefing week {text!r}", outcome)
