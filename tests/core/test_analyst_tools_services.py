"""Issue 13, "what analysts expect": the services behind notes, assignment, bulk decisions,
the queue's sorts and filters, the CSV export and briefing quotes (real SQLite, no web)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp.vocabulary import LABEL_NL, TZ
from signals.briefing import Week
from signals.briefing.data import collect
from signals.config import Settings, get_settings
from signals.db.models import (
    AuditEvent,
    Decision,
    Post,
    ProtocolVersion,
    Signal,
    SignalNote,
    SignalPost,
    User,
)
from signals.db.session import make_engine, migrate
from signals.errors import NotAllowed
from signals.privacy.mentions import author_mentions, blank_author_mentions
from signals.queries import QueueFilters, queue, queue_rows
from signals.retention import RetentionPolicy, purge
from signals.services import Actor
from signals.services.assignment import AssignmentRefused, assign, colleagues
from signals.services.briefing_snippets import SnippetRefused, mark_snippet
from signals.services.bulk_triage import BulkRefused, Selected, bulk_decide
from signals.services.notes import NoteRefused, add_note, check_note_text
from signals.services.queue_export import export_queue
from signals.triage import DecisionRequest, decide
from tests.factories import make_post, make_signal

NOW = datetime.now(UTC)
ANALYST = Actor("analyst", "analyst", 1)
AUDITOR = Actor("auditor", "auditor", 3)


@pytest.fixture
def settings(signals_env) -> Settings:
    return get_settings()


@pytest.fixture
def session(tmp_path) -> Iterator[Session]:
    engine = make_engine(f"sqlite:///{tmp_path / 'tools.db'}")
    migrate(engine)
    with Session(engine, expire_on_commit=False) as s:
        for name, role, active in (
            ("analyst", "analyst", True),
            ("analyst2", "analyst", True),
            ("auditor", "auditor", True),
            ("oud", "analyst", False),
            ("chef", "supervisor", True),
        ):
            s.add(User(username=name, password_hash="x", role=role, active=active))
        s.commit()
        yield s
    engine.dispose()


def _signal(session: Session, **kw) -> Signal:
    kw.setdefault("title", "Oproep")
    kw.setdefault("district", "Almere Stad")
    kw.setdefault("event_time", NOW + timedelta(days=1))
    kw.setdefault("first_seen_at", NOW)
    kw.setdefault("last_activity_at", NOW)
    return make_signal(session, post_count=1, source_count=1, **kw)


def _post(session: Session, signal: Signal, text: str) -> Post:
    post = make_post(session, text=text, title="Demo", source_id="demo", key=str(signal.id),
                     author="ps_0123456789abcdef", fetched_at=NOW, published_at=None,
                     enriched=False)
    session.add(SignalPost(signal_id=signal.id, post_id=post.id))
    session.flush()
    return post


def _actions(session: Session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- author data in free text ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("zelfde als ps:0123456789abcdef", "pseudoniem"),
        ("zelfde als ps_0123456789abcdef", "pseudoniem"),
        ("weer @jan_almere", "@-naam"),
        ("weer @jan@mastodon.social", "@-naam"),
        ("https://mastodon.social/@jan", "link naar een profiel"),
        ("https://x.com/janalmere", "link naar een profiel"),
        ("zie https://reddit.com/u/piet.", "link naar een profiel"),
    ],
)
def test_author_data_is_found(text: str, kind: str) -> None:
    assert kind in [m.kind for m in author_mentions(text)]
    with pytest.raises(NoteRefused, match="gegevens over een auteur"):
        check_note_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "Wijkagent gebeld, organisatie is bekend bij de gemeente.",
        "Mail naar team-oov@almere.nl gestuurd.",
        "Zie https://www.omroepflevoland.nl/nieuws/12345/demonstratie",
        "Zaterdag om 14:00 @ Esplanade",
    ],
)
def test_ordinary_notes_pass(text: str) -> None:
    assert author_mentions(text) == []
    assert check_note_text(f"  {text} ") == text


def test_blanking_removes_handles_pseudonyms_and_links() -> None:
    out = blank_author_mentions("Kom allen @jan! ps_abcdef12 zegt https://x.com/jan zo.")
    assert out == "Kom allen […]! […] zegt […] zo."


# --- notes ----------------------------------------------------------------------------------


def test_note_is_stored_audited_and_refused_for_other_roles(session: Session) -> None:
    signal = _signal(session)
    note = add_note(session, ANALYST, signal.id, "  Contact met wijkagent.  ")
    assert (note.author, note.text) == ("analyst", "Contact met wijkagent.")
    event = _actions(session, "signal.note.add")[0]
    assert event.details == {"note_id": note.id, "length": len(note.text)}
    with pytest.raises(NotAllowed):
        add_note(session, AUDITOR, signal.id, "mag niet")
    with pytest.raises(NoteRefused):
        add_note(session, ANALYST, signal.id, "   ")
    with pytest.raises(NoteRefused):
        add_note(session, ANALYST, signal.id, "x" * 2001)


def test_notes_go_with_their_signal_in_the_retention_purge(session: Session) -> None:
    gone = _signal(session, status="dismissed", last_activity_at=NOW - timedelta(days=40))
    kept = _signal(session, status="dismissed", last_activity_at=NOW - timedelta(days=1))
    add_note(session, ANALYST, gone.id, "Afgewezen na overleg.")
    add_note(session, ANALYST, kept.id, "Nog even bewaren.")
    session.commit()
    report = purge(session, None, RetentionPolicy(), NOW)
    session.commit()
    assert report.signal_ids["dismissed"] == [gone.id]
    notes = session.scalars(select(SignalNote.signal_id)).all()
    assert notes == [kept.id]


# --- assignment -----------------------------------------------------------------------------


def test_assignment_to_colleagues_only_and_no_version_bump(session: Session) -> None:
    signal = _signal(session)
    assert colleagues(session) == ["analyst", "analyst2", "chef"]
    done = assign(session, ANALYST, signal.id, "chef")
    assert (done.before, done.after, signal.assigned_to, signal.version) == (
        None, "chef", "chef", 1
    )
    for who in ("auditor", "oud", "niemand"):
        with pytest.raises(AssignmentRefused):
            assign(session, ANALYST, signal.id, who)
    assign(session, ANALYST, signal.id, None)
    assert signal.assigned_to is None and signal.assigned_at is None
    assert [e.action for e in session.scalars(select(AuditEvent))] == [
        "signal.assign", "signal.unassign"
    ]
    with pytest.raises(NotAllowed):
        assign(session, AUDITOR, signal.id, "analyst")


def test_mine_filter(session: Session) -> None:
    a = _signal(session, title="A")
    _signal(session, title="B")
    assign(session, ANALYST, a.id, "analyst2")
    page = queue(session, QueueFilters(assignee="analyst2"))
    assert [s.id for s in page.items] == [a.id] and page.total == 1
    assert queue(session, QueueFilters(assignee="analyst")).total == 0


# --- bulk -----------------------------------------------------------------------------------


def test_bulk_dismiss_refuses_only_the_stale_one(session: Session, settings: Settings) -> None:
    a = _signal(session, status="in_review")
    b = _signal(session, status="new")
    stale = _signal(session, status="in_review")
    done_already = _signal(session, status="in_review")
    decide(session, DecisionRequest(stale.id, "monitoring", 1, rationale="volgen"),
           actor=Actor("analyst2", "analyst"))
    decide(session, DecisionRequest(done_already.id, "escalated", 1, rationale="ernstig"),
           actor=Actor("analyst2", "analyst"))
    session.add(ProtocolVersion(version_id="v1", effective_date="2026-11-01", content={},
                                file_sha256="0" * 64, active=True))
    chosen = [Selected(a.id, 1), Selected(b.id, 1), Selected(stale.id, 1),
              Selected(done_already.id, 2)]
    result = bulk_decide(session, ANALYST, settings, chosen, "dismissed", " ruis ", "not_relevant")
    assert result.done == [a.id, b.id]
    assert [i for i, _ in result.refused] == [stale.id, done_already.id]
    assert "gewijzigd" in dict(result.refused)[stale.id]
    assert "geen toegestane stap" in dict(result.refused)[done_already.id]
    assert (a.status, b.status, stale.status, done_already.status) == (
        "dismissed", "dismissed", "monitoring", "escalated"
    )
    mine = session.scalars(select(Decision).where(Decision.actor == "analyst")).all()
    assert [(d.signal_id, d.to_status, d.rationale, d.reason_code, d.protocol_version)
            for d in mine] == [
        (a.id, "dismissed", "ruis", "not_relevant", "v1"),
        (b.id, "in_review", "ruis", None, "v1"),
        (b.id, "dismissed", "ruis", "not_relevant", "v1"),
    ]
    refused = _actions(session, "signal.decide.refused")
    assert sorted(e.target_id for e in refused) == sorted([str(stale.id), str(done_already.id)])
    assert result.done_message() == f"2 signalen naar „afgewezen”: #{a.id}, #{b.id}."
    refusal = result.refused_message() or ""
    assert f"Signaal #{stale.id} niet verwerkt" in refusal
    assert f"Signaal #{done_already.id} niet verwerkt" in refusal


@pytest.mark.parametrize(
    ("to_status", "rationale", "reason", "chosen"),
    [
        ("escalated", "x", None, 1),
        ("dismissed", "", "other", 1),
        ("dismissed", "x", None, 1),
        ("dismissed", "x", "onzin", 1),
        ("monitoring", "x", None, 0),
        ("monitoring", "x", None, 201),
    ],
)
def test_bulk_refuses_the_whole_request(
    session, settings, to_status, rationale, reason, chosen
) -> None:
    signal = _signal(session, status="in_review")
    picks = [Selected(signal.id + i, 1) for i in range(chosen)]
    with pytest.raises(BulkRefused):
        bulk_decide(session, ANALYST, settings, picks, to_status, rationale, reason)
    assert session.scalars(select(Decision)).all() == []


# --- sorts, komende bijeenkomsten, export ---------------------------------------------------


def test_sorts_and_upcoming(session: Session) -> None:
    soon = _signal(session, title="soon", severity=0.2, event_time=NOW + timedelta(hours=2),
                   district="Almere Poort")
    later = _signal(session, title="later", severity=0.9, event_time=NOW + timedelta(days=3),
                    status="in_review", district=None)
    past = _signal(session, title="past", severity=0.5, event_time=NOW - timedelta(days=1),
                   first_seen_at=NOW - timedelta(days=5), district="Almere Buiten")
    none = _signal(session, title="none", severity=0.1, event_time=None)

    def ids(**kw) -> list[int]:
        return [s.id for s in queue(session, QueueFilters(**kw)).items]

    assert ids() == [later.id, past.id, soon.id, none.id]
    assert ids(sort="moment", order="asc") == [past.id, soon.id, later.id, none.id]
    assert ids(sort="moment", order="desc") == [later.id, soon.id, past.id, none.id]
    # No district sorts last either way.
    assert ids(sort="stadsdeel", order="asc")[-1] == later.id
    assert ids(sort="stadsdeel", order="desc")[-1] == later.id
    assert ids(sort="eerst_gezien", order="asc")[0] == past.id
    assert ids(sort="status", order="asc")[-1] == later.id
    assert ids(upcoming=True, sort="moment", order="asc") == [soon.id, later.id]
    assert [s.id for s in queue_rows(session, QueueFilters(upcoming=True, sort="moment",
                                                              order="asc"))] == [soon.id, later.id]
    # Paging across the merged per-status walks keeps the order.
    pages = [queue(session, QueueFilters(sort="moment", order="asc", page=p), page_size=2)
             for p in (1, 2)]
    assert [s.id for p in pages for s in p.items] == [past.id, soon.id, later.id, none.id]


def test_export_rows_have_signal_fields_only(session: Session, settings: Settings) -> None:
    signal = _signal(session, title="+cmd| demo", severity=0.805, place="Esplanade",
                     notification_status="niet aangemeld",
                     event_time=datetime(2026, 11, 28, 13, 0, tzinfo=UTC))
    _post(session, signal, "Geheime tekst van @jan")
    export = export_queue(session, ANALYST, settings, QueueFilters())
    text = export.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("id;titel;typen;stadsdeel;plaats;moment;ernst;status")
    seen = NOW.astimezone(TZ).strftime("%d-%m-%Y %H:%M")
    assert lines[1] == (
        f"{signal.id};'+cmd| demo;{LABEL_NL['call_to_gathering']};Almere Stad;Esplanade;"
        f"28-11-2026 14:00;0,81;nieuw;niet aangemeld;1;1;0;{seen}"
    )
    assert "Geheime" not in text and "@jan" not in text and "ps_" not in text
    event = _actions(session, "signal.export")[0]
    assert event.details == {"filters": QueueFilters().as_dict(), "rows": 1, "format": "csv"}


# --- briefing quotes ------------------------------------------------------------------------


def test_marked_quote_reaches_the_briefing_without_the_author(session: Session) -> None:
    signal = _signal(session, status="in_review", title="Blokkade A6")
    post = _post(session, signal, "Zaterdag blokkeren we de A6 bij Almere Buiten, @jan_al "
                                  "organiseert, zie https://x.com/jan_al")
    link = mark_snippet(session, ANALYST, signal.id, post.id, True)
    assert link.briefing_snippet == (
        "Zaterdag blokkeren we de A6 bij Almere Buiten, […] organiseert, zie […]"
    )
    with pytest.raises(SnippetRefused, match="letterlijk"):
        mark_snippet(session, ANALYST, signal.id, post.id, True, "Iets wat er niet staat")
    mark_snippet(session, ANALYST, signal.id, post.id, True, "blokkeren we de A6")
    assert link.briefing_snippet == "blokkeren we de A6"
    decide(session, DecisionRequest(signal.id, "escalated", 1, rationale="Blokkade snelweg"),
           actor=Actor("chef", "supervisor"))
    session.commit()
    data = collect(session, Week.parse(NOW.strftime("%G-W%V")))
    item = next(e for e in data.escalated if e.signal_id == signal.id)
    assert item.snippets == ["blokkeren we de A6"]
    mark_snippet(session, ANALYST, signal.id, post.id, False)
    session.commit()
    data = collect(session, Week.parse(NOW.strftime("%G-W%V")))
    assert next(e for e in data.escalated if e.signal_id == signal.id).snippets == []
    actions = [e.action for e in session.scalars(select(AuditEvent))
               if e.action.startswith("briefing.snippet")]
    assert actions == ["briefing.snippet.set", "briefing.snippet.set", "briefing.snippet.clear"]


def test_sorts_with_empty_values_on_both_databases(db_engine) -> None:
    """NULLS LAST in both directions on SQLite and PostgreSQL (their defaults differ), and the
    "mine" walk (ordered by an expression) gives the same order as the plain one."""
    with Session(db_engine, expire_on_commit=False) as s:
        s.add(User(username="analyst", password_hash="x", role="analyst"))
        hour = timedelta(hours=1)
        a = _signal(s, title="a", event_time=NOW + hour, district="Almere Haven", severity=0.3)
        b = _signal(s, title="b", event_time=None, district=None, severity=0.9)
        c = _signal(s, title="c", event_time=NOW + 2 * hour, district="Almere Buiten",
                    status="in_review", severity=0.5)
        for signal in (a, b, c):
            signal.assigned_to = "analyst"
        s.commit()
        for mine in (None, "analyst"):
            def ids(sort: str, order: str, mine: str | None = mine) -> list[int]:
                f = QueueFilters(sort=sort, order=order, assignee=mine)
                return [x.id for x in queue(s, f).items]

            assert ids("moment", "asc") == [a.id, c.id, b.id]
            assert ids("moment", "desc") == [c.id, a.id, b.id]
            assert ids("stadsdeel", "asc") == [c.id, a.id, b.id]
            assert ids("stadsdeel", "desc") == [a.id, c.id, b.id]
            assert ids("ernst", "desc") == [b.id, c.id, a.id]
            assert ids("status", "desc") == [c.id, b.id, a.id]
        upcoming = QueueFilters(sort="moment", order="asc", upcoming=True, assignee="analyst")
        assert [x.id for x in queue(s, upcoming).items] == [a.id, c.id]
