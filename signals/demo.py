"""The offline demo: replay the bundled synthetic sources through the whole pipeline.

The bundled files (config/demo/) are dated in November 2026. The demo serves a copy moved by
whole weeks to the week it runs in (built once per week under var/demo/), so that "this week's"
briefing, the queue's urgency and the calendar show the demo as current.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from types import ModuleType

from sqlalchemy.engine import make_url

from collectors.replay import serve_directory
from nlp.vocabulary import TZ
from signals.config import REPO_ROOT, Settings, get_settings
from signals.db.session import get_engine, session_scope
from signals.enrichment import nlp_text
from signals.pipeline import RunSummary, load_configured_sources, run_pipeline
from signals.protocol import activate, active_version, load_protocol_file
from signals.services import Actor
from signals.services import register as register_service

DEMO_DIR = REPO_ROOT / "config" / "demo"
DEMO_SOURCES = DEMO_DIR / "sources.yml"
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


def bus_window_text() -> str:
    """The demo's buurtapp post that threatens a bus's windows, as the NLP reads it: issue 12
    requires it to be a threat and not a call (nlp/shipping_rule.py)."""
    # Through the builder, which finds its items by path: `config` is no installed package, so
    # `signals ship-check --read-held-out` run from anywhere but the repository failed here.
    item = next(i for i in _builder().ITEMS if "buslijn niet uit de Literatuurwijk" in i.text)
    return nlp_text(item.title, item.text)


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


def replay_port(ui_port: int) -> int | None:
    """The replay server's port when the web UI is to listen on `ui_port`: the usual one, or any
    free one when the UI asked for it (`signals demo --port 8765`)."""
    return None if ui_port == DEMO_PORT else DEMO_PORT


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


def demo_settings(settings: Settings, base_url: str) -> Settings:
    """The settings with the demo's own sources (served from `base_url`)."""
    return replace(settings, sources_path=DEMO_SOURCES, sources_base_url=base_url)


def export_demo_environment(base_url: str) -> None:
    """Point the served web app at the demo's sources as well: it is created by uvicorn from
    the environment, and its privacy and sources pages must list what the demo reads."""
    os.environ["SIGNALS_SOURCES"] = str(DEMO_SOURCES)
    os.environ["SIGNALS_SOURCES_BASE_URL"] = base_url


def run_demo_pipeline(settings: Settings, base_url: str) -> RunSummary:
    demo_settings_ = demo_settings(settings, base_url)
    sources = load_configured_sources(demo_settings_)
    # All demo sources share one local host: no politeness delay is owed to ourselves.
    # A replay: every demo run polls every source, whatever its poll interval.
    return run_pipeline(
        demo_settings_,
        sources,
        alert=False,
        collector_overrides={"per_domain_delay_s": 0.0},
        force=True,
    )


def import_demo_register(settings: Settings) -> int:
    """Load the demo's notified manifestations once (re-running skips known references)."""
    path: Path = demo_dir(settings) / "register.csv"
    with session_scope(get_engine(settings.database_url)) as session:
        return register_service.import_csv(session, Actor("system:demo", ""), path).created


def activate_demo_protocol(settings: Settings) -> str | None:
    """Activate the newest protocol version once, so the demo's escalations can cite it."""
    files = sorted(settings.protocol_dir.glob("*.y*ml"))
    if not files:
        return None
    with session_scope(get_engine(settings.database_url)) as session:
        current = active_version(session)
        if current is not None:
            return current.version_id
        newest = max(files, key=lambda p: load_protocol_file(p).effective_date)
        return activate(session, newest, actor=Actor("system:demo", "supervisor")).version_id


# Kept by a demo reset: models take long to train (a promoted or candidate model is not demo
# data) and test artefacts are looked at after a run. Everything else under var/ is the demo's.
RESET_KEEPS = frozenset({"models", "model-candidate", "artefacts"})


class DemoResetRefused(RuntimeError):
    """A reset that would touch more than the local demo state."""


def reset_demo(settings: Settings | None = None) -> list[Path]:
    """Delete the demo's state so the next `make run` starts afresh: the SQLite database (and
    its embedded search index), pseudonym and checkpoint keys, audit checkpoints,
    briefings, the moved demo files and the demo logins. Only paths inside `var_dir` (and the
    SQLite file there) are touched, never `.venv`; any other database is refused, not dropped.
    Returns what was removed."""
    settings = settings or get_settings()
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        raise DemoResetRefused(
            "demo-reset only removes a local SQLite database; SIGNALS_DATABASE_URL points at "
            f"{url.get_backend_name()}, which is left alone"
        )
    var_dir = settings.var_dir.resolve()
    removed: list[Path] = []
    if url.database and url.database != ":memory:":
        db = Path(url.database).resolve()
        if not db.is_relative_to(var_dir):
            raise DemoResetRefused(
                f"demo-reset only removes a database inside {var_dir}; {db} is left alone"
            )
        for path in (db, *(db.with_name(db.name + s) for s in ("-wal", "-shm", "-journal"))):
            if path.exists():
                path.unlink()
                removed.append(path)
    if var_dir.is_dir():
        for path in sorted(var_dir.iterdir()):
            if path.name in RESET_KEEPS:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    return removed
