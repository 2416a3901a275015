"""Privacy commands: retention purge, data-subject requests, four-eyes reveal, kill switch.

`--as USER` names the acting account; its role is checked in the users table at the moment
of the act and the act is audited under that name. Refusals are audited too."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from signals.cli.actor import require_actor

console = Console()


def _dump(data: Any) -> None:
    json.dump(data, sys.stdout, default=str, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


@contextmanager
def _privacy_act() -> Iterator[Any]:
    """A unit of work whose refusal is still committed (the refusal's audit event must stay)."""
    from signals.db.session import get_engine, session_factory
    from signals.privacy.access import PrivacyError
    from signals.privacy.escrow import EscrowError

    session = session_factory(get_engine())()
    try:
        yield session
        session.commit()
    except (PrivacyError, EscrowError) as exc:
        session.commit()
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _run(act: Callable[[Any], Any]) -> Any:
    with _privacy_act() as session:
        return act(session)


def _dump_or_refuse(act: Callable[[Any], Any]) -> None:
    """Print what `act` returns; a refusal (an unknown account, say) is one red line."""
    from signals.errors import DomainError

    try:
        _dump(_run(act))
    except DomainError as exc:
        console.print(f"[red]{exc.message}[/]")
        raise typer.Exit(1) from exc


def _checked(actor: str, role: str, action: str,
             work: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`work`, run only once `actor` is found to hold `role` in the users table; a refusal is
    audited under `action` (signals.cli.actor.require_actor)."""

    def act(session: Any) -> Any:
        require_actor(session, actor, (role,), action=action)
        return work(session)

    return act


def _confirm(yes: bool, question: str) -> None:
    if not yes:
        typer.confirm(question, abort=True)


# Options that several data-subject commands take alike.
_ACCOUNT = typer.Option(..., "--account", help="The partner account.")
_REFERENCE = typer.Option(..., "--reference", help="Reference of the request.")
_AS_ADMIN = typer.Option(..., "--as", help="Acting user (role admin).")
_YES = typer.Option(False, "--yes", help="Do not ask for confirmation.")


def register(app: typer.Typer) -> None:
    @app.command("purge")
    def purge_cmd(
        dry_run: bool = typer.Option(False, "--dry-run", help="Only show what would go."),
        as_json: bool = typer.Option(False, "--json", help="Print the full report as JSON."),
    ) -> None:
        """Delete what is past its retention limit (database and index); audited."""
        from signals.retention import purge_due

        report = purge_due(dry_run=dry_run)
        if as_json:
            _dump(report)
            return
        table = Table(title="Bewaartermijnen: " + ("proefrun" if dry_run else "opgeschoond"))
        table.add_column("class")
        table.add_column("count", justify="right")
        table.add_column("ids")
        table.add_row("posts", str(len(report["post_ids"])), _ids(report["post_ids"]))
        for name, ids in report["signal_ids"].items():
            table.add_row(f"signals ({name})", str(len(ids)), _ids(ids))
        table.add_row("audit events", str(report["audit_events"]), "")
        table.add_row(
            "pseudonym keys",
            str(len(report["keys_destroyed"])),
            ", ".join(report["keys_destroyed"]),
        )
        console.print(table)

    privacy_app = typer.Typer(help="Data-subject requests and the four-eyes reveal.")
    app.add_typer(privacy_app, name="privacy")

    @privacy_app.command("lookup")
    def lookup_cmd(
        handle: str = typer.Option(..., "--handle", help="The handle the requester gives."),
        source: str = typer.Option(..., "--source", help="Source id from sources.yml."),
        reference: str = _REFERENCE,
        actor: str = _AS_ADMIN,
    ) -> None:
        """List the records holding this handle's pseudonym (access request, AVG art. 15)."""
        from signals.privacy.subjects import lookup

        records = _run(_checked(actor, "admin", "privacy.lookup", lambda session: lookup(
            session, handle, source, actor=actor, reference=reference)))
        _dump({"reference": reference, "source_id": source, "records": records})

    @privacy_app.command("erase")
    def erase_cmd(
        handle: str = typer.Option(..., "--handle"),
        source: str = typer.Option(..., "--source"),
        reference: str = typer.Option(..., "--reference"),
        actor: str = _AS_ADMIN,
        yes: bool = _YES,
    ) -> None:
        """Remove the records holding this handle's pseudonym (erasure request, AVG art. 17)."""
        from signals.privacy.subjects import erase
        from signals.search import get_backend

        _confirm(yes, f"Erase all records of this handle in source {source}?")
        result = _run(_checked(actor, "admin", "privacy.erase", lambda session: erase(
            session, get_backend(), handle, source, actor=actor, reference=reference)))
        _dump({"reference": reference, **result})

    @privacy_app.command("lookup-reporter")
    def lookup_reporter_cmd(
        account: str = _ACCOUNT,
        reference: str = _REFERENCE,
        actor: str = _AS_ADMIN,
    ) -> None:
        """What is held about a reporter (partner account): account, organisation, reports."""
        from signals.partner.subjects import lookup_reporter

        _dump_or_refuse(_checked(actor, "admin", "privacy.reporter.lookup", lambda session:
                                 lookup_reporter(session, account, actor=actor,
                                                 reference=reference)))

    @privacy_app.command("erase-reporter")
    def erase_reporter_cmd(
        account: str = _ACCOUNT,
        reference: str = _REFERENCE,
        actor: str = _AS_ADMIN,
        yes: bool = _YES,
    ) -> None:
        """Unlink a reporter from their reports and disable the account (AVG art. 17)."""
        from signals.partner.subjects import erase_reporter

        _confirm(yes, f"Unlink {account} from their reports and disable it?")
        _dump_or_refuse(_checked(actor, "admin", "privacy.reporter.erase", lambda session:
                                 erase_reporter(session, account, actor=actor,
                                                reference=reference)))

    @privacy_app.command("reveal-request")
    def reveal_request_cmd(
        signal_id: int = typer.Option(..., "--signal"),
        post_id: int = typer.Option(..., "--post"),
        ground: str = typer.Option(..., "--ground", help="The legal ground for the reveal."),
        actor: str = typer.Option(..., "--as", help="Requesting supervisor."),
    ) -> None:
        """Ask to reveal the escrowed author of one post of an escalated signal."""
        from signals.privacy.reveal import request_reveal

        request_id = _run(_checked(actor, "supervisor", "privacy.reveal.request", lambda session:
                                   request_reveal(session, signal_id=signal_id, post_id=post_id,
                                                  actor=actor, legal_ground=ground).id))
        console.print(f"verzoek {request_id} ingediend; een tweede supervisor moet goedkeuren")

    @privacy_app.command("reveal-approve")
    def reveal_approve_cmd(
        request_id: int = typer.Option(..., "--request"),
        actor: str = typer.Option(..., "--as", help="Approving (second) supervisor."),
        reject: bool = typer.Option(False, "--reject", help="Reject instead of approve."),
        note: str = typer.Option("", "--note"),
    ) -> None:
        """The second supervisor approves (or rejects) a reveal request."""
        from signals.privacy.reveal import decide_reveal

        status = _run(_checked(
            actor, "supervisor", "privacy.reveal." + ("reject" if reject else "approve"),
            lambda session: decide_reveal(session, request_id, actor=actor, approve=not reject,
                                          note=note).status))
        console.print(f"verzoek {request_id}: {status}")

    @privacy_app.command("reveal-show")
    def reveal_show_cmd(
        request_id: int = typer.Option(..., "--request"),
        actor: str = typer.Option(..., "--as", help="Requester or approver."),
    ) -> None:
        """Show the handle of an approved request (audited each time)."""
        from signals.privacy.reveal import reveal

        console.print(_run(_checked(actor, "supervisor", "privacy.reveal", lambda session:
                                    reveal(session, request_id, actor=actor))), markup=False)

    @app.command("autotag")
    def autotag_cmd(
        state: str = typer.Argument(..., help="on or off"),
        actor: str = _AS_ADMIN,
        reason: str = typer.Option(..., "--reason", help="Why (audited)."),
    ) -> None:
        """Kill switch for automated tagging; collection and manual review go on."""
        from signals.actor import Actor
        from signals.switches import set_autotag

        if state not in {"on", "off"}:
            raise typer.BadParameter("state must be 'on' or 'off'")

        _run(_checked(actor, "admin", f"autotag.{state}", lambda session: set_autotag(
            session, state == "on", actor=Actor(actor, "admin"), reason=reason)))
        console.print(f"automatisch labelen: {'aan' if state == 'on' else 'UIT'}")


def _ids(ids: list[int], limit: int = 20) -> str:
    shown = ", ".join(str(i) for i in ids[:limit])
    return shown + (f" … (+{len(ids) - limit})" if len(ids) > limit else "")
