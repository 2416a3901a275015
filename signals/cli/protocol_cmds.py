"""`signals protocol validate|diff|activate|show`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

console = Console()


def register(app: typer.Typer) -> None:
    protocol_app = typer.Typer(help="Versioned protocol of interventions (config/protocol/).")
    app.add_typer(protocol_app, name="protocol")

    @protocol_app.command("validate")
    def validate(paths: list[Path]) -> None:
        """Check protocol files: schema, roles, signal types, unusable powers marked selectable."""
        from signals.protocol import ProtocolError, load_protocol_file

        failed = False
        for path in paths:
            try:
                protocol = load_protocol_file(path)
            except ProtocolError as exc:
                failed = True
                console.print(f"[red]{exc.source}: invalid[/]")
                for problem in exc.problems:
                    console.print(f"  - {problem}", markup=False)
                continue
            console.print(
                f"{path}: valid — version {protocol.version}, "
                f"{len(protocol.interventions)} interventions"
            )
        if failed:
            raise typer.Exit(1)

    @protocol_app.command("diff")
    def diff(old: str, new: str) -> None:
        """What changed between two versions (file paths or version ids), in Dutch."""
        from signals.config import get_settings
        from signals.protocol import diff_protocols, find_version_file, load_protocol_file

        directory = get_settings().protocol_dir
        lines = diff_protocols(
            load_protocol_file(find_version_file(directory, old)),
            load_protocol_file(find_version_file(directory, new)),
        )
        for line in lines:
            console.print(line, markup=False, highlight=False)

    @protocol_app.command("activate")
    def activate(
        version: str,
        as_user: str = typer.Option(..., "--as", help="The supervisor who activates it."),
    ) -> None:
        """Make a version the active protocol (a supervisor act; audited)."""
        from sqlalchemy import select

        from signals.config import get_settings
        from signals.db.models import User
        from signals.db.session import session_scope
        from signals.protocol import ProtocolActionError, activate, find_version_file

        path = find_version_file(get_settings().protocol_dir, version)
        with session_scope() as session:
            user = session.scalar(select(User).where(User.username == as_user, User.active))
            if user is None:
                console.print(f"[red]unknown or disabled user {as_user!r}[/]")
                raise typer.Exit(2)
            try:
                row = activate(session, path, actor=user.username, actor_role=user.role)
            except ProtocolActionError as exc:
                console.print(f"[red]{exc}[/]")
                raise typer.Exit(2) from exc
            console.print(f"protocol {row.version_id} is now active (activated by {as_user})")
