"""`signals sources ...`: check the sources file and show per-source health."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from signals.cli.actor import local_time

console = Console()
DEFAULT_SOURCES = Path("config/sources.yml")


def _fmt_time(value: object) -> str:

    # Amsterdam time with its zone (CET/CEST), short so the table fits 80 columns.
    return local_time(value, "%d-%m %H:%M") if value is not None else "-"  # type: ignore[arg-type]


def register(app: typer.Typer) -> None:
    sources_app = typer.Typer(help="Public sources: validate the configuration, show health.")
    app.add_typer(sources_app, name="sources")

    @sources_app.command("validate")
    def validate(
        path: Path = typer.Argument(DEFAULT_SOURCES, help="The sources YAML file."),
        base_url: str | None = typer.Option(
            None, help="Value for {base_url} placeholders (demo/replay files)."
        ),
    ) -> None:
        """Load and validate a sources file; exit 1 with the offending entry and field."""
        from collectors import CollectorSettings, SourcesConfigError, load_defaults, load_sources

        substitutions = {"base_url": base_url} if base_url else None
        try:
            sources = load_sources(path, substitutions=substitutions)
            settings = CollectorSettings.from_defaults(load_defaults(path))
        except SourcesConfigError as exc:
            console.print(f"[bold red]invalid:[/] {exc}")
            raise typer.Exit(code=1) from exc
        except TypeError as exc:
            console.print(f"[bold red]invalid:[/] {path}: 'defaults:' {exc}")
            raise typer.Exit(code=1) from exc
        table = Table(title=str(path))
        for column in ("id", "kind", "enabled", "every", "url"):
            table.add_column(column)
        for source in sources:
            table.add_row(
                source.id,
                source.kind,
                "yes" if source.enabled else "no",
                f"{source.poll_interval_minutes} min",
                str(source.url),
            )
        console.print(table)
        enabled = sum(s.enabled for s in sources)
        console.print(
            f"OK: {len(sources)} sources, {enabled} enabled. User-Agent: {settings.user_agent}"
        )

    @sources_app.command("status")
    def status() -> None:
        """Per source: last success, last error, items in the last 24 h, average latency."""
        from signals.db.session import session_scope
        from signals.health import source_health

        with session_scope() as session:
            rows = source_health(session)
        if not rows:
            console.print("No source has been polled yet.")
            return
        table = Table(title="Bronnen / sources")
        for column in ("source", "last success", "last error", "items 24 h", "avg latency"):
            table.add_column(column)
        for row in rows:
            error = row.get("last_error")
            error_text = f"{_fmt_time(row.get('last_error_at'))}: {error[:80]}" if error else "-"
            latency = row.get("avg_latency_ms")
            table.add_row(
                str(row["source_id"]),
                _fmt_time(row.get("last_success_at")),
                error_text,
                str(row.get("items_24h", 0)),
                f"{latency:.0f} ms" if latency is not None else "-",
            )
        console.print(table)
