"""Operational switches. The automated-tagging kill switch (LEGAL.md) is the first."""

from __future__ import annotations

from sqlalchemy.orm import Session

from signals.actor import Actor
from signals.audit import record_as
from signals.config import get_settings
from signals.db.models import AppSetting
from signals.db.types import utcnow

AUTOTAG_KEY = "autotag"


def autotag_enabled(session: Session) -> bool:
    """Off when either the environment (SIGNALS_AUTOTAG=off) or an admin turned it off."""
    if not get_settings().autotag:
        return False
    row = session.get(AppSetting, AUTOTAG_KEY)
    return True if row is None else bool(row.value.get("enabled", True))


def set_autotag(session: Session, enabled: bool, *, actor: Actor, reason: str) -> None:
    row = session.get(AppSetting, AUTOTAG_KEY)
    if row is None:
        row = AppSetting(key=AUTOTAG_KEY, value={})
        session.add(row)
    row.value = {"enabled": enabled}
    row.updated_at = utcnow()
    row.updated_by = actor.username
    record_as(
        session, actor,
        action="autotag.on" if enabled else "autotag.off",
        target_type="setting", target_id=AUTOTAG_KEY, purpose=reason,
    )
