"""Interventions by their names, never their ids, wherever people read them."""

from __future__ import annotations

from sqlalchemy.orm import Session, object_session

from nlp.vocabulary import APPROVAL_NL
from signals.db.models import ChosenIntervention
from signals.protocol.service import version_protocol


def intervention_name(session: Session | None, version: str, intervention_id: str) -> str:
    """The name the protocol version gives the intervention; the id only if the version is
    gone (it never is: versions are kept), so a page never breaks on it."""
    protocol = version_protocol(session, version) if session is not None else None
    item = protocol.get(intervention_id) if protocol else None
    return item.name if item else intervention_id


def chosen_name(row: ChosenIntervention) -> str:
    """For templates: `{{ iv|intervention_nl }}` on a chosen intervention row."""
    return intervention_name(object_session(row), row.protocol_version, row.intervention_id)


def approval_nl(status: str | None) -> str:
    return APPROVAL_NL.get(status or "", status or "—")
