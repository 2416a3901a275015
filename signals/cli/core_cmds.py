"""Core commands: the demo, one pipeline run, search, audit verification, migrations."""

from __future__ import annotations

import json
import secrets

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from signals.cli.actor import highlight_text, local_time
from signals.config import get_settings
from signals.private_files import write_private
from signals.services import Actor

console = Console()

DEMO_USERS = (
    ("analist", "analyst"),
    ("supervisor", "supervisor"),
    # A second supervisor: four-eyes approval needs two different people.
    ("supervisor2", "supervisor"),
    ("auditor", "auditor"),
    ("beheerder", "admin"),
)


def _print_summary(summary) -> None:  # summary: signals.pipeline.RunSummary
    table = Table(title="Pijplijn / pipeline run", show_header=False)
    table.add_row("sources polled", str(summary.sources_polled))
    if summary.sources_not_due:
        table.add_row("sources not due yet", str(summary.sources_not_due))
    table.add_row("source errors", ", ".join(sorted(summary.source_errors)) or "none")
    table.add_row("new posts", str(summary.new_posts))
    if summary.new_versions:
        table.add_row("  of which edits (new versions)", str(summary.new_versions))
    table.add_row("duplicate posts", str(summary.duplicate_posts))
    table.add_row("skipped items", str(summary.skipped_items))
    table.add_row("signals (new / touched)", f"{summary.new_signals} / {summary.signals_touched}")
    for name, count in sorted(summary.signals_by_type.items()):
        table.add_row(f"  type {name}", str(count))
    table.add_row("time taken", f"{summary.seconds:.2f} s")
    console.print(table)


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        serve: bool = typer.Option(True, help="Serve the web UI after the run."),
        host: str = "127.0.0.1",
        port: int = 8000,
    ) -> None:
        """Replay the bundled synthetic sources through the pipeline and serve the web UI."""
        from signals.demo import (
            activate_demo_protocol,
            demo_server,
            export_demo_environment,
            import_demo_register,
            replay_port,
            run_demo_pipeline,
        )

        settings = get_settings()
        console.print(f"[bold]oov-signals demo[/] — database {settings.database_url}")
        import_demo_register(settings)
        activate_demo_protocol(settings)
        # The replay server keeps running while the UI is served, so source links open.
        with demo_server(replay_port(port)) as base_url:
            console.print(f"Replaying synthetic sources from {base_url}")
            summary = run_demo_pipeline(settings, base_url)
            _print_summary(summary)
            passwords = _ensure_demo_users()
            _seed_partner_reports(settings)
            if not serve:
                return
            export_demo_environment(base_url)  # the served app lists the demo's sources
            console.print(f"\nWeb UI: [bold]http://{host}:{port}[/]  (Ctrl-C stops the demo)")
            for username, password in passwords.items():
                console.print(f"  login [bold]{username}[/] / {password}")
            import uvicorn

            from signals.web.app import UVICORN_OPTIONS

            uvicorn.run(
                "signals.web.app:create_app",
                factory=True,
                host=host,
                port=port,
                **UVICORN_OPTIONS,
            )

    @app.command("demo-reset")
    def demo_reset() -> None:
        """Delete the demo's state under var/ (database, index, keys, checkpoints, briefings,
        logins); models, test artefacts and .venv stay. The next `make run` starts afresh."""
        from signals.demo import DemoResetRefused, reset_demo

        try:
            removed = reset_demo()
        except DemoResetRefused as exc:
            console.print(f"[red]{exc}[/]")
            raise typer.Exit(2) from exc
        for path in removed:
            console.print(f"removed {path}", highlight=False)
        console.print(f"demo reset: {len(removed)} paths removed; run `make run` to start again")

    @app.command("run")
    def run_once(
        force: bool = typer.Option(
            False, "--force", help="Also poll sources whose poll interval has not passed yet."
        ),
    ) -> None:
        """Poll the enabled sources that are due (by poll_interval_minutes) and process what
        is new; each source's posts are stored as soon as that source is done."""
        from signals.pipeline import run_pipeline

        _print_summary(run_pipeline(force=force))

    @app.command()
    def search(
        query: str,
        kind: str = typer.Option("signals", help="signals or posts"),
        limit: int = 20,
    ) -> None:
        """Full-text search in the index (audited like a search in the web app)."""
        from signals.db.session import session_scope
        from signals.search import get_backend
        from signals.search.base import SearchError
        from signals.services.search import search as audited_search

        try:
            with session_scope() as session:
                result = audited_search(
                    session,
                    Actor(username="cli", role=""),
                    get_backend(),
                    query,
                    kind=kind,  # type: ignore[arg-type]
                    limit=limit,
                    channel="cli",
                )
        except SearchError as exc:
            console.print(f"[red]{exc.message}[/]")
            raise typer.Exit(2) from exc
        console.print(f"{result.total} hits")

        for hit in result.hits:
            line = Text(f"{hit.kind[:-1]} {hit.id} ({hit.score:.2f}) ")
            line.append_text(highlight_text(hit.highlight))
            console.print(line, highlight=False)

    audit_app = typer.Typer(help="The hash-chained audit log.")
    app.add_typer(audit_app, name="audit")

    @audit_app.command("verify")
    def audit_verify() -> None:
        """Check the hash chain, its start and every signed checkpoint; name what is missing."""
        from signals.audit import verify
        from signals.db.session import session_scope

        with session_scope() as session:
            result = verify(session)
        if result.ok:
            console.print(
                f"audit chain intact: {result.checked} events verified against "
                f"{result.checkpoints} checkpoints"
            )
            if result.unanchored:
                console.print(
                    f"{result.unanchored} events after the last checkpoint are not anchored "
                    "outside the database yet (`signals audit checkpoint` anchors them)"
                )
            return
        console.print(
            f"[red]audit chain BROKEN at event {result.first_broken_id}[/] "
            f"({result.checked} events read, {result.checkpoints} checkpoints):"
        )
        for problem in result.problems:
            console.print(f"  - {problem}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1)

    @audit_app.command("checkpoint")
    def audit_checkpoint() -> None:
        """Sign the current head of the chain and append it to the checkpoint file (and the
        configured syslog / webhook copies)."""
        from signals.audit_checkpoints import CheckpointRefused, checkpoint_path, write_checkpoint
        from signals.checkpoint_keys import public_key, public_key_hex
        from signals.db.session import get_engine

        settings = get_settings()
        try:
            cp = write_checkpoint(get_engine(settings.database_url), "cli", settings=settings)
        except CheckpointRefused as exc:
            console.print(
                f"[red]checkpoint refused:[/] {exc} (run `signals audit verify`)", soft_wrap=True
            )
            raise typer.Exit(1) from exc
        if cp is None:
            console.print("the audit log is empty: nothing to anchor")
            return
        key = public_key(settings)
        console.print(
            f"checkpoint {cp.seq}: id {cp.last_id}, head {cp.head_hash[:16]}, {cp.count} events, "
            f"{local_time(cp.ts, '%Y-%m-%d %H:%M:%S')} → {checkpoint_path(settings)}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        if key is not None:
            console.print(f"public key (Ed25519): {public_key_hex(key)}", soft_wrap=True)

    db_app = typer.Typer(help="The system of record.")
    app.add_typer(db_app, name="db")

    @db_app.command("upgrade")
    def db_upgrade() -> None:
        """Apply all migrations to SIGNALS_DATABASE_URL."""
        from signals.db.session import get_engine

        engine = get_engine()
        console.print(f"schema up to date: {engine.url.render_as_string(hide_password=True)}")


def _seed_partner_reports(settings) -> None:
    """The demo partner's two reports (once), after the online signals exist."""
    from signals.db.session import session_scope
    from signals.partner import demo as partner_demo

    with session_scope() as session:
        signal_ids = partner_demo.seed_reports(session, settings)
    if signal_ids:
        console.print(f"partner reports: 2, in signals {', '.join(map(str, signal_ids))}")


def _ensure_demo_users() -> dict[str, str]:
    """Create the demo accounts once; their passwords are generated and kept in var/."""

    from signals.auth import create_user, get_user
    from signals.db.session import session_scope

    path = get_settings().var_dir / "demo_logins.json"
    known: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    demo = Actor("system:demo", "")
    with session_scope() as session:
        for username, role in DEMO_USERS:
            if get_user(session, username) is None:
                known[username] = secrets.token_urlsafe(9)
                create_user(session, username, known[username], role, actor=demo)
        # The partner professional (role partner) belongs to a partner organisation.
        from signals.partner import demo as partner_demo

        password = secrets.token_urlsafe(9)
        if partner_demo.ensure_partner(session, password):
            known[partner_demo.USERNAME] = password

    write_private(path, json.dumps(known, indent=2))  # 0600 from the start, never 0644
    return known
