"""`signals users add --role partner`: a partner account needs its organisation."""

from __future__ import annotations

from sqlalchemy import select
from typer.testing import CliRunner

from signals.cli import app
from signals.db.models import User
from signals.db.partner_models import PartnerAccount, PartnerOrganisation
from signals.db.session import session_scope


def test_cli_creates_a_partner_in_an_organisation(signals_env):
    runner = CliRunner()
    refused = runner.invoke(app, ["users", "add", "jw1", "--role", "partner", "--password", "-"])
    assert refused.exit_code == 1 and "organisatie" in refused.output
    unknown = runner.invoke(app, ["users", "add", "jw1", "--role", "partner", "--password", "-",
                                  "--organisation", "Buurtwerk"])
    assert unknown.exit_code == 1 and "bestaat niet" in unknown.output
    made = runner.invoke(app, ["users", "add", "jw1", "--role", "partner", "--password", "-",
                               "--organisation", "Buurtwerk", "--kind", "jongerenwerk"])
    assert made.exit_code == 0, made.output
    assert "password (shown once)" in made.output
    with session_scope() as session:
        user = session.scalar(select(User).where(User.username == "jw1"))
        org = session.get(PartnerAccount, user.id).organisation
        assert (user.role, org.name, org.kind) == ("partner", "Buurtwerk", "jongerenwerk")
        assert session.scalar(select(PartnerOrganisation.id).where(
            PartnerOrganisation.name == "Buurtwerk")) == org.id
    changed = runner.invoke(app, ["users", "role", "jw1", "analyst"])
    assert changed.exit_code == 1 and "partner" in changed.output
