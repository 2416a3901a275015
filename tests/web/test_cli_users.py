"""`signals users ...` against a real database."""

from __future__ import annotations

import typer
from sqlalchemy import select
from typer.testing import CliRunner

from signals.auth import verify_password
from signals.cli import users_cmds
from signals.db.models import AuditEvent, User
from signals.db.session import session_scope


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test harness."""

    users_cmds.register(app)
    return app


def test_users_add_list_disable(env):
    runner = CliRunner()
    app = _app()
    added = runner.invoke(app, ["users", "add", "nieuw", "--role", "analyst", "--password", "-"])
    assert added.exit_code == 0, added.output
    generated = added.output.split("password (shown once): ")[1].strip()
    chosen = runner.invoke(
        app, ["users", "add", "toezicht", "--role", "auditor", "--password", "een-lang-wachtwoord"]
    )
    assert chosen.exit_code == 0
    assert "shown once" not in chosen.output
    bad_role = runner.invoke(app, ["users", "add", "x", "--role", "baas", "--password", "-"])
    assert bad_role.exit_code == 1 and "Onbekende rol" in bad_role.output
    assert runner.invoke(app, ["users", "disable", "nieuw"]).exit_code == 0
    listing = runner.invoke(app, ["users", "list"])
    assert "nieuw\tanalyst\tdisabled" in listing.output
    assert "toezicht\tauditor\tactive" in listing.output
    with session_scope(env.engine) as session:
        user = session.scalar(select(User).where(User.username == "nieuw"))
        assert verify_password(user.password_hash, generated)
        assert user.password_hash.startswith("$argon2")
        actions = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.target_type == "user", AuditEvent.actor == "cli"
            )
        ).all()
        assert actions.count("user.create") == 2 and "user.disable" in actions


def test_production_password_hashing_keeps_argon2_defaults() -> None:
    # The suite hashes cheaply (tests/conftest.py); what a deployment hashes with is fixed here:
    # argon2id with at least argon2-cffi's defaults (RFC 9106 low-memory profile).
    from argon2 import Type, extract_parameters

    import signals.auth

    params = extract_parameters(signals.auth._DUMMY_HASH)
    assert params.type is Type.ID
    assert params.time_cost >= 3 and params.memory_cost >= 65536 and params.parallelism >= 4
