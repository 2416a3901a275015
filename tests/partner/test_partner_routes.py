"""The partner pages and API through HTTP: the two-step form, status only, no way into the
analysts' side, the reporter's identity for supervisors only, hostile input, API keys."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from signals.db.models import AuditEvent
from signals.db.partner_models import PartnerOrganisation, PartnerReport
from signals.db.session import session_scope
from signals.web.app import iter_api_routes

from .conftest import csrf_from, login, online_call, page_csrf

FORM = {
    "what": "Op school wordt gepraat over een afspraak om te gaan rellen bij het stadhuis.",
    "where": "Stadhuisplein",
    "when": "zaterdag 14:00",
    "knowledge": "gehoord",
    "urgency": "hoog",
    "contact": "",
}
PII = "Bel Jan de Vries op 06-12345678"


def _reports(engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(PartnerReport))


def _as(client, username: str) -> str:
    assert login(client, username).status_code == 303
    return page_csrf(client, "/melden" if username.startswith("partner") else "/wachtwoord")


def _submit(client, token: str, **changes) -> int:
    """Check, then confirm; the id of the stored report."""
    data = {**FORM, **changes, "csrf_token": token}
    assert client.post("/melden", data=data).status_code == 200
    done = client.post("/melden/bevestigen", data=data, follow_redirects=False)
    assert done.status_code == 303, done.text[:500]
    return int(re.search(r"/mijn-meldingen/(\d+)", done.headers["location"]).group(1))


def test_the_form_says_places_not_persons_and_where_person_reports_belong(client, env):
    token = _as(client, "partner")
    page = client.get("/melden").text
    assert "Meld plaatsen en gebeurtenissen, geen personen" in page
    assert "casusoverleg radicalisering van het Zorg- en Veiligheidshuis" in page
    assert env.settings.zvh_casus_url in page and env.settings.zvh_casus_phone in page
    assert '<datalist id="plaatsen">' in page and '<option value="Stadhuisplein">' in page
    assert token


def test_check_then_confirm_stores_only_the_confirmed_report(client, env):
    token = _as(client, "partner")
    checked = client.post("/melden", data={**FORM, "csrf_token": token})
    assert checked.status_code == 200
    assert re.search(r"U bedoelt: zaterdag \d{1,2} \w+, 14:00", checked.text)
    assert _reports(env.engine) == 0  # checking stores nothing
    done = client.post("/melden/bevestigen", data={**FORM, "csrf_token": token},
                       follow_redirects=False)
    assert done.status_code == 303
    page = client.get(done.headers["location"]).text
    number = re.search(r"M-\d{6}", page).group(0)
    assert "uw melding is verstuurd" in page and "ontvangen" in page
    assert number in client.get("/mijn-meldingen").text
    assert _reports(env.engine) == 1


def test_personal_data_is_shown_marked_and_nothing_is_stored(client, env):
    token = _as(client, "partner")
    response = client.post("/melden", data={**FORM, "what": f"{FORM['what']} {PII}.",
                                            "csrf_token": token})
    assert response.status_code == 422
    assert "Haal persoonsgegevens weg" in response.text
    assert re.search(r'<mark class="pii"[^>]*>[^<]*12345678', response.text)
    # A client that skips the check and posts the confirmation directly is refused the same way.
    response = client.post("/melden/bevestigen", data={**FORM, "when": "06-12345678",
                                                       "csrf_token": token})
    assert response.status_code == 422 and "Haal persoonsgegevens weg" in response.text
    assert _reports(env.engine) == 0


def test_hostile_input_is_refused_or_escaped(client, env):
    token = _as(client, "partner")
    too_long = client.post("/melden", data={**FORM, "what": "x" * 2500, "csrf_token": token})
    assert too_long.status_code == 422 and "te lang" in too_long.text
    huge = client.post("/melden", data={**FORM, "what": "x" * 50_000, "csrf_token": token})
    assert huge.status_code == 422
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    report_id = _submit(client, token, what=f"Onrust bij het stadhuis {script}")
    page = client.get(f"/mijn-meldingen/{report_id}").text
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    client.cookies.clear()
    _as(client, "analyst")
    with session_scope(env.engine) as session:
        signal_id = session.get(PartnerReport, report_id).signal_id
    page = client.get(f"/signalen/{signal_id}").text
    assert "<script>alert" not in page and "<img src=x" not in page


def test_a_partner_reaches_no_route_of_another_role(client, env):
    signal_id = online_call(env.engine)
    token = _as(client, "partner")
    tried = 0
    for path, route in iter_api_routes(client.app):
        roles: set[str] = set()
        for dep in route.dependant.dependencies:
            roles |= set(getattr(dep.call, "roles", ()) or ())
        if not roles or "partner" in roles:
            continue
        url = re.sub(r"\{[^}]+\}", "1", path.replace("{signal_id}", str(signal_id)))
        for method in route.methods - {"HEAD", "OPTIONS"}:
            response = client.request(method, url, headers={"X-CSRF-Token": token},
                                      follow_redirects=False)
            assert response.status_code in {303, 403}, (method, path, response.status_code)
            assert "Stadhuisplein" not in response.text, (method, path)
            tried += 1
    assert tried >= 30
    # Logged in still, and only their own pages work.
    assert client.get("/mijn-meldingen").status_code == 200
    assert client.get("/", follow_redirects=False).headers["location"] == "/melden"


def test_a_replayed_csrf_token_is_refused(client, env):
    old = _as(client, "partner")
    client.post("/logout", data={"csrf_token": old})
    fresh = _as(client, "partner")
    assert fresh != old
    replay = client.post("/melden/bevestigen", data={**FORM, "csrf_token": old},
                         follow_redirects=False)
    assert replay.status_code == 403
    # Nor does another account's token work in this session.
    other = client.__class__(client.app)
    with other:
        theirs = _as(other, "partner2")
    crossed = client.post("/melden/bevestigen", data={**FORM, "csrf_token": theirs},
                          follow_redirects=False)
    assert crossed.status_code == 403
    assert _reports(env.engine) == 0


def test_analysts_see_the_report_but_not_the_reporter(client, env):
    online = online_call(env.engine)
    token = _as(client, "partner")
    report_id = _submit(client, token, contact="jw@example.nl")
    client.cookies.clear()
    _as(client, "analyst")
    page = client.get(f"/signalen/{online}").text
    assert "Meldingen van partners (1)" in page and FORM["what"] in page
    assert "partner: jongerenwerk" in page
    assert "Jongerenwerk Almere" not in page and "jw@example.nl" not in page
    assert "Wie meldde dit?" not in page
    assert "Bevestigd door melding partner" in page
    identity = f"/signalen/{online}/meldingen/{report_id}/melder"
    assert client.get(identity, follow_redirects=False).status_code == 403
    client.cookies.clear()
    _as(client, "supervisor")
    assert "Wie meldde dit?" in client.get(f"/signalen/{online}").text
    page = client.get(identity).text
    assert "Jongerenwerk Almere" in page and "jw@example.nl" in page
    with session_scope(env.engine) as session:
        looks = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "partner.reporter.view")).all()
        assert [(e.actor, e.target_id) for e in looks] == [("supervisor", str(report_id))]


def test_the_partner_sees_status_only_even_after_a_decision(client, env):
    token = _as(client, "partner")
    report_id = _submit(client, token)
    with session_scope(env.engine) as session:
        signal = session.get(PartnerReport, report_id).signal
        signal.status = "dismissed"
        signal_id = signal.id
    page = client.get(f"/mijn-meldingen/{report_id}").text
    assert "afgehandeld" in page
    assert "afgewezen" not in page and "dismissed" not in page
    assert client.get(f"/signalen/{signal_id}", follow_redirects=False).status_code == 403
    client.cookies.clear()
    _as(client, "partner2")
    assert client.get(f"/mijn-meldingen/{report_id}").status_code == 404


def test_admin_creates_partner_accounts_and_role_changes_cannot_make_one(client, env):
    _as(client, "admin")
    token = page_csrf(client, "/partners")
    with session_scope(env.engine) as session:
        org_id = session.scalar(select(PartnerOrganisation.id).where(
            PartnerOrganisation.name == "Jongerenwerk Almere"))
    page = client.post(f"/partners/{org_id}/accounts",
                       data={"username": "jw-nieuw", "csrf_token": token}).text
    password = re.search(r"Eenmalig wachtwoord: <code>([^<]+)</code>", page).group(1)
    refused = client.post("/gebruikers/analyst2", data={"op": "role", "role": "partner",
                                                         "csrf_token": token})
    assert refused.status_code == 409 and "partner" in refused.text
    client.cookies.clear()
    assert login(client, "jw-nieuw", password).headers["location"] == "/melden"


# --- the JSON API ---------------------------------------------------------------------------


def _token(client, env, org: str = "Jongerenwerk Almere") -> str:
    client.cookies.clear()
    _as(client, "admin")
    with session_scope(env.engine) as session:
        org_id = session.scalar(select(PartnerOrganisation.id).where(
            PartnerOrganisation.name == org))
    page = client.post(f"/partners/{org_id}/sleutels",
                       data={"label": "meldsysteem", "csrf_token": page_csrf(client, "/partners")})
    token = re.search(r"<code>(oovp_[^<]+)</code>", page.text).group(1)
    client.cookies.clear()
    return token


def test_api_submit_status_and_refusals(client, env):
    key = _token(client, env)
    other = _token(client, env, "Politie Flevoland")
    auth = {"Authorization": f"Bearer {key}"}
    created = client.post("/api/partner/meldingen", json=FORM, headers=auth)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "ontvangen" and body["number"].startswith("M-")
    assert client.get(f"/api/partner/meldingen/{body['id']}", headers=auth).json() == body
    # Another organisation's key does not see it; no key is 401; a bad key is 401.
    assert client.get(f"/api/partner/meldingen/{body['id']}",
                      headers={"Authorization": f"Bearer {other}"}).status_code == 404
    assert client.get(f"/api/partner/meldingen/{body['id']}").status_code == 401
    assert client.get(f"/api/partner/meldingen/{body['id']}",
                      headers={"Authorization": "Bearer oovp_guess"}).status_code == 401
    # Personal data: 422 with the hits, nothing stored.
    refused = client.post("/api/partner/meldingen", json={**FORM, "what": f"{FORM['what']} {PII}"},
                          headers=auth)
    assert refused.status_code == 422
    assert any(h["field"] == "what" and "12345678" in h["text"] for h in refused.json()["hits"])
    invalid = client.post("/api/partner/meldingen", json={**FORM, "what": "kort"}, headers=auth)
    assert invalid.status_code == 422 and "what" in invalid.json()["errors"]
    assert _reports(env.engine) == 1
    # A logged-in person is not a partner system.
    _as(client, "analyst")
    assert client.post("/api/partner/meldingen", json=FORM).status_code == 403


def test_a_revoked_key_stops_working(client, env):
    key = _token(client, env)
    auth = {"Authorization": f"Bearer {key}"}
    assert client.post("/api/partner/meldingen", json=FORM, headers=auth).status_code == 201
    _as(client, "admin")
    page = client.get("/partners").text
    token_id = re.search(r"/partners/sleutels/(\d+)/intrekken", page).group(1)
    client.post(f"/partners/sleutels/{token_id}/intrekken",
                data={"csrf_token": csrf_from(page)})
    client.cookies.clear()
    assert client.post("/api/partner/meldingen", json=FORM, headers=auth).status_code == 401


def test_api_rate_limit_answers_429_with_retry_after(client, env, monkeypatch):
    key = _token(client, env)
    auth = {"Authorization": f"Bearer {key}"}
    from signals.partner.tokens import RateLimiter

    client.app.state.partner_limiter = RateLimiter(limit=2)
    codes = [client.get("/api/partner/meldingen/999", headers=auth).status_code
             for _ in range(3)]
    assert codes == [404, 404, 429]
    last = client.get("/api/partner/meldingen/999", headers=auth)
    assert last.status_code == 429 and int(last.headers["Retry-After"]) >= 1
    assert "Te veel verzoeken" in last.json()["detail"]


@pytest.mark.parametrize("path", ["/openapi.json"])
def test_the_api_is_declared_in_openapi_with_its_key(client, path):
    schema = client.get(path).json()
    assert "/api/partner/meldingen" in schema["paths"]
    assert "/api/partner/meldingen/{report_id}" in schema["paths"]
    assert any(s.get("scheme") == "bearer"
               for s in schema["components"]["securitySchemes"].values())


def test_api_hostile_input(client, env):
    key = _token(client, env)
    auth = {"Authorization": f"Bearer {key}"}
    huge = client.post("/api/partner/meldingen", json={**FORM, "what": "x" * 50_000},
                       headers=auth)
    assert huge.status_code == 422 and huge.json()["detail"]
    too_long = client.post("/api/partner/meldingen", json={**FORM, "what": "x" * 2500},
                           headers=auth)
    assert too_long.status_code == 422 and "what" in too_long.json()["errors"]
    unknown_field = client.post("/api/partner/meldingen", json={**FORM, "reporter": "x"},
                                headers=auth)
    assert unknown_field.status_code == 422
    script = '<script>alert("x")</script>'
    stored = client.post("/api/partner/meldingen",
                         json={**FORM, "what": f"Onrust bij het stadhuis {script}"}, headers=auth)
    assert stored.status_code == 201
    assert _reports(env.engine) == 1
    _as(client, "analyst")
    with session_scope(env.engine) as session:
        signal_id = session.get(PartnerReport, stored.json()["id"]).signal_id
    page = client.get(f"/signalen/{signal_id}").text
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def _esplanade_melding(client, env) -> tuple[int, int, str, int]:
    """The partner reports Friday evening on the Esplanade: the report's id and its signal's
    id, title and version."""
    token = _as(client, "partner")
    report_id = _submit(client, token, where="Esplanade", when="vrijdagavond")
    with session_scope(env.engine) as session:
        signal = session.get(PartnerReport, report_id).signal
        return report_id, signal.id, signal.title, signal.version


def test_a_melding_signal_is_in_the_analysts_queue(client, env):
    _, signal_id, title, _ = _esplanade_melding(client, env)
    client.cookies.clear()
    _as(client, "analyst")
    queue = client.get("/signalen")
    assert queue.status_code == 200
    assert f"/signalen/{signal_id}" in queue.text and title.split(" – ")[0] in queue.text
    page = client.get(f"/signalen/{signal_id}")
    assert page.status_code == 200 and "Meldingen van partners (1)" in page.text


def test_an_analysts_decision_shows_to_the_reporter_as_status_only(client, env):
    report_id, signal_id, _, version = _esplanade_melding(client, env)
    partner_cookies = dict(client.cookies)
    client.cookies.clear()
    analyst_token = _as(client, "analyst")
    decided = client.post(f"/signalen/{signal_id}/besluit", data={
        "to_status": "in_review", "version": str(version), "rationale": "",
        "csrf_token": page_csrf(client, f"/signalen/{signal_id}"),
    }, follow_redirects=False)
    assert decided.status_code == 303, decided.text[:300]
    assert analyst_token
    client.cookies.clear()
    client.cookies.update(partner_cookies)
    page = client.get(f"/mijn-meldingen/{report_id}").text
    assert "in behandeling" in page and "analyst" not in page
