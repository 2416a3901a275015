"""A reporter's data-subject requests: `signals privacy lookup-reporter` finds what is held
about a partner account, `erase-reporter` unlinks it from its reports; admins only, audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select
from typer.testing import CliRunner

from signals.cli import app
from signals.db.models import AuditEvent, User
from signals.db.partner_models import PartnerReport
from signals.db.session import session_scope
from signals.partner.form import ReportInput
from signals.services import Actor
from signals.services import partner as reports

REPORT = ReportInput(
    what="Jongeren spreken af om bij het stadhuis de confrontatie op te zoeken.",
    where="Stadhuisplein", when="zaterdag 14:00", knowledge="gehoord", urgency="hoog",
    contact="jw@example.nl",
)


def test_lookup_and_erase_a_reporter(env):
    with session_scope(env.engine) as session:
        user = session.scalar(select(User).where(User.username == "partner"))
        reporter = reports.reporter_for(session, Actor(user.username, user.role, user.id))
        row = reports.submit_report(session, reporter, REPORT, now=datetime.now(UTC))
        report_id, signal_id = row.id, row.signal_id
    runner = CliRunner()
    refused = runner.invoke(app, ["privacy", "lookup-reporter", "--account", "partner",
                                  "--reference", "AVG-2026-7", "--as", "analyst"])
    # The one --as check of the CLI: an existing user whose role may do this (exit 2 otherwise).
    assert refused.exit_code == 2
    assert "role 'analyst'" in refused.output
    found = runner.invoke(app, ["privacy", "lookup-reporter", "--account", "partner",
                                "--reference", "AVG-2026-7", "--as", "admin"])
    assert found.exit_code == 0, found.output
    data = json.loads(found.output)
    assert data["organisation"] == "Jongerenwerk Almere"
    assert [r["contact"] for r in data["reports"]] == ["jw@example.nl"]
    erased = runner.invoke(app, ["privacy", "erase-reporter", "--account", "partner",
                                 "--reference", "AVG-2026-8", "--as", "admin", "--yes"])
    assert erased.exit_code == 0, erased.output
    with session_scope(env.engine) as session:
        row = session.get(PartnerReport, report_id)
        assert (row.reporter_id, row.contact, row.signal_id) == (None, None, signal_id)
        assert not session.scalar(select(User).where(User.username == "partner")).active
        actions = [e.action for e in session.scalars(select(AuditEvent))]
        assert {"privacy.reporter.lookup", "privacy.reporter.erase"} <= set(actions)
