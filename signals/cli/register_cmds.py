"""`signals register ...`: the register of notified manifestations (Wom)."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from signals.cli.actor import zone_name
from signals.services import Actor
from signals.wording import format_when

console = Console()


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Register van aangemelde manifestaties (Wom).", no_args_is_help=True)
    app.add_typer(group, name="register")

    @group.command("import")
    def import_cmd(
        csv_path: Path = typer.Argument(..., exists=True, dir_okay=False, metavar="CSV"),
        actor: str | None = typer.Option(
            None, help="Who imports (audit log); defaults to the OS user name."
        ),
    ) -> None:
        """Import a CSV (reference,organiser_ref,place,start,end,status,description)."""
        from signals.db.session import session_scope
        from signals.services.register import import_csv

        who = actor or f"cli:{getpass.getuser()}"
        with session_scope() as session:
            result = import_csv(session, Actor(who, ""), csv_path)
        if result.errors:
            console.print(f"[red]Niets geïmporteerd: {len(result.errors)} fout(en)[/]")
            for error in result.errors:
                console.print(f"  {error}")
            raise typer.Exit(1)
        console.print(f"Geïmporteerd: {result.created} nieuw, {result.updated} gewijzigd.")

    @group.command("list")
    def list_cmd(limit: int = typer.Option(100, help="At most this many entries.")) -> None:
        """List register entries, newest start first."""
        from signals.db.session import session_scope
        from signals.register.entries import list_entries

        table = Table(title="Aangemelde manifestaties")
        for column in ("id", "referentie", "plaats", "canoniek", "begin", "eind", "status", "v"):
            table.add_column(column)
        with session_scope() as session:
            for e in list_entries(session, limit=limit):
                table.add_row(
                    str(e.id),
                    e.reference,
                    e.place,
                    e.place_canonical or "—",
                    f"{format_when(e.start_at)} {zone_name(e.start_at)}",
                    f"{format_when(e.end_at)} {zone_name(e.end_at)}",
                    e.status,
                    str(e.version),
                )
        console.print(table)
