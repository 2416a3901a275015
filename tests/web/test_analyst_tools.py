"""Issue 13, "what analysts expect": notes, assignment, bulk decisions, sortable queue with
"komende bijeenkomsten" and "Aan mij toegewezen", CSV export and briefing quotes, through the
real routes (TestClient, real SQLite)."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from nlp.vocabulary import LABEL_NL, TZ
from signals.db.models import AuditEvent, Decision, Signal, SignalNote, SignalPost
from signals.db.session import session_scope

from .conftest import login, make_signal, page_csrf


def _actions(engine, action: str) -> list[AuditEvent]:
    with session_scope(engine) as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).all()
        session.expunge_all()
        return list(rows)


def _set(engine, signal_id: int, **values) -> None:
    with session_scope(engine) as session:
        session.execute(update(Signal).where(Signal.id == signal_id).values(**values))


# --- notes ------------------------------------------------------------------------------------


def test_note_is_saved_shown_with_author_and_amsterdam_time_and_audited(client, env) -> None:
    sid = make_signal(env.engine)
    login(client, "analyst")
    token = page_csrf(client, f"/signalen/{sid}")
    answer = client.post(
        f"/signalen/{sid}/notities",
        data={"text": "Wijkagent Haven gebeld; kent de organisatie.", "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    page = client.get(f"/signalen/{sid}").text
    assert "Wijkagent Haven gebeld; kent de organisatie." in page
    with session_scope(env.engine) as session:
        note = session.scalars(select(SignalNote)).one()
        shown = note.created_at.astimezone(TZ).strftime("%d-%m-%Y %H:%M")
        note_id = note.id
    assert f"analyst · {shown}" in page
    added = _actions(env.engine, "signal.note.add")
    assert len(added) == 1 and added[0].details["note_id"] == note_id
    assert "Wijkagent" not in str(added[0].details)  # the audit trail holds no note text
    views = _actions(env.engine, "signal.view")
    assert views[-1].details.get("note_ids") == [note_id]
    # The JSON API shows the same notes (and audits them the same way).
    body = client.get(f"/api/signals/{sid}").json()
    assert [(n["id"], n["author"]) for n in body["notes"]] == [(note_id, "analyst")]
    assert body["assigned_to"] is None
    assert _actions(env.engine, "signal.view")[-1].details["note_ids"] == [note_id]


def test_note_with_author_data_is_refused_and_kept_in_the_form(client, env) -> None:
    sid = make_signal(env.engine)
    login(client, "analyst")
    for text in (
        "Zelfde auteur als ps:0123456789abcdef0123",
        "Dit is @demo_organisator weer",
        "Profiel: https://mastodon.social/@organisator",
    ):
        token = page_csrf(client, f"/signalen/{sid}")
        page = client.post(
            f"/signalen/{sid}/notities", data={"text": text, "csrf_token": token}
        ).text
        assert "gegevens over een auteur" in page, text
        assert f">{text}</textarea>" in page  # the draft comes back to be edited
    with session_scope(env.engine) as session:
        assert session.scalars(select(SignalNote)).all() == []
    # A news article link is no profile: allowed.
    token = page_csrf(client, f"/signalen/{sid}")
    client.post(
        f"/signalen/{sid}/notities",
        data={"text": "Zie https://www.omroepflevoland.nl/nieuws/12345/demo", "csrf_token": token},
    )
    with session_scope(env.engine) as session:
        assert len(session.scalars(select(SignalNote)).all()) == 1


# --- assignment --------------------------------------------------------------------------------


def test_assign_to_colleague_mine_filter_and_unassign(client, env) -> None:
    mine = make_signal(env.engine, title="Voor analyst2", key="m")
    other = make_signal(env.engine, title="Voor niemand", key="o")
    login(client, "analyst")
    token = page_csrf(client, f"/signalen/{mine}")
    client.post(f"/signalen/{mine}/toewijzing", data={"assignee": "analyst2", "csrf_token": token})
    assert "Toegewezen aan <strong>analyst2</strong>" in client.get(f"/signalen/{mine}").text
    # Someone who is no analyst or supervisor cannot get a signal.
    token = page_csrf(client, f"/signalen/{other}")
    refused = client.post(
        f"/signalen/{other}/toewijzing", data={"assignee": "auditor", "csrf_token": token}
    )
    assert "geen actieve analist of supervisor" in refused.text
    client.post("/logout", data={"csrf_token": token})

    login(client, "analyst2")
    page = client.get("/signalen", params={"mine": "1"}).text
    assert "Voor analyst2" in page and "Voor niemand" not in page
    assert 'name="mine" value="1" checked' in page
    token = page_csrf(client, f"/signalen/{mine}")
    client.post(f"/signalen/{mine}/toewijzing", data={"assignee": "", "csrf_token": token})
    assert "Voor analyst2" not in client.get("/signalen", params={"mine": "1"}).text
    assigned = _actions(env.engine, "signal.assign")
    assert [(e.actor, e.details) for e in assigned] == [
        ("analyst", {"from": None, "to": "analyst2"})
    ]
    assert _actions(env.engine, "signal.unassign")[0].details == {"from": "analyst2", "to": None}
    with session_scope(env.engine) as session:
        assert session.get(Signal, mine).version == 1  # not a decision: no stale forms


# --- bulk ---------------------------------------------------------------------------------------


def test_bulk_dismiss_one_stale_is_refused_and_reported_others_go_through(client, env) -> None:
    a = make_signal(env.engine, status="in_review", title="Ruis A", key="a")
    b = make_signal(env.engine, status="new", title="Ruis B", key="b")
    c = make_signal(env.engine, status="in_review", title="Ruis C", key="c")
    login(client, "analyst")
    page = client.get("/signalen").text
    token = page_csrf(client, "/signalen")
    boxes = dict(re.findall(r'name="signal" value="((\d+):\d+)"', page)[::-1])
    assert {int(v) for v in boxes.values()} == {a, b, c}
    # A colleague decides on C after the queue was loaded: the analyst's tick is stale.
    _set(env.engine, c, status="monitoring", version=2)
    answer = client.post(
        "/signalen/bulkbesluit",
        data={
            "signal": [f"{a}:1", f"{b}:1", f"{c}:1"],
            "to_status": "dismissed",
            "reason_code": "news_report",
            "rationale": "Nieuwsberichten over de demo van vorige week.",
            "back": "/signalen?sort=moment",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/signalen?sort=moment"
    shown = client.get(answer.headers["location"]).text
    assert f"Signaal #{c} niet verwerkt" in shown and "gewijzigd" in shown
    with session_scope(env.engine) as session:
        status = {i: session.get(Signal, i).status for i in (a, b, c)}
        decisions = session.scalars(select(Decision).order_by(Decision.id)).all()
        steps = [(d.signal_id, d.from_status, d.to_status, d.rationale) for d in decisions]
    assert status == {a: "dismissed", b: "dismissed", c: "monitoring"}
    why = "Nieuwsberichten over de demo van vorige week."
    assert steps == [
        (a, "in_review", "dismissed", why),
        (b, "new", "in_review", why),
        (b, "in_review", "dismissed", why),
    ]
    assert len(_actions(env.engine, "signal.decide")) == 3
    refused = _actions(env.engine, "signal.decide.refused")
    assert [(e.target_id, e.details["stale"]) for e in refused] == [(str(c), True)]


def test_bulk_without_rationale_or_reason_changes_nothing(client, env) -> None:
    a = make_signal(env.engine, status="in_review", key="a")
    login(client, "analyst")
    token = page_csrf(client, "/signalen")
    for data in (
        {"to_status": "dismissed", "reason_code": "other", "rationale": ""},
        {"to_status": "dismissed", "reason_code": "", "rationale": "ruis"},
        {"to_status": "escalated", "reason_code": "", "rationale": "ruis"},
    ):
        client.post(
            "/signalen/bulkbesluit", data={**data, "signal": [f"{a}:1"], "csrf_token": token}
        )
    with session_scope(env.engine) as session:
        assert session.get(Signal, a).status == "in_review"
        assert session.scalars(select(Decision)).all() == []


def test_bulk_monitor(client, env) -> None:
    a = make_signal(env.engine, status="in_review", key="a")
    login(client, "supervisor")
    token = page_csrf(client, "/signalen")
    client.post(
        "/signalen/bulkbesluit",
        data={"signal": [f"{a}:1"], "to_status": "monitoring", "rationale": "Volgen tot zaterdag.",
              "reason_code": "news_report", "csrf_token": token},
    )
    with session_scope(env.engine) as session:
        decision = session.scalars(select(Decision)).one()
        assert (decision.to_status, decision.reason_code) == ("monitoring", None)
        assert session.get(Signal, a).status == "monitoring"


# --- sorting and "komende bijeenkomsten" --------------------------------------------------------


def _titles(html: str) -> list[str]:
    return re.findall(r'<a href="/signalen/\d+">([^<]+)</a>', html)


def test_sort_by_each_column_and_unknown_sort_is_the_default(client, env) -> None:
    now = datetime.now(UTC)
    early = make_signal(env.engine, title="Vroeg", severity=0.3, district="Almere Haven", key="e")
    late = make_signal(env.engine, title="Laat", severity=0.9, district="Almere Buiten", key="l")
    past = make_signal(env.engine, title="Voorbij", severity=0.5, district="Almere Poort", key="p")
    hours, days = (lambda n: timedelta(hours=n)), (lambda n: timedelta(days=n))
    _set(env.engine, early, event_time=now + hours(3), first_seen_at=now - days(3))
    _set(env.engine, late, event_time=now + days(5), first_seen_at=now - days(1),
         status="in_review")
    _set(env.engine, past, event_time=now - days(2), first_seen_at=now - days(2),
         status="monitoring")
    login(client, "analyst")
    get = lambda **p: _titles(client.get("/signalen", params=p).text)  # noqa: E731
    assert get() == ["Laat", "Voorbij", "Vroeg"]
    assert get(sort="ernst", order="asc") == ["Vroeg", "Voorbij", "Laat"]
    assert get(sort="moment") == ["Voorbij", "Vroeg", "Laat"]
    assert get(sort="moment", order="desc") == ["Laat", "Vroeg", "Voorbij"]
    assert get(sort="eerst_gezien") == ["Laat", "Voorbij", "Vroeg"]
    assert get(sort="stadsdeel") == ["Laat", "Vroeg", "Voorbij"]  # Buiten, Haven, Poort
    assert get(sort="status") == ["Vroeg", "Laat", "Voorbij"]  # nieuw, in behandeling, volgen
    assert get(sort="onzin", order="sideways") == get()
    assert client.get("/signalen", params={"sort": "x" * 60, "mine": "ja"}).status_code == 200
    upcoming = client.get("/signalen", params={"upcoming": "1"}).text
    assert _titles(upcoming) == ["Vroeg", "Laat"]  # from now on, soonest first
    assert "komende bijeenkomsten" in upcoming


# --- CSV export ---------------------------------------------------------------------------------


def test_csv_export_follows_the_filters_has_no_post_data_and_is_audited(client, env) -> None:
    sid = make_signal(env.engine, title="=HYPERLINK(\"x\") demo Haven", district="Almere Haven",
                      severity=0.4567, key="h")
    make_signal(env.engine, title="Elders", district="Almere Buiten", key="b")
    login(client, "analyst")
    answer = client.get("/signalen.csv", params={"district": "Almere Haven"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.content.startswith(b"\xef\xbb\xbf")  # BOM: Dutch Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["id", "titel", "typen"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["id"] == str(sid)
    assert row["titel"].startswith("'=")  # no formula in a spreadsheet
    assert row["typen"] == LABEL_NL["call_to_gathering"]
    assert row["ernst"] == "0,46" and row["status"] == "nieuw"
    assert re.fullmatch(r"\d\d-\d\d-\d{4} \d\d:\d\d", row["moment"])
    text = answer.content.decode("utf-8-sig")
    assert "laat je horen" not in text and "ps:" not in text  # no post text, no author
    exports = _actions(env.engine, "signal.export")
    assert len(exports) == 1
    assert exports[0].details["rows"] == 1
    assert exports[0].details["filters"]["district"] == "Almere Haven"


# --- briefing quotes ----------------------------------------------------------------------------


def test_mark_and_unmark_a_post_quote_for_the_briefing(client, env) -> None:
    sid = make_signal(env.engine, text="Zaterdag 14:00 naar het Stadhuisplein @organisator_al!")
    with session_scope(env.engine) as session:
        post_id = session.scalars(select(SignalPost.post_id)).one()
    login(client, "analyst")
    page = client.get(f"/signalen/{sid}").text
    assert "Opnemen in briefing" in page
    token = page_csrf(client, f"/signalen/{sid}")
    client.post(f"/berichten/{post_id}/briefing",
                data={"signal_id": sid, "include": "1", "quote": "", "csrf_token": token})
    page = client.get(f"/signalen/{sid}").text
    assert "Niet opnemen" in page
    with session_scope(env.engine) as session:
        quote = session.get(SignalPost, (sid, post_id)).briefing_snippet
    assert quote == "Zaterdag 14:00 naar het Stadhuisplein […]!"
    # A rewritten quote is refused.
    token = page_csrf(client, f"/signalen/{sid}")
    refused = client.post(
        f"/berichten/{post_id}/briefing",
        data={"signal_id": sid, "include": "1", "quote": "Iets heel anders", "csrf_token": token},
    )
    assert "letterlijk uit het bericht" in refused.text
    token = page_csrf(client, f"/signalen/{sid}")
    client.post(f"/berichten/{post_id}/briefing",
                data={"signal_id": sid, "include": "0", "csrf_token": token})
    with session_scope(env.engine) as session:
        assert session.get(SignalPost, (sid, post_id)).briefing_snippet is None
    assert [e.action for e in _actions(env.engine, "briefing.snippet.set")] == [
        "briefing.snippet.set"
    ]
    assert len(_actions(env.engine, "briefing.snippet.clear")) == 1


def test_auditor_cannot_use_the_tools(client, env) -> None:
    sid = make_signal(env.engine)
    login(client, "auditor")
    assert client.get("/signalen.csv").status_code == 403
    token = page_csrf(client, "/wachtwoord")
    answer = client.post(f"/signalen/{sid}/notities", data={"text": "x", "csrf_token": token})
    assert answer.status_code == 403


def test_a_moment_read_from_morgen_is_shown_without_an_hour_nobody_wrote(client, env) -> None:
    sid = make_signal(env.engine)
    moment = datetime(2026, 12, 8, 11, 0, tzinfo=UTC)  # 12:00 in Almere: the grammar's noon
    _set(env.engine, sid, event_time=moment, event_time_text="morgen")
    login(client, "analyst")
    queue = client.get("/signalen").text
    page = client.get(f"/signalen/{sid}").text
    export = client.get("/signalen.csv").content.decode("utf-8-sig")
    for shown in (queue, page, export):
        assert "08-12-2026" in shown
        assert "08-12-2026 12:00" not in shown
    # The API keeps the instant (for sorting) and says the hour is a convention.
    detail = client.get(f"/api/signals/{sid}").json()
    listed = client.get("/api/signals").json()["items"]
    assert detail["event_time_precision"] == "date"
    assert [i["event_time_precision"] for i in listed if i["id"] == sid] == ["date"]
    other = make_signal(env.engine, key="b")  # "zaterdag 14:00"
    assert client.get(f"/api/signals/{other}").json()["event_time_precision"] == "clock"
