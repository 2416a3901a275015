"""What the analyst sees of partner reports outside the signal's own report list: the queue's
"Berichten" column, the signal's "Verspreiding" and the CSV export count them, and a signal
made by a report alone reads as such, not as "0 / 0 bronnen" or "0 berichten uit 0 bronnen ()"."""

from __future__ import annotations

import csv
import io
import re

from signals.db.session import session_scope
from signals.partner import demo
from tests.factories import make_call_signal

from .conftest import login, online_call


def _cell(page: str, signal_id: int, column: int) -> str:
    """The text of one cell of a signal's queue row, tags stripped."""
    rows = [r for r in re.findall(r"<tr class=\"sev-.*?</tr>", page, re.S)
            if f'href="/signalen/{signal_id}"' in r]
    assert len(rows) == 1, signal_id
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[0], re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", cells[column]).split())


def test_reports_are_counted_in_the_queue_the_signal_and_the_export(client, env) -> None:
    call = online_call(env.engine)
    plain = make_call_signal(env.engine, key="zonder-melding", title="Zonder melding")
    with session_scope(env.engine) as session:
        demo.ensure_partner(session, "demo-password-1")
    with session_scope(env.engine) as session:
        first, alone = demo.seed_reports(session)
    assert first == call and alone not in (call, plain)
    assert login(client, "analyst").status_code == 303

    queue = client.get("/signalen").text
    berichten = 6  # the column after "Aanmelding"
    assert _cell(queue, alone, 2) == "melding partner"  # no label: the type says where it is from
    assert _cell(queue, alone, berichten) == "1 partnermelding"
    assert re.fullmatch(r"1 / 1 bron \+ 1 partnermelding", _cell(queue, call, berichten))
    assert _cell(queue, plain, berichten) == "1 / 1 bron"

    page = client.get(f"/signalen/{alone}").text
    spread = re.search(r"<dt>Verspreiding</dt><dd>(.*?)</dd>", page, re.S).group(1)
    assert " ".join(spread.split()) == "nog geen online berichten · 1 melding van een partner"
    assert "Nog geen online berichten bij dit signaal." in page
    spread = re.search(r"<dt>Verspreiding</dt><dd>(.*?)</dd>", client.get(
        f"/signalen/{call}").text, re.S).group(1)
    assert re.fullmatch(r"1 bericht uit 1 bron \(\S+\) · 1 melding van een partner",
                        " ".join(spread.split()))

    answer = client.get("/signalen.csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    by_id = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_id[str(alone)]["partnermeldingen"] == "1"
    assert by_id[str(alone)]["berichten"] == "0"
    assert by_id[str(call)]["partnermeldingen"] == "1"
    assert by_id[str(plain)]["partnermeldingen"] == "0"
