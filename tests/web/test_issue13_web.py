"""Issue 13 in the web app: severity colour (fact 7), register status in the form (fact 4),
the district filter (fact 2) and "buiten Almere — n.v.t." (fact 3). Fails on the old code."""

from __future__ import annotations

import re

from sqlalchemy import select

from signals.db.models import RegisterEntry
from signals.db.session import session_scope

from .conftest import login, make_signal, page_csrf


def _badge_classes(html: str) -> list[str]:
    return re.findall(r'class="(sevbadge[^"]*)"', html)


def test_signal_page_badge_has_the_queue_colour(client, env) -> None:
    low = make_signal(env.engine, severity=0.38, title="Laag signaal", key="low")
    login(client, "analyst")
    page = client.get(f"/signalen/{low}").text
    assert _badge_classes(page) == ["sevbadge big sev-low"]
    queue = client.get("/signalen").text
    assert "sevbadge sev-low" in queue


def test_scores_shown_alike_get_one_colour(client, env) -> None:
    make_signal(env.engine, severity=0.4000, title="Signaal A", key="a")
    make_signal(env.engine, severity=0.3998, title="Signaal B", key="b")
    login(client, "analyst")
    queue = client.get("/signalen").text
    rows = re.findall(r'<tr class="(sev-\w+)">\s*<td class="sev"><span class="sevbadge ([^"]+)"'
                      r"[^>]*>0\.40<", queue)
    assert len(rows) == 2, rows
    assert {row for row, _ in rows} == {"sev-mid"}


def test_register_form_refuses_an_unknown_status(client, env) -> None:
    login(client, "supervisor")
    token = page_csrf(client, "/register")
    page = client.get("/register").text
    assert '<select name="status">' in page and "ingetrokken" in page
    answer = client.post(
        "/register",
        data={"reference": "WOM-2026-999", "place": "Esplanade", "start": "2026-11-28T13:00",
              "end": "2026-11-28T15:00", "status": "onzin", "csrf_token": token},
    )
    assert answer.status_code == 409 and "onzin" in answer.text
    with session_scope(env.engine) as session:
        assert session.scalar(select(RegisterEntry.id)) is None


def test_api_refuses_an_unknown_status(client) -> None:
    login(client, "supervisor")
    token = client.get("/api/me").json()["csrf_token"]
    answer = client.post(
        "/api/register",
        json={"reference": "WOM-2026-998", "place": "Esplanade",
              "start_at": "2026-11-28T14:00:00+01:00", "end_at": "2026-11-28T16:00:00+01:00",
              "status": "onzin"},
        headers={"X-CSRF-Token": token},
    )
    assert answer.status_code == 422


def test_district_filter_offers_no_oosterwold_and_finds_hout(client, env) -> None:
    make_signal(env.engine, district="Almere Hout", title="Oproep Oosterwold", key="h")
    login(client, "analyst")
    page = client.get("/signalen").text
    assert "Almere Oosterwold" not in page
    found = client.get("/signalen", params={"district": "Almere Hout"}).text
    assert "Oproep Oosterwold" in found


def test_outside_almere_shows_not_applicable(client, env) -> None:
    sid = make_signal(env.engine, notification="buiten Almere", title="Demo op de Dam", key="d")
    login(client, "analyst")
    assert "buiten Almere — n.v.t." in client.get("/signalen").text
    assert "buiten Almere — n.v.t." in client.get(f"/signalen/{sid}").text
