"""The demo path end to end: local HTTP replay → collect → enrich → detect → index."""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections import defaultdict
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
import yaml
from sqlalchemy import select

from signals.config import get_settings
from signals.db.models import Post, Signal, SignalPost
from signals.db.session import get_engine, session_scope
from signals.demo import DEMO_DIR, demo_server, import_demo_register, run_demo_pipeline
from signals.privacy.urls import strip_segment
from tests.webapp import isolate_settings

EXPECTED = yaml.safe_load((DEMO_DIR / "expected.yml").read_text())["items"]
# The module runs the whole demo pipeline once (collect, enrich, detect, index).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory):
    mp = pytest.MonkeyPatch()
    var = tmp_path_factory.mktemp("demo") / "var"
    var.mkdir()
    isolate_settings(mp, var, var / "signals.db")
    settings = get_settings()
    log_records: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            log_records.append(self.format(record))

    handler = Capture(level=logging.DEBUG)
    logging.getLogger().addHandler(handler)
    previous_level = logging.getLogger().level
    logging.getLogger().setLevel(logging.DEBUG)
    try:
        import_demo_register(settings)
        with demo_server(port=None) as base_url:
            first = run_demo_pipeline(settings, base_url)
            second = run_demo_pipeline(settings, base_url)
    finally:
        logging.getLogger().removeHandler(handler)
        logging.getLogger().setLevel(previous_level)
    yield settings, first, second, log_records
    mp.undo()


def _path(url: str) -> str:
    """The path as intake stores it: a Telegram channel's name is blanked (the item's number
    still identifies the message)."""
    for channel in _telegram_channels():
        url = strip_segment(url, channel)
    return urlsplit(url).path.rstrip("/")


def _signal_of_url(settings) -> dict[str, int | None]:
    """Keyed by URL path: the replay server runs on a free port, not the one the files name."""
    with session_scope(get_engine(settings.database_url)) as session:
        rows = session.execute(
            select(Post.url, SignalPost.signal_id).outerjoin(
                SignalPost, SignalPost.post_id == Post.id
            )
        ).all()
    return {_path(url): signal_id for url, signal_id in rows}


def test_every_demo_item_is_collected_once(demo_run):
    settings, first, second, _ = demo_run
    assert not first.source_errors, first.source_errors
    assert first.new_posts == len(EXPECTED)
    assert second.new_posts == 0 and second.new_signals == 0


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_demo_item_becomes_signal_exactly_when_expected(demo_run, path):
    settings = demo_run[0]
    item = EXPECTED[path]
    by_url = _signal_of_url(settings)
    assert _path(item["url"]) in by_url, f"{path} was not collected"
    became_signal = by_url[_path(item["url"])] is not None
    assert became_signal == item["flag"], f"{path} ({item['kind']}: {item.get('case')})"


def test_reposts_of_one_call_are_one_signal(demo_run):
    settings = demo_run[0]
    by_url = _signal_of_url(settings)
    clusters: dict[str, set] = defaultdict(set)
    for item in EXPECTED.values():
        if item.get("cluster"):
            clusters[item["cluster"]].add(by_url.get(_path(item["url"])))
    assert clusters
    for name, signal_ids in clusters.items():
        assert len(signal_ids) == 1 and None not in signal_ids, name


def test_notified_demonstration_is_marked_aangemeld(demo_run):
    settings = demo_run[0]
    by_url = _signal_of_url(settings)
    announced = [i for i in EXPECTED.values() if i["kind"] == "announced_gathering"]
    assert announced
    with session_scope(get_engine(settings.database_url)) as session:
        for item in announced:
            signal = session.get(Signal, by_url[_path(item["url"])])
            assert signal.notification_status == "aangemeld"
            assert signal.register_entry_id is not None
        statuses = set(session.scalars(select(Signal.notification_status)))
    assert "niet aangemeld" in statuses
    assert not any("illega" in (s or "") for s in statuses)


def _bare(handle: str) -> str:
    return handle.strip().lstrip("@").split("/")[-1].casefold()


