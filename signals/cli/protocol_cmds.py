"""`signals protocol validate|diff|activate|show`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from signals.cli.actor import require_actor
from signals.config import get_settings

console = Console()
_err = Console(stderr=True)


def _available_versions(directory: Path) -> list[str]:
    from signals.protocol import ProtocolError, load_protocol_file

    versions = []
    for path in sorted(directory.glob("*.y*ml")):
        try:
            versions.append(load_protocol_file(path).version)
        except ProtocolError:
            continue
    return versions


def _version_file(directory: Path, version: str) -> Path:
    """The file of a version id (or a path); a missing version is one clear line, exit 2."""
    from signals.protocol import ProtocolError, find_version_file

    try:
        return find_version_file(directory, version)
    except ProtocolError as exc:
        available = ", ".join(_available_versions(directory)) or "none"
        _err.print(
            f"error: protocol version {version!r} not found in {directory} "
            f"(available: {available})",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2) from exc


def _load(path: Path):  # -> Protocol
    from signals.protocol import ProtocolError, load_protocol_file

    try:
        return load_protocol_file(path)
    except ProtocolError as exc:
        _err.print(
            f"error: {exc.source}: invalid protocol ({'; '.join(exc.problems)})",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2) from exc


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
        from signals.protocol import diff_protocols

        directory = get_settings().protocol_dir
        old_file, new_file = _version_file(directory, old), _version_file(directory, new)
        lines = diff_protocols(_load(old_file), _load(new_file))
        for line in lines:
            console.print(line, markup=False, highlight=False)

    @protocol_app.command("activate")
    def activate(
        version: str,
        as_user: str = typer.Option(..., "--as", help="The supervisor who activates it."),
    ) -> None:
        """Make a version the active protocol (a supervisor act; audited)."""
        from signals.actor import Actor
        from signals.db.session import session_scope
        from signals.protocol import ProtocolActionError, activate

        path = _version_file(get_settings().protocol_dir, version)
        with session_scope() as session:
            user = require_actor(
                session, as_user, ("supervisor", "admin"), action="protocol.activate"
            )
            try:
                row = activate(session, path, actor=Actor(user.username, user.role))
            except ProtocolActionError as exc:
                console.print(f"[red]{exc}[/]")
                raise typer.Exit(2) from exc
            console.print(f"protocol {row.version_id} is now active (activated by {as_user})")
