"""The offline demo: replay the bundled synthetic sources through the whole pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from collectors.replay import serve_directory
from signals.config import REPO_ROOT, Settings
from signals.pipeline import RunSummary, load_configured_sources, run_pipeline

DEMO_DIR = REPO_ROOT / "config" / "demo"
# The port the replay files name; links stored by earlier demo runs keep working on it.
DEMO_PORT = 8765


@contextmanager
def demo_server(port: int | None = DEMO_PORT) -> Iterator[str]:
    """Serve the replay sources on `port`, or on any free port if it is taken (or None)."""
    try:
        server = serve_directory(DEMO_DIR / "site", port=port or 0)
        base_url = server.__enter__()
    except OSError:
        server = serve_directory(DEMO_DIR / "site", port=0)
        base_url = server.__enter__()
    try:
        yield base_url
    finally:
        server.__exit__(None, None, None)


def run_demo_pipeline(settings: Settings, base_url: str) -> RunSummary:
    demo_settings = replace(
        settings, sources_path=DEMO_DIR / "sources.yml", sources_base_url=base_url
    )
    sources = load_configured_sources(demo_settings)
    # All demo sources share one local host: no politeness delay is owed to ourselves.
    return run_pipeline(
        demo_settings, sources, alert=False, collector_overrides={"per_domain_delay_s": 0.0}
    )


def import_demo_register(settings: Settings) -> int:
    """Load the demo's notified manifestations once (re-running skips known references)."""
    from signals.db.session import get_engine, session_scope
    from signals.register import import_csv

    path: Path = DEMO_DIR / "register.csv"
    with session_scope(get_engine(settings.database_url)) as session:
        return import_csv(session, path, actor="system:demo").created


def activate_demo_protocol(settings: Settings) -> str | None:
    """Activate the newest protocol version once, so the demo's escalations can cite it."""
    from signals.db.session import get_engine, session_scope
    from signals.protocol import activate, active_version, load_protocol_file

    files = sorted(settings.protocol_dir.glob("*.y*ml"))
    if not files:
        return None
    with session_scope(get_engine(settings.database_url)) as session:
        current = active_version(session)
        if current is not None:
            return current.version_id
        newest = max(files, key=lambda p: load_protocol_file(p).effective_date)
        return activate(session, newest, actor="system:demo", actor_role="supervisor").version_id
