"""Alerts against a real local SMTP server (aiosmtpd) and a local webhook receiver."""

from __future__ import annotations

import dataclasses
import json
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller
from detect_support import NOW, SATURDAY_14, MakePost
from sqlalchemy import select
from sqlalchemy.orm import Session

from signals.alerts import send_alerts
from signals.config import Settings, get_settings
from signals.db.models import AuditEvent, Signal
from signals.detection.lifecycle import detect

PSEUDONYM = "pseu_a1b2c3d4e5f60718"
POST_TEXT = "Vanavond pullen we up bij de Kruidenwijk, neem vuurwerk mee voor de blauwe"


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[str] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd API)
        self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[int, _Inbox]]:
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict]]]:
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server API)
            length = int(self.headers.get("Content-Length", 0))
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"1")

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hook", received
    finally:
        server.shutdown()
        server.server_close()


def _settings(**changes) -> Settings:
    defaults = {
        "base_url": "https://oov.example.nl",
        "alert_min_severity": 0.6,
        "smtp_host": None,
        "webhook_url": None,
        "smtp_from": "oov-signals@example.nl",
        "smtp_to": ("oov-team@example.nl",),
    }
    return dataclasses.replace(get_settings(), **{**defaults, **changes})


def _urgent_signal(session: Session, make_post: MakePost) -> Signal:
    pid = make_post(
        POST_TEXT,
        flags=("call_to_gathering", "threat", "anti_government"),
        probs={"call_to_gathering": 0.92, "threat": 0.85, "anti_government": 0.7},
        place="Kruidenwijk",
        event_time=NOW + timedelta(hours=8),
        author=PSEUDONYM,
    )
    result = detect(session, [pid], now=NOW)
    return session.get(Signal, result.new_signal_ids[0])


def test_new_signal_alerts_by_mail_and_webhook_without_personal_data(
    session: Session, make_post: MakePost, smtp, webhook
) -> None:
    port, inbox = smtp
    url, received = webhook
    signal = _urgent_signal(session, make_post)
    assert signal.severity >= 0.6

    outcomes = send_alerts(
        session, [signal.id], _settings(smtp_host="127.0.0.1", smtp_port=port, webhook_url=url)
    )
    assert sorted((o.channel, o.ok) for o in outcomes) == [("email", True), ("webhook", True)]
    assert len(inbox.messages) == 1 and len(received) == 1

    mail, hook = inbox.messages[0], json.dumps(received[0], ensure_ascii=False)
    link = f"https://oov.example.nl/signalen/{signal.id}"
    for message in (mail, hook):
        assert link in message
        assert "Almere Stad" in message  # district
        assert "Oproep tot samenkomst" in message  # type
        assert PSEUDONYM not in message
        assert "pseu_" not in message
        assert "vuurwerk" not in message and "pullen" not in message
        assert "Kruidenwijk" not in message  # only the district, not the place or the title
    assert received[0]["text"] and received[0]["severity"] == pytest.approx(signal.severity)
    assert signal.alerted_severity == signal.severity

    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "alert.sent")).one()
    assert event.target_id == str(signal.id)
    assert event.details["delivered"] == ["email", "webhook"]


def test_alert_not_resent_unless_severity_rises(
    session: Session, make_post: MakePost, smtp, webhook
) -> None:
    port, inbox = smtp
    url, received = webhook
    settings = _settings(
        smtp_host="127.0.0.1", smtp_port=port, webhook_url=url, alert_min_severity=0.5
    )
    first = make_post(
        POST_TEXT,
        probs={"call_to_gathering": 0.7, "threat": 0.3},
        place="Kruidenwijk",
        event_time=NOW + timedelta(hours=8),
    )
    signal = session.get(Signal, detect(session, [first], now=NOW).new_signal_ids[0])
    send_alerts(session, [signal.id], settings)
    assert len(inbox.messages) == 1

    # More copies from the same source barely move the score: no new alert.
    ids = [make_post(POST_TEXT + " !", place="Kruidenwijk", event_time=NOW + timedelta(hours=8))]
    detect(session, ids, now=NOW)
    assert send_alerts(session, [signal.id], settings) == []
    assert len(inbox.messages) == 1 and len(received) == 1

    # A clear rise (many sources pick it up) alerts again, as an escalation.
    more = [
        make_post(
            "Fwd: " + POST_TEXT,
            source=f"channel-{i}",
            flags=("call_to_gathering", "threat"),
            probs={"call_to_gathering": 0.9, "threat": 0.9},
            place="Kruidenwijk",
            event_time=NOW + timedelta(hours=8),
        )
        for i in range(8)
    ]
    detect(session, more, now=NOW)
    session.refresh(signal)
    assert signal.severity >= signal.alerted_severity + 0.1
    outcomes = send_alerts(session, [signal.id], settings)
    assert [o.ok for o in outcomes] == [True, True]
    assert len(inbox.messages) == 2 and "Ernst gestegen" in inbox.messages[1]


def test_below_threshold_or_dismissed_sends_nothing(
    session: Session, make_post: MakePost, smtp
) -> None:
    port, inbox = smtp
    signal = _urgent_signal(session, make_post)
    assert (
        send_alerts(
            session,
            [signal.id],
            _settings(smtp_host="127.0.0.1", smtp_port=port, alert_min_severity=0.99),
        )
        == []
    )
    signal.status = "dismissed"
    assert send_alerts(session, [signal.id], _settings(smtp_host="127.0.0.1", smtp_port=port)) == []
    assert inbox.messages == []


def test_failures_are_returned_not_raised(session: Session, make_post: MakePost, webhook) -> None:
    url, received = webhook
    dead = _free_port()  # nothing listens here
    signal = _urgent_signal(session, make_post)
    outcomes = send_alerts(
        session,
        [signal.id],
        _settings(smtp_host="127.0.0.1", smtp_port=dead, webhook_url=f"http://127.0.0.1:{dead}/x"),
    )
    assert [(o.channel, o.ok) for o in outcomes] == [("email", False), ("webhook", False)]
    assert all(o.error for o in outcomes)
    assert signal.alerted_severity is None  # so the next run tries again
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "alert.sent")).one()
    assert event.details["failed"] == ["email", "webhook"] and event.details["ok"] is False
    assert received == []


def test_signal_starting_below_threshold_alerts_when_it_crosses(
    session: Session, make_post: MakePost, webhook
) -> None:
    url, received = webhook
    settings = _settings(webhook_url=url, alert_min_severity=0.75)
    first = make_post(
        "Zaterdag naar het Stadhuisplein, we zijn het zat",
        probs={"call_to_gathering": 0.6},
        event_time=SATURDAY_14 + timedelta(days=5),
    )
    signal = session.get(Signal, detect(session, [first], now=NOW).new_signal_ids[0])
    assert signal.severity < 0.75
    assert send_alerts(session, [signal.id], settings) == []
    copies = [
        make_post(
            "Zaterdag naar het Stadhuisplein, we zijn het zat!!",
            source=f"s{i}",
            probs={"call_to_gathering": 0.95, "threat": 0.9},
            flags=("call_to_gathering", "threat"),
            event_time=SATURDAY_14 + timedelta(days=5),
        )
        for i in range(10)
    ]
    detect(session, copies, now=NOW)
    session.refresh(signal)
    assert signal.severity >= 0.75
    assert [o.ok for o in send_alerts(session, [signal.id], settings)] == [True]
    assert len(received) == 1
