"""Issue 13: the reveal form asks for a post number; the signal page shows it on every post, and
the form says where to find it (and is prefilled from the signal page's link)."""

from __future__ import annotations

from sqlalchemy import select

from signals.db.models import SignalPost
from signals.db.session import session_scope

from .conftest import login, make_signal


def _post_ids(env, sid: int) -> list[int]:
    with session_scope(env.engine) as session:
        return list(session.scalars(select(SignalPost.post_id).where(SignalPost.signal_id == sid)))


def test_signal_page_shows_each_posts_number(client, env):
    sid = make_signal(env.engine, status="escalated", n_posts=2)
    login(client, "supervisor")
    page = client.get(f"/signalen/{sid}").text
    for pid in _post_ids(env, sid):
        assert f"postnummer <strong>{pid}</strong>" in page
        # An escalated signal offers the reveal request for the post, prefilled.
        assert f"/privacy?signal_id={sid}&amp;post_id={pid}#onthullen" in page


def test_reveal_link_only_for_supervisors_on_escalated_signals(client, env):
    open_sid = make_signal(env.engine, status="new", key="n")
    escalated = make_signal(env.engine, status="escalated", key="e")
    login(client, "supervisor")
    assert "auteur onthullen aanvragen" not in client.get(f"/signalen/{open_sid}").text
    client.cookies.clear()
    login(client, "analyst")
    page = client.get(f"/signalen/{escalated}").text
    assert "postnummer" in page and "auteur onthullen aanvragen" not in page


def test_reveal_form_explains_and_is_prefilled(client, env):
    sid = make_signal(env.engine, status="escalated")
    (pid,) = _post_ids(env, sid)
    login(client, "supervisor")
    page = client.get("/privacy").text
    assert "Postnummer" in page and "bovenaan het bericht" in page
    prefilled = client.get("/privacy", params={"signal_id": sid, "post_id": pid}).text
    assert f'name="signal_id" type="number" min="1" required value="{sid}"' in prefilled
    assert f'value="{pid}"' in prefilled
    junk = client.get("/privacy", params={"signal_id": 'x"><script>', "post_id": "-"}).text
    assert "<script>" not in junk.split("Auteur onthullen", 1)[1]
