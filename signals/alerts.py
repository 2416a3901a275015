"""Alerts for new or escalating signals: an SMTP e-mail and a generic JSON webhook (Teams-style).

A message carries only the type, severity, district, event time and a link into the application:
no post text, no title, no author pseudonym, nothing about a person. Whoever follows the link
logs in, and that view is audited like any other.

Sending never raises into the pipeline: every failure is returned, logged and audited.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import smtplib
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from nlp.vocabulary import district_group
from signals import audit
from signals.config import Settings, get_settings
from signals.db.models import Signal
from signals.wording import TYPE_TITLES, format_event_time

log = logging.getLogger(__name__)

# After an alert, a signal alerts again only when its severity has risen by at least this much.
RESEND_STEP = 0.1
QUIET_STATUSES = frozenset({"dismissed", "closed"})
TIMEOUT_S = 10


@dataclass(slots=True)
class AlertOutcome:
    signal_id: int
    channel: str  # "email" | "webhook"
    ok: bool
    error: str | None = None

    @property
    def sent(self) -> bool:
        return self.ok


def should_alert(signal: Signal, threshold: float) -> bool:
    """New above the threshold, or risen by RESEND_STEP since the last alert."""
    if signal.status in QUIET_STATUSES or signal.severity < threshold:
        return False
    if signal.alerted_severity is None:
        return True
    return signal.severity >= signal.alerted_severity + RESEND_STEP - 1e-9


def _types_nl(signal: Signal) -> str:
    names = [TYPE_TITLES[t] for t in TYPE_TITLES if t in (signal.types or [])]
    return ", ".join(names) or "Signaal"


def _message(signal: Signal, settings: Settings, escalation: bool) -> dict[str, str]:
    link = f"{settings.base_url.rstrip('/')}/signalen/{signal.id}"
    when = (format_event_time(signal.event_time, signal.event_time_text) if signal.event_time
            else "onbekend")
    kind = "Ernst gestegen" if escalation else "Nieuw signaal"
    lines = {
        "type": _types_nl(signal),
        "severity": f"{signal.severity:.2f}",
        # An Almere district, "buiten Almere" or "onbekend" (never the city of a place elsewhere).
        "district": district_group(signal.district, signal.in_almere),
        "time": when,
        "link": link,
    }
    subject = f"[oov-signals] {kind}: {lines['type']} (ernst {lines['severity']})"
    body = (
        f"{kind} (signaal {signal.id})\n"
        f"Type: {lines['type']}\n"
        f"Ernst: {lines['severity']}\n"
        f"Stadsdeel: {lines['district']}\n"
        f"Tijdstip: {lines['time']}\n"
        f"Bekijken (inloggen vereist): {link}\n"
    )
    return {"subject": subject, "body": body, **lines}


def _send_email(settings: Settings, msg: dict[str, str]) -> None:
    email = EmailMessage()
    email["Subject"] = msg["subject"]
    email["From"] = settings.smtp_from
    email["To"] = ", ".join(settings.smtp_to)
    email.set_content(msg["body"])
    with smtplib.SMTP(settings.smtp_host or "", settings.smtp_port, timeout=TIMEOUT_S) as smtp:
        smtp.send_message(email)


def _post_json(settings: Settings, payload: dict[str, object]) -> None:
    request = urllib.request.Request(
        settings.webhook_url or "",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
        if response.status >= 300:
            raise OSError(f"webhook antwoordde {response.status}")


def deliver_admin_alert(settings: Settings, msg: dict[str, str]) -> list[AlertOutcome]:
    """Send an account-management alert to the admins (SIGNALS_ADMIN_ALERT_TO, default the
    ordinary alert addresses) and the webhook. Never raises; returns one outcome per channel."""
    outcomes: list[AlertOutcome] = []
    to = settings.admin_alert_to or settings.smtp_to
    if settings.smtp_host and to:
        try:
            _send_email(dataclasses.replace(settings, smtp_to=tuple(to)), msg)
            outcomes.append(AlertOutcome(0, "email", True))
        except Exception as exc:  # an alert failure is an outcome, never a crash
            outcomes.append(AlertOutcome(0, "email", False, f"{type(exc).__name__}: {exc}"[:300]))
    if settings.webhook_url:
        try:
            _post_json(settings, {"text": msg["body"], "title": msg["subject"], "kind": "account"})
            outcomes.append(AlertOutcome(0, "webhook", True))
        except Exception as exc:
            outcomes.append(AlertOutcome(0, "webhook", False, f"{type(exc).__name__}: {exc}"[:300]))
    return outcomes


def alert_role_change(
    session: Session, text: str, details: dict[str, object], settings: Settings | None = None
) -> None:
    """Tell the admins about a created account or a role change once the transaction that
    made it commits (a rolled-back change is not announced, and no mail server is waited for
    while the change holds database locks). The delivery is audited as `alert.role_change`
    in its own transaction; without a configured channel nothing is sent or recorded."""
    settings = settings or get_settings()
    msg = {
        "subject": "[oov-signals] Rolwijziging: " + text[:120],
        "body": text + f"\nGebruikers: {settings.base_url.rstrip('/')}/gebruikers\n",
    }
    session.info.setdefault(_PENDING, []).append((settings, msg, dict(details)))
    if not session.info.get(_HOOKED):
        session.info[_HOOKED] = True
        event.listen(session, "after_commit", _deliver_after_commit)
        event.listen(session, "after_rollback", _drop_pending)


_PENDING = "signals.alerts.role_changes"
_HOOKED = "signals.alerts.role_changes_hooked"


def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _deliver_after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    if not pending:
        return
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    for settings, msg, details in pending:
        outcomes = deliver_admin_alert(settings, msg)
        if not outcomes:
            continue
        try:
            with Session(engine) as other, other.begin():
                audit.record(
                    other,
                    actor="system",
                    action="alert.role_change",
                    target_type="user",
                    purpose="melding rolwijziging aan beheerders",
                    details={
                        **{
                            k: v
                            for k, v in details.items()
                            if k in {"username", "from", "to", "by"}
                        },
                        "delivered": [o.channel for o in outcomes if o.ok],
                        "failed": [o.channel for o in outcomes if not o.ok],
                    },
                )
        except Exception:  # the change is committed; a failed record must not undo a response
            log.exception("could not audit the role-change alert")


def _send_webhook(settings: Settings, signal: Signal, msg: dict[str, str]) -> None:
    # "text" is what a Teams (or Slack/Mattermost) incoming webhook displays; the structured
    # fields are for receivers that want them.
    payload = {
        "text": msg["body"].replace("\n", "  \n"),
        "title": msg["subject"],
        "signal_id": signal.id,
        "type": msg["type"],
        "severity": round(signal.severity, 4),
        "district": signal.district,
        "event_time": signal.event_time.isoformat() if signal.event_time else None,
        "link": msg["link"],
    }
    _post_json(settings, payload)


def send_alerts(
    session: Session, signal_ids: list[int], settings: Settings | None = None
) -> list[AlertOutcome]:
    """Alert on each given signal that is new above `alert_min_severity` or has risen since its
    last alert. `alerted_severity` is set when at least one channel delivered."""
    settings = settings or get_settings()
    outcomes: list[AlertOutcome] = []
    if not signal_ids:
        return outcomes
    email_on = bool(settings.smtp_host and settings.smtp_to)
    webhook_on = bool(settings.webhook_url)
    if not (email_on or webhook_on):
        log.debug("alerts: no channel configured")
        return outcomes
    signals = session.scalars(select(Signal).where(Signal.id.in_(set(signal_ids)))).all()
    for signal in sorted(signals, key=lambda s: s.id):
        if not should_alert(signal, settings.alert_min_severity):
            continue
        escalation = signal.alerted_severity is not None
        msg = _message(signal, settings, escalation)
        results: list[AlertOutcome] = []
        channels = [("email", email_on), ("webhook", webhook_on)]
        for channel, enabled in channels:
            if not enabled:
                continue
            try:
                if channel == "email":
                    _send_email(settings, msg)
                else:
                    _send_webhook(settings, signal, msg)
                results.append(AlertOutcome(signal.id, channel, True))
            except Exception as exc:  # any failure is an outcome, never a pipeline crash
                error = f"{type(exc).__name__}: {exc}"[:300]
                log.warning("alert for signal %s via %s failed: %s", signal.id, channel, error)
                results.append(AlertOutcome(signal.id, channel, False, error))
        delivered = any(r.ok for r in results)
        if delivered:
            signal.alerted_severity = signal.severity
        audit.record(
            session,
            actor="system",
            action="alert.sent",
            target_type="signal",
            target_id=signal.id,
            purpose="melding nieuw of escalerend signaal",
            details={
                "severity": round(signal.severity, 4),
                "escalation": escalation,
                "ok": delivered,
                "delivered": [r.channel for r in results if r.ok],
                "failed": [r.channel for r in results if not r.ok],
            },
        )
        outcomes.extend(results)
    return outcomes
