"""Issue 13, "links, not repository paths": the explanations of severity and of the model are
pages of the app, for every staff role, rendered from the repository's Markdown safely."""

from __future__ import annotations

import pytest

from signals import severity
from signals.services.explain import render_markdown

from .conftest import login, make_signal

PAGES = ("/uitleg/ernst", "/uitleg/model")


@pytest.mark.parametrize("role", ["analyst", "supervisor", "auditor", "admin"])
def test_every_staff_role_reads_both_explanations(client, env, role):
    login(client, role)
    severity_page = client.get("/uitleg/ernst")
    assert severity_page.status_code == 200
    # The Dutch part is built from the live weights and bands.
    assert "Hoe de ernst van een signaal wordt berekend" in severity_page.text
    assert f"{severity.W_CONTENT:.2f}" in severity_page.text
    assert f"{severity.BAND_HIGH:.2f} of hoger" in severity_page.text
    # The technical document itself, rendered to HTML (not shown as Markdown source).
    assert "<h2>Formula</h2>" in severity_page.text and "## Formula" not in severity_page.text
    model_page = client.get("/uitleg/model")
    assert model_page.status_code == 200
    assert "Terugkoppeling van analisten" in model_page.text
    # What the model misses and over-reads, in Dutch, for the analyst who reads the queue.
    assert "Waar het model zwak is" in model_page.text and "Vuurwerk rond de jaarwisseling" in (
        model_page.text)
    assert "<h2>Fairness</h2>" in model_page.text
    assert 'src="data:image/png;base64,' in model_page.text  # the card's figures, inlined


def test_explanations_need_a_login_and_are_audited(client, env):
    for path in PAGES:
        assert client.get(path, follow_redirects=False).status_code in (303, 401)
    login(client, "analyst")
    for path in PAGES:
        assert client.get(path).status_code == 200
    from sqlalchemy import select

    from signals.db.models import AuditEvent
    from signals.db.session import session_scope

    with session_scope(env.engine) as session:
        routes = [
            e.details.get("route")
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.action == "explanation.view")
            )
        ]
    assert routes == list(PAGES)


def test_pages_link_to_the_explanations_not_to_repository_paths(client, env):
    sid = make_signal(env.engine)
    login(client, "analyst")
    page = client.get(f"/signalen/{sid}").text
    assert 'href="/uitleg/ernst"' in page
    assert "docs/severity.md" not in page  # the stored breakdown of older signals says so
    model = client.get("/uitleg/model").text
    assert 'href="/uitleg/ernst"' in model
    assert "nlp/MODEL_CARD.md" not in model


def test_new_breakdowns_point_at_the_page():
    from datetime import UTC, datetime

    _value, breakdown = severity.score(
        labels={"call_to_gathering": {"p": 0.9}},
        in_almere=True,
        event_time=None,
        now=datetime.now(UTC),
        post_count=1,
        source_count=1,
        notification_status="niet aangemeld",
    )
    assert breakdown["formula"] == "/uitleg/ernst"


def test_briefing_template_names_the_page_not_the_file():
    from pathlib import Path

    import signals.briefing

    template = Path(signals.briefing.__file__).parent / "templates" / "briefing.html"
    text = template.read_text(encoding="utf-8")
    assert "MODEL_CARD" not in text and "/uitleg/model" in text


@pytest.mark.parametrize(
    ("source", "absent", "present"),
    [
        ("<script>alert(1)</script>", "<script>", "&lt;script&gt;"),
        ("[x](javascript:alert(1))", 'href="javascript', "[x]"),
        ("[y](../docs/annotation.md)", "annotation.md", "y"),
        ("[z](docs/severity.md)", "docs/severity.md", 'href="/uitleg/ernst"'),
        ("[m](../nlp/MODEL_CARD.md#fairness)", "MODEL_CARD", 'href="/uitleg/model"'),
        ("![p](../../../etc/passwd.png)", "passwd", ""),
        ("![d](data:image/svg+xml;base64,PHN2Zz4=)", "<img", ""),
        ("[w](https://example.org)", "", 'rel="noopener noreferrer"'),
    ],
)
def test_markdown_is_rendered_safely(source, absent, present):
    html = str(render_markdown(source))
    if absent:
        assert absent not in html
    assert present in html


def test_the_model_page_says_what_the_last_retrain_did(client, env):
    """Whether the analysts' corrections are in the model in use, and if not, why, in Dutch."""
    from signals.audit import record
    from signals.db.session import session_scope

    login(client, "analyst")
    assert "Er is nog geen wekelijkse hertraining geweest." in client.get("/uitleg/model").text
    with session_scope(env.engine) as session:
        record(session, actor="system:retrain", action="model.keep", target_type="model",
               target_id="m1", purpose="wekelijkse hertraining",
               details={"promoted": False, "reasons": [
                   {"check": "probe", "subject": "fireworks chatter", "candidate": 0.2031,
                    "shipped": 0.0746, "candidate_wrong": 2, "shipped_wrong": 0}]})
    page = client.get("/uitleg/model").text
    assert "het huidige model is gehouden." in page
    assert ("controle: controlezinnen de verkeerde kant op; waarop: alledaagse berichten over "
            "vuurwerk; nieuw model: 0,2031; huidig model: 0,0746; zinnen verkeerd gelezen door "
            "het nieuwe model: 2; zinnen verkeerd gelezen door het huidige model: 0") in page
    with session_scope(env.engine) as session:
        record(session, actor="system:retrain", action="model.promote", target_type="model",
               target_id="m2", purpose="wekelijkse hertraining",
               details={"promoted": True, "reasons": []})
    page = client.get("/uitleg/model").text
    assert "het nieuwe model is in gebruik genomen." in page
    assert "controlezinnen de verkeerde kant op" not in page


def test_the_weak_spots_name_the_model_in_use():
    """The Dutch "Waar het model zwak is" holds figures measured for one model: a new packaged
    model must come with the section measured again (this test then names the new version)."""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    version = json.loads((root / "nlp" / "models" / "metrics.json").read_text())["version"]
    template = (root / "signals" / "web" / "templates" / "uitleg" / "model.html").read_text()
    section = template.split('id="zwakke-plekken"', 1)[1].split("</section>", 1)[0]
    assert f"(model {version})" in section

