"""The weekly briefing prints the latest audit checkpoint (finding 3 of issue 15)."""

from __future__ import annotations

from datetime import UTC, datetime

from signals.audit import record
from signals.audit_checkpoints import write_checkpoint
from signals.briefing.data import collect, local
from signals.briefing.render import render_html
from signals.briefing.week import Week
from signals.db.session import session_scope


def test_briefing_method_section_names_the_latest_checkpoint(audit_db):
    with session_scope(audit_db.engine) as session:
        for i in range(3):
            record(session, actor="analist", action="signal.view", target_id=i)
    cp = write_checkpoint(audit_db.engine, "cli")
    assert cp is not None
    this_week = Week.containing(datetime.now(UTC))
    with session_scope(audit_db.engine) as session:
        html = render_html(session, collect(session, this_week))
        earlier = render_html(session, collect(session, this_week.shift(-2)))
    assert "Laatste ondertekende ijkpunt" in html
    assert f"nr. {cp.seq}, t/m gebeurtenis {cp.last_id}" in html
    assert f"{cp.count} gebeurtenissen, kop-hash {cp.head_hash[:16]}" in html
    assert f"{local(cp.moment):%d-%m-%Y %H:%M} (Europe/Amsterdam)" in html
    # A week that ended before the first checkpoint has none; regenerating it is stable.
    assert "nog geen ijkpunt vastgelegd" in earlier
