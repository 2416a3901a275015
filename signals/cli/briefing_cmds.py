"""`signals briefing --week 2026-W48`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from signals.cli.actor import require_actor
from signals.config import get_settings

console = Console()


def register(app: typer.Typer) -> None:
    @app.command()
    def briefing(
        week: str = typer.Option(None, help="ISO week like 2026-W48; default: last week."),
        out: Path = typer.Option(None, help="Output folder (default SIGNALS_BRIEFING_DIR)."),
        as_user: str | None = typer.Option(
            None,
            "--as",
            help="The supervisor or admin who generates it (audited); "
            "without --as it is audited as the system (system:cli).",
        ),
    ) -> None:
        """Write the weekly driehoek briefing (HTML and PDF, in Dutch)."""
        from signals.actor import Actor
        from signals.briefing import Week, previous_week, write_briefing
        from signals.db.session import session_scope

        try:
            target = Week.parse(week) if week else previous_week()
        except ValueError as exc:
            console.print(f"[red]{exc}[/]")
            raise typer.Exit(2) from exc
        with session_scope() as session:
            actor = Actor("system:cli", "")
            if as_user is not None:
                user = require_actor(
                    session, as_user, ("supervisor", "admin"), action="briefing.generate"
                )
                actor = Actor(user.username, user.role)
            files = write_briefing(session, target, out or get_settings().briefing_dir, actor=actor)
        console.print(f"briefing {files.week}: {files.html_path} and {files.pdf_path}")