def _demo_handles() -> set[str]:
    """Author handles of the demo feeds, except those that also occur as words in some post
    (a handle like @regenboogbuurt is also a neighbourhood, legitimately in post texts)."""
    handles: set[str] = set()
    texts: list[str] = []
    for path in (DEMO_DIR / "site").rglob("*"):
        if path.suffix in {".xml", ".rss", ".atom"}:
            for entry in feedparser.parse(path.read_bytes()).entries:
                texts.append(f"{entry.get('title', '')} {entry.get('summary', '')}".casefold())
                if entry.get("author"):
                    handles.add(entry["author"])
        elif path.suffix == ".json":
            for item in json.loads(path.read_text()).get("items", []):
                texts.append(f"{item.get('title', '')} {item.get('content_text', '')}".casefold())
    corpus = "\n".join(texts)
    return {h for h in handles if len(_bare(h)) >= 5 and _bare(h) not in corpus}


@cache
def _telegram_channels() -> frozenset[str]:
    """A public channel's name is its author's handle (data-post="<channel>/<id>")."""
    return frozenset(m.split("/")[0] for path in (DEMO_DIR / "site").rglob("*.html")
                     if "telegram" in path.parts
                     for m in re.findall(r'data-post="([^"]+)"', path.read_text()))


def test_no_telegram_channel_in_posts_index_or_api(demo_run):
    """The channel is the source the municipality configured (so it is in sources.yml and the
    fetch log), but no stored post, index row or API response may carry it."""
    settings = demo_run[0]
    channels = _telegram_channels()
    assert "almere_alert" in channels
    haystacks = [_api_responses(settings)]
    scanned: list[str] = []
    for db_file in Path(settings.var_dir).glob("*.db"):
        conn = sqlite3.connect(db_file)
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'"):
            if table.startswith(("posts", "signal", "enrichment")):
                rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
                haystacks.append(" ".join(str(v) for row in rows for v in row))
                scanned.append(table)
        conn.close()
    assert {"posts", "posts_fts", "signals_fts"} <= set(scanned)
    text = "\n".join(haystacks).casefold()
    for channel in channels:
        assert channel.casefold() not in text, f"Telegram channel {channel!r} found"


def test_no_plaintext_author_handle_is_stored_or_logged(demo_run):
    settings, _, _, log_records = demo_run
    handles = _demo_handles()
    assert len(handles) >= 3
    haystacks = ["\n".join(log_records).casefold()]
    for db_file in Path(settings.var_dir).glob("*.db"):
        conn = sqlite3.connect(db_file)
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'"):
            rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
            haystacks.append(" ".join(str(v) for row in rows for v in row).casefold())
        conn.close()
    haystacks.append(_api_responses(settings).casefold())
    text = "\n".join(haystacks)
    for handle in handles:
        assert _bare(handle) not in text, f"plaintext handle {handle!r} found"


def _api_responses(settings) -> str:
    """Every signal and post as the JSON API and the signal pages show them to an analyst."""
    from fastapi.testclient import TestClient

    from signals.auth import create_user, get_user
    from signals.web.app import create_app

    with session_scope(get_engine(settings.database_url)) as session:
        if get_user(session, "scan_analist") is None:
            create_user(session, "scan_analist", "scan-wachtwoord-123", "analyst")
        ids = list(session.scalars(select(Signal.id)))
    client = TestClient(create_app(settings))
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    client.post("/login", data={"username": "scan_analist", "password": "scan-wachtwoord-123",
                                "csrf_token": token})
    bodies = [client.get("/api/signals").text]
    for signal_id in ids:
        for path in (f"/api/signals/{signal_id}", f"/signalen/{signal_id}"):
            response = client.get(path)
            assert response.status_code in (200, 404), (path, response.status_code)
            bodies.append(response.text)
    return "\n".join(bodies)


def test_demo_signals_are_searchable(demo_run):
    from signals.search import get_backend

    settings = demo_run[0]
    result = get_backend(settings).search("Stationsplein", kind="signals")
    assert result.total >= 1
    assert all("<script" not in hit.highlight for hit in result.hits)


def test_the_replay_server_leaves_the_ui_its_port() -> None:
    """`signals demo --port 8765` once failed: the replay server had taken that port first."""
    from signals.demo import DEMO_PORT, replay_port

    assert replay_port(8000) == DEMO_PORT
    assert replay_port(DEMO_PORT) is None
    with demo_server(replay_port(DEMO_PORT)) as base_url:
        assert not base_url.endswith(f":{DEMO_PORT}")
