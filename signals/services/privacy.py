"""The privacy page's facts for one person: the public statement (purposes, legal basis, the
algorithm and models in use, the sources), the retention policy, the kill switch, and, for a
supervisor, the four-eyes reveal requests they may act on. The reveal acts themselves are
`signals.privacy.reveal`; they refuse before changing anything and audit the refusal."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from nlp.vocabulary import SUPERVISOR
from signals.config import Settings
from signals.privacy import reveal, statement
from signals.retention import load_policy
from signals.services import Actor
from signals.switches import autotag_enabled


def overview(session: Session, actor: Actor, settings: Settings) -> dict[str, Any]:
    """Everything the privacy page shows, by name (a broken retention policy is shown as its
    error, not raised: the page must stay readable)."""
    try:
        policy, policy_error = load_policy(), None
    except ValueError as exc:
        policy, policy_error = None, str(exc)
    supervisor = actor.role == SUPERVISOR
    return {
        "purposes": statement.PURPOSES,
        "legal_basis": statement.LEGAL_BASIS,
        "limits": statement.LIMITS,
        "algorithm": statement.algorithm(settings),
        "models": statement.models_in_use(settings),
        "registry": statement.source_registry(settings),
        "demo": statement.is_demo(settings),
        "policy": policy,
        "policy_error": policy_error,
        "autotag_env": settings.autotag,
        "autotag": autotag_enabled(session),
        "pending": reveal.pending_requests(session) if supervisor else [],
        "approved": reveal.approved_for(session, actor.username) if supervisor else [],
    }
