"""`signals briefing --week 2026-W48`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

console = Console()


def register(app: typer.Typer) -> None:
    @app.command()
    def briefing(
        week: str = typer.Option(None, help="ISO week like 2026-W48; default: last week."),
        out: Path = typer.Option(None, help="Output folder (default SIGNALS_BRIEFING_DIR)."),
        as_user: str = typer.Option("system:cli", "--as", help="Who generates it (audited)."),
    ) -> None:
        """Write the weekly driehoek briefing (HTML and PDF, in Dutch)."""
        from signals.briefing import Week, previous_week, write_briefing
        from signals.config import get_settings
        from signals.db.session import session_scope

        try:
            target = Week.parse(week) if week else previous_week()
        except ValueError as exc:
            console.print(f"[red]{exc}[/]")
            raise typer.Exit(2) from exc
        with session_scope() as session:
            files = write_briefing(
                session, target, out or get_settings().briefing_dir, actor=as_user
            )
        console.print(f"briefing {files.week}: {files.html_path} and {files.pdf_path}")
