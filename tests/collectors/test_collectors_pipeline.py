"""Issue 16, collectors in the pipeline: each source stored as soon as it is done, poll
intervals honoured, skips reported once, edits stored as new versions."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from collectors import SourceConfig
from signals.config import get_settings
from signals.db.models import Post, SourceStateRow
from signals.db.session import get_engine, session_scope
from signals.pipeline import RunSummary, run_pipeline
from tests.fixture_server import LEGAL_FIELDS, FixtureServer

FAST = {"per_domain_delay_s": 0.0, "retries": 0, "timeout_s": 5.0}


@pytest.fixture
def env(signals_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Collection is under test, not the classifier: posts stay unenriched (and cheap).
    monkeypatch.setenv("SIGNALS_AUTOTAG", "off")
    return signals_env


def _source(server: FixtureServer, path: str, source_id: str, **extra: object) -> SourceConfig:
    return SourceConfig(id=source_id, kind="feed", url=server.url(path), **LEGAL_FIELDS, **extra)


def _run(sources: list[SourceConfig], **kwargs: object) -> RunSummary:
    overrides = {**FAST, **kwargs.pop("overrides", {})}  # type: ignore[dict-item]
    return run_pipeline(
        get_settings(), sources, alert=False, collector_overrides=overrides, **kwargs
    )


def _posts(source_id: str) -> int:
    with session_scope(get_engine(get_settings().database_url)) as session:
        return session.scalar(select(func.count()).where(Post.source_id == source_id)) or 0


def _set_row(source_id: str, **values: object) -> None:
    with session_scope(get_engine(get_settings().database_url)) as session:
        session.execute(
            update(SourceStateRow).where(SourceStateRow.source_id == source_id).values(**values)
        )


def _warm_up() -> None:
    """Pay for first imports and the language model before the clock starts: the margin
    is about the deadline, not about interpreter start-up on a busy machine."""
    import signals.detection.lifecycle
    import signals.indexing
    import signals.search  # noqa: F401
    from nlp.language import detect

    detect("Een zin in het Nederlands om het taalmodel te laden.", "nl")


def test_a_drip_source_holds_back_nothing_and_the_run_ends_by_the_deadline(
    env: Path, fixture_server: FixtureServer
) -> None:
    deadline = 3.0
    _warm_up()
    sources = [
        _source(fixture_server, "/feeds/omroep-flevoland.rss", "good-1"),
        _source(fixture_server, "/drip?interval=2&for=20", "drip"),
        _source(fixture_server, "/feeds/almere-deze-week.atom", "good-2"),
    ]
    summary: list[RunSummary] = []
    started = time.monotonic()
    runner = threading.Thread(
        target=lambda: summary.append(_run(sources, overrides={"max_fetch_s": deadline})),
        daemon=True,
    )
    runner.start()
    first_stored: float | None = None
    while runner.is_alive() and time.monotonic() - started < deadline + 10:
        if first_stored is None and _posts("good-1") == 3:
            first_stored = time.monotonic() - started
        time.sleep(0.1)
    runner.join(timeout=0.1)
    elapsed = time.monotonic() - started

    assert not runner.is_alive(), "the run did not end"
    assert elapsed < deadline + 3.0
    # Stored while the drip source was still being read, not after it.
    assert first_stored is not None and first_stored < deadline
    assert _posts("good-1") == 3 and _posts("good-2") == 2
    [result] = summary
    assert result.new_posts == 5
    assert set(result.source_errors) == {"drip"}
    assert "took longer than 3 s" in result.source_errors["drip"]


def test_poll_interval_is_honoured_unless_forced(
    env: Path, fixture_server: FixtureServer
) -> None:
    source = _source(
        fixture_server, "/gen/feed/1.xml?items=3", "kwartier", poll_interval_minutes=15
    )
    first = _run([source])
    assert first.sources_polled == 1 and first.new_posts == 3

    second = _run([source])
    assert second.sources_polled == 0 and second.sources_not_due == 1
    assert len(fixture_server.hits("/gen/feed/1.xml")) == 1

    with session_scope(get_engine(get_settings().database_url)) as session:
        polled_at = session.get(SourceStateRow, "kwartier").last_poll_at  # type: ignore[union-attr]
    _set_row("kwartier", last_poll_at=polled_at - timedelta(minutes=10))
    assert _run([source]).sources_not_due == 1
    _set_row("kwartier", last_poll_at=polled_at - timedelta(minutes=15))
    assert _run([source]).sources_polled == 1
    assert len(fixture_server.hits("/gen/feed/1.xml")) == 2

    forced = _run([source], force=True)
    assert forced.sources_polled == 1 and forced.sources_not_due == 0
    assert len(fixture_server.hits("/gen/feed/1.xml")) == 3


def _sources_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: FixtureServer) -> None:
    path = tmp_path / "sources.yml"
    path.write_text(
        "defaults:\n  per_domain_delay_s: 0\n  retries: 0\nsources:\n"
        "  - id: uurlijks\n    kind: feed\n    url: '{base_url}/gen/feed/2.xml?items=2'\n"
        "    poll_interval_minutes: 60\n"
        + "".join(f"    {k}: '{v}'\n" for k, v in LEGAL_FIELDS.items()),
        encoding="utf-8",
    )
    monkeypatch.setenv("SIGNALS_SOURCES", str(path))
    monkeypatch.setenv("SIGNALS_SOURCES_BASE_URL", server.base_url)


def test_collect_task_skips_a_source_that_is_not_due(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture_server: FixtureServer
) -> None:
    from signals.collect_and_detect import collect_sources

    _sources_file(tmp_path, monkeypatch, fixture_server)

    def collect(**kw: bool) -> dict:
        (outcome,) = collect_sources(["uurlijks"], holder="test", **kw).outcomes
        return outcome

    first = collect()
    assert len(first["new_post_ids"]) == 2 and first["not_due"] is False

    second = collect()
    assert second["not_due"] is True and second["new_post_ids"] == []
    assert second["error"] is None
    assert len(fixture_server.hits("/gen/feed/2.xml")) == 1

    forced = collect(force=True)
    assert forced["not_due"] is False
    assert len(fixture_server.hits("/gen/feed/2.xml")) == 2


def test_signals_run_polls_due_sources_and_force_polls_all(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture_server: FixtureServer
) -> None:
    from typer.testing import CliRunner

    from signals.cli import app

    _sources_file(tmp_path, monkeypatch, fixture_server)
    runner = CliRunner()
    first = runner.invoke(app, ["run"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, ["run"])
    assert again.exit_code == 0, again.output
    assert "sources not due yet" in again.output
    assert len(fixture_server.hits("/gen/feed/2.xml")) == 1
    forced = runner.invoke(app, ["run", "--force"])
    assert forced.exit_code == 0, forced.output
    assert len(fixture_server.hits("/gen/feed/2.xml")) == 2


def test_skips_are_reported_once_across_runs(env: Path, fixture_server: FixtureServer) -> None:
    source = _source(fixture_server, "/feeds/messy.rss", "rommelig")
    first = _run([source])
    assert first.skipped_items == 3
    # Without validators the server sends the same feed again, with the same three skips.
    _set_row("rommelig", etag=None, last_modified=None)
    second = _run([source], force=True)
    assert second.not_modified == 0
    assert second.skipped_items == 0


def test_an_edited_item_is_stored_as_a_new_version(
    env: Path, fixture_server: FixtureServer
) -> None:
    before = _run([_source(fixture_server, "/feeds/edit/oproep-v1.rss", "forum")])
    assert before.new_posts == 1
    after = _run([_source(fixture_server, "/feeds/edit/oproep-v2.rss", "forum")], force=True)

    assert after.new_posts == 1 and after.new_versions == 1 and after.duplicate_posts == 0
    with session_scope(get_engine(get_settings().database_url)) as session:
        posts = session.scalars(select(Post).order_by(Post.id)).all()
        assert [(p.version, p.version_of_id) for p in posts] == [(1, None), (2, posts[0].id)]
        assert posts[1].text.startswith("Aangepast: zaterdag om 20.00 uur")
        assert not posts[1].enriched  # left for enrichment and detection like any new post
