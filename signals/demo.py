"""The offline demo: replay the bundled synthetic sources through the whole pipeline.

The bundled files (config/demo/) are dated in November 2026. The demo serves a copy moved by
whole weeks to the week it runs in (built once per week under var/demo/), so that "this week's"
briefing, the queue's urgency and the calendar show the demo as current.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from types import ModuleType

from collectors.replay import serve_directory
from nlp.vocabulary import TZ
from signals.config import REPO_ROOT, Settings, get_settings
from signals.pipeline import RunSummary, load_configured_sources, run_pipeline

DEMO_DIR = REPO_ROOT / "config" / "demo"
# The port the replay files name; links stored by earlier demo runs keep working on it.
DEMO_PORT = 8765
_BUILD_LOCK = threading.Lock()


def _builder() -> ModuleType:
    """config/demo/tools/build_demo.py (a script next to the data, not a package module)."""
    name = "oov_demo_build"
    if name in sys.modules:
        return sys.modules[name]
    tools = DEMO_DIR / "tools"
    spec = importlib.util.spec_from_file_location(name, tools / "build_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def demo_shift_weeks(today: date | None = None) -> int:
    """Whole weeks the demo's dates move so that its last post falls just before `today`."""
    today = today or datetime.now(TZ).date()
    return int(_builder().shift_for(today))


def demo_dir(settings: Settings | None = None, today: date | None = None) -> Path:
    """The demo files (site/, register.csv, ...) moved to the week of `today`: built under
    var/demo/ once per week; the bundled config/demo/ itself when no move is needed."""
    weeks = demo_shift_weeks(today)
    if weeks == 0:
        return DEMO_DIR
    settings = settings or get_settings()
    target = settings.var_dir / "demo" / f"plus-{weeks}-weeks"
    with _BUILD_LOCK:
        if not (target / "register.csv").exists():
            _builder().build(target, weeks)
    return target


@contextmanager
def demo_server(port: int | None = DEMO_PORT, directory: Path | None = None) -> Iterator[str]:
    """Serve the replay sources (the demo moved to this week, unless `directory` names other
    files) on `port`, or on any free port if it is taken (or None)."""
    site = directory or demo_dir() / "site"
    try:
        server = serve_directory(site, port=port or 0)
        base_url = server.__enter__()
    except OSError:
        server = serve_directory(site, port=0)
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
    # A replay: every demo run polls every source, whatever its poll interval.
    return run_pipeline(
        demo_settings,
        sources,
        alert=False,
        collector_overrides={"per_domain_delay_s": 0.0},
        force=True,
    )


def import_demo_register(settings: Settings) -> int:
    """Load the demo's notified manifestations once (re-running skips known references)."""
    from signals.db.session import get_engine, session_scope
    from signals.register import import_csv

    path: Path = demo_dir(settings) / "register.csv"
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
