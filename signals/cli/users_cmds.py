"""`signals users add|list|disable|enable|role|password`: accounts for the web app."""

from __future__ import annotations

import typer

from signals.actor import Actor

ROLE_HELP = "analyst, supervisor, auditor, admin or partner"
# The host operator at the shell: audited by this name, without a role (no web account acts).
OPERATOR = Actor("cli", "")


def register(app: typer.Typer) -> None:
    users = typer.Typer(help="Manage web-app accounts (argon2-hashed passwords).")
    app.add_typer(users, name="users")

    @users.command("add")
    def add(
        username: str,
        role: str = typer.Option("analyst", "--role", help=ROLE_HELP),
        password: str | None = typer.Option(
            None, "--password", help="Leave out to be prompted; '-' generates one."
        ),
        organisation: str | None = typer.Option(
            None, "--organisation", help="For a partner: the partner organisation's name."
        ),
        kind: str | None = typer.Option(
            None, "--kind", help="Creates the organisation if it does not exist yet: politie, "
            "onderwijs, jongerenwerk, boa, woningcorporatie, zorg or anders."
        ),
    ) -> None:
        """Create an account. A generated password is printed once and stored nowhere. A
        partner account belongs to a partner organisation (--organisation)."""
        from signals import auth
        from signals.db.session import session_scope

        generated = False
        if password is None:
            password = typer.prompt(
                "Password (empty: generate one)",
                default="",
                hide_input=True,
                confirmation_prompt=True,
                show_default=False,
            )
        if not password or password == "-":
            password, generated = auth.generate_password(), True
        from nlp.vocabulary import PARTNER
        from signals.errors import DomainError

        try:
            with session_scope() as session:
                if role == PARTNER:
                    _add_partner(session, username, password, organisation, kind)
                else:
                    auth.create_user(session, username, password, role, actor=OPERATOR)
        except (auth.AuthError, DomainError) as exc:
            typer.echo(f"error: {getattr(exc, 'message', exc)}", err=True)
            raise typer.Exit(1) from exc
        typer.echo(f"created {username} ({role})")
        if generated:
            typer.echo(f"password (shown once): {password}")

    def _add_partner(
        session, username: str, password: str, organisation: str | None, kind: str | None
    ) -> None:
        from sqlalchemy import func, select

        from signals.db.partner_models import PartnerOrganisation
        from signals.errors import DomainError
        from signals.services import Actor, partner_admin

        host = Actor("cli", "admin")  # the host operator, as for every CLI account
        if not organisation:
            raise DomainError("Een partneraccount hoort bij een organisatie: --organisation.")
        org = session.scalar(
            select(PartnerOrganisation).where(
                func.lower(PartnerOrganisation.name) == organisation.strip().lower()
            )
        )
        if org is None and kind:
            org = partner_admin.create_organisation(session, host, organisation, kind)
        if org is None:
            raise DomainError(f"Organisatie '{organisation}' bestaat niet (geef --kind).")
        partner_admin.create_partner_account(session, host, username, org.id, password)

    @users.command("list")
    def list_() -> None:
        """List accounts with role and status."""
        from signals import auth
        from signals.db.session import session_scope

        with session_scope() as session:
            pending = auth.pending_roles(session)
            for user in auth.list_users(session):
                state = "active" if user.active else "disabled"
                if user.id in pending:
                    state += f", {pending[user.id]} awaiting a second admin"
                typer.echo(f"{user.username}\t{user.role}\t{state}")

    def _change(username: str, action: str, value: str | None = None) -> None:
        from signals import auth
        from signals.db.session import session_scope

        try:
            with session_scope() as session:
                if action == "disable":
                    auth.set_active(session, username, False, actor=OPERATOR)
                elif action == "enable":
                    auth.set_active(session, username, True, actor=OPERATOR)
                elif action == "role":
                    auth.set_role(session, username, value or "", actor=OPERATOR)
                elif action == "password":
                    auth.set_password(session, username, value or "", actor=OPERATOR)
        except auth.AuthError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from exc
        typer.echo(f"{username}: {action} done")

    @users.command("approve")
    def approve(
        username: str,
        reject: bool = typer.Option(False, "--reject", help="Reject instead of approve."),
    ) -> None:
        """Decide a supervisor/admin role that a web admin requested (the host operator's way
        when there is no second admin yet). Alerted and audited like a web approval."""
        from signals import auth
        from signals.db.session import session_scope

        try:
            with session_scope() as session:
                auth.decide_role_grant(session, username, approve=not reject, actor=OPERATOR)
        except auth.AuthError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from exc
        typer.echo(f"{username}: {'rejected' if reject else 'approved'}")

    @users.command("disable")
    def disable(username: str) -> None:
        """Disable an account (takes effect on its next request)."""
        _change(username, "disable")

    @users.command("enable")
    def enable(username: str) -> None:
        """Re-enable an account and clear a lockout."""
        _change(username, "enable")

    @users.command("role")
    def role(username: str, new_role: str = typer.Argument(..., help=ROLE_HELP)) -> None:
        """Change an account's role."""
        _change(username, "role", new_role)

    @users.command("password")
    def password(username: str) -> None:
        """Set a new password (prompted); ends every session of the account."""
        value = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
        _change(username, "password", value)
