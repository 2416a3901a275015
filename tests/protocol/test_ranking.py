"""Issue 13, protocol point 1: interventions ordered by fit, each with a one-line Dutch reason
(signals.protocol.ranking, specified in docs/protocol-ranking.md). Pure: no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from signals.protocol import load_protocol_file
from signals.protocol.ranking import Group, Phase, Situation, rank_interventions

V1 = load_protocol_file(Path(__file__).resolve().parents[2] / "config" / "protocol" / "v1.yml")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
CALL = "call_to_gathering"


def situation(**changes) -> Situation:
    """A call for an unannounced gathering in Almere Haven in two days (the demo's case)."""
    base = {
        "types": (CALL,),
        "severity": 0.55,
        "now": NOW,
        "in_almere": True,
        "district": "Almere Haven",
        "place": "Havenhoofd",
        "event_time": NOW + timedelta(days=2),
        "notification": "niet aangemeld",
    }
    base.update(changes)
    return Situation(**base)


def ranked(sit: Situation) -> dict:
    return {r.intervention.id: r for r in rank_interventions(V1, sit)}


def order(sit: Situation) -> list[str]:
    return [r.intervention.id for r in rank_interventions(V1, sit)]


def test_every_intervention_is_ranked_once_with_a_reason_and_not_in_catalogue_order():
    result = rank_interventions(V1, situation())
    assert [r.rank for r in result] == list(range(1, len(V1.interventions) + 1))
    assert sorted(r.intervention.id for r in result) == sorted(i.id for i in V1.interventions)
    assert [r.intervention.id for r in result] != [i.id for i in V1.interventions]
    for r in result:
        assert r.reason and "\n" not in r.reason, r
    groups = [r.group for r in result]
    assert groups == sorted(groups), "groups must come in order: past, mogelijk, n.v.t., n.b."


def test_the_reason_names_the_signal_as_the_issue_asks():
    by_id = ranked(situation())
    talk = by_id["gesprek-initiatiefnemer"]
    assert talk.group is Group.FITS
    assert talk.reason.startswith(
        "past bij een niet-aangemelde oproep tot samenkomst over 2 dagen in Almere Haven"
    )
    # An unannounced call two days ahead: talking to the initiator comes before emergency powers.
    assert talk.rank < by_id["noodbevel"].rank


def test_outside_almere_territorial_powers_are_not_applicable_but_informing_fits():
    sit = situation(in_almere=False, district=None, place="Dam", notification="buiten Almere")
    by_id = ranked(sit)
    for power in ("noodbevel", "noodverordening", "voorschriften-manifestatie", "lichte-bevelen"):
        assert by_id[power].group is Group.NOT_APPLICABLE
        assert by_id[power].reason.startswith("niet van toepassing: bijeenkomst buiten Almere")
    assert by_id["partners-informeren"].group is Group.FITS
    assert "buiten Almere" in by_id["partners-informeren"].reason
    # The notification status means nothing outside Almere: never "niet-aangemelde" there.
    assert all("aangemelde" not in r.reason for r in by_id.values())
    assert by_id["partners-informeren"].rank < by_id["noodbevel"].rank


def test_time_until_the_event_changes_the_order():
    later = situation(event_time=NOW + timedelta(days=6), severity=0.9)
    now = situation(event_time=NOW + timedelta(minutes=30), severity=0.9)
    assert later.phase is Phase.LATER and now.phase is Phase.NOW
    far, close = ranked(later), ranked(now)
    # Wom art. 5 (conditions in advance) fits when there is time; during a gathering, Wom 6/7.
    assert far["voorschriften-manifestatie"].rank < far["aanwijzingen-beeindigen"].rank
    assert close["aanwijzingen-beeindigen"].rank < close["voorschriften-manifestatie"].rank
    assert far["noodbevel"].group is Group.POSSIBLE and "nog ver weg" in far["noodbevel"].reason
    assert close["noodbevel"].group is Group.FITS
    assert close["noodbevel"].rank < far["noodbevel"].rank


def test_a_past_gathering_makes_measures_for_it_not_applicable():
    by_id = ranked(situation(event_time=NOW - timedelta(days=1)))
    assert by_id["voorschriften-manifestatie"].group is Group.NOT_APPLICABLE
    assert "al voorbij" in by_id["voorschriften-manifestatie"].reason
    assert by_id["monitoren"].group is Group.FITS


def test_notification_status_changes_the_order():
    unannounced = ranked(situation())
    announced = ranked(situation(notification="aangemeld"))
    assert unannounced["gesprek-initiatiefnemer"].group is Group.FITS
    assert announced["gesprek-initiatiefnemer"].group is Group.POSSIBLE
    assert "aangemeld" in announced["gesprek-initiatiefnemer"].reason
    assert announced["gesprek-initiatiefnemer"].rank > unannounced["gesprek-initiatiefnemer"].rank


def test_signal_type_decides_what_applies():
    by_id = ranked(situation(types=("polarising",), event_time=None, notification=None))
    assert by_id["noodbevel"].group is Group.NOT_APPLICABLE
    assert "geldt voor oproep tot samenkomst en dreiging" in by_id["noodbevel"].reason
    assert by_id["gesprek-stadhuis"].group is Group.FITS


@pytest.mark.parametrize("severity", [0.0, 0.3, 0.55, 0.79, 0.8, 1.0])
def test_the_score_ranks_but_never_decides_what_may_be_chosen(severity):
    """Issue 13: noodbevel and noodverordening were greyed out below 0.80."""
    result = rank_interventions(V1, situation(severity=severity))
    selectable = {r.intervention.id for r in result if r.selectable}
    assert selectable == {i.id for i in V1.interventions if i.can_be_chosen}
    by_id = {r.intervention.id: r for r in result}
    if severity < 0.8:
        assert "onder de protocoldrempel 0,80" in by_id["noodbevel"].reason


def test_powers_not_in_force_are_last_and_say_why():
    result = rank_interventions(V1, situation(severity=1.0))
    last = result[-3:]
    assert {r.intervention.id for r in last} == {
        "online-gebiedsverbod",
        "verwijderbevel",
        "gerichte-gegevensvergaring",
    }
    assert all(r.group is Group.UNAVAILABLE and not r.selectable for r in last)
    assert "ongeldig verklaard" in ranked(situation())["online-gebiedsverbod"].reason
    assert "nog niet in werking" in ranked(situation())["verwijderbevel"].reason


def test_the_ranking_is_deterministic():
    assert order(situation()) == order(situation())
