from __future__ import annotations

import pytest

from nlp.gazetteer import by_canonical, fuzzy_lookup, load_places
from nlp.pipeline import analyse

REQUIRED_ALMERE = [
    "Almere Haven", "Almere Stad", "Almere Buiten", "Almere Poort", "Almere Hout",
    "Almere Pampus", "Oosterwold", "Almere Centrum", "Stedenwijk", "Kruidenwijk", "Muziekwijk",
    "Literatuurwijk", "Regenboogbuurt", "Noorderplassen", "Tussen de Vaarten", "Parkwijk",
    "Waterwijk", "Verzetswijk", "Staatsliedenwijk", "Filmwijk", "Danswijk", "Bloemenbuurt",
    "Molenbuurt", "Oostvaardersbuurt", "Eilandenbuurt", "Seizoenenbuurt", "Indischebuurt",
    "Landgoederenbuurt", "Homeruskwartier", "Columbuskwartier", "Europakwartier",
    "Olympiakwartier", "Cascadepark", "Duin", "Nobelhorst", "Vogelhorst", "Stadhuisplein",
    "Grote Markt", "Esplanade", "Forum", "Belfort", "Station Almere Centrum",
    "Station Almere Buiten", "Station Almere Poort", "Station Almere Muziekwijk",
    "Station Almere Parkwijk", "Station Almere Oostvaarders", "Beatrixpark", "Almeerderhout",
    "Weerwater", "Lumièrepark", "Kromslootpark", "Stadhuis Almere", "Yanmar Stadion",
    "Citadel", "Schouwburg Almere",
]


def test_gazetteer_covers_almere_and_other_places() -> None:
    places = by_canonical()
    for name in REQUIRED_ALMERE:
        assert name in places, name
        assert places[name].in_almere
        assert places[name].district or places[name].kind == "city"
    elsewhere = [p for p in load_places() if not p.in_almere]
    assert len(elsewhere) >= 40
    for name in ("Lelystad", "Amsterdam", "Den Haag", "Malieveld", "Dam", "Utrecht", "Zeewolde",
                 "Huizen", "Hilversum"):
        assert not places[name].in_almere


def _places(text: str) -> list[tuple[str, str]]:
    return [(p.text, p.canonical) for p in analyse([text])[0].places]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Iedereen naar het Stadhuisplein!", [("Stadhuisplein", "Stadhuisplein")]),
        ("verzamelen in almere-haven", [("almere-haven", "Almere Haven")]),
        ("Demo bij station Almere Centrum", [("station Almere Centrum", "Station Almere Centrum")]),
        ("we gaan naar A'dam", [("A'dam", "Amsterdam")]),
        ("zaterdag op het Malieveld", [("Malieveld", "Malieveld")]),
        ("Grote Markt om 3 uur", [("Grote Markt", "Grote Markt")]),
    ],
)
def test_exact_and_alias_matches(text: str, expected: list[tuple[str, str]]) -> None:
    assert _places(text) == expected


@pytest.mark.parametrize(
    ("typo", "canonical"),
    [("Kruidewijk", "Kruidenwijk"), ("Stadhuisplijn", "Stadhuisplein"),
     ("Noorderplasen", "Noorderplassen"), ("Literatuurwyk", "Literatuurwijk"),
     ("Lelystadt", "Lelystad"), ("Homeruskwatier", "Homeruskwartier")],
)
def test_fuzzy_matches_misspellings(typo: str, canonical: str) -> None:
    assert fuzzy_lookup(typo) == canonical
    assert _places(f"vanavond iedereen naar de {typo}") == [(typo, canonical)]


@pytest.mark.parametrize(
    "word",
    ["Almeerders", "Amsterdamse", "stadhuis", "kruiden", "parkeren", "gemeente", "molenaar",
     "Almeerse", "demonstratie", "zaterdag", "iedereen", "verzamelen", "waterkant"],
)
def test_fuzzy_does_not_match_common_words(word: str) -> None:
    assert fuzzy_lookup(word) is None
    assert _places(f"de {word} van vandaag") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zaterdag 14u iedereen naar het Stadhuisplein", True),
        ("Zaterdag iedereen naar het Malieveld", False),
        ("Verzamelen bij station Almere Centrum, dan samen naar het Malieveld in Den Haag", False),
        ("Mensen uit Lelystad komen ook naar de Grote Markt", True),
        ("Het gemeentehuis moet dicht", None),
        ("036 staat op!", True),
        ("Wakker worden #almere", True),
        ("De Almeerder is het zat", None),
        ("Niks aan de hand vandaag", None),
        ("Protest in Lelystad morgen", False),
    ],
)
def test_in_almere_rules(text: str, expected: bool | None) -> None:
    assert analyse([text])[0].in_almere is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zaterdag in Poort bij het station", [("Poort", "Almere Poort")]),
        ("vanavond in buiten, iedereen komen", [("buiten", "Almere Buiten")]),
        ("ik woon in Haven en werk in Poort",
         [("Haven", "Almere Haven"), ("Poort", "Almere Poort")]),
        ("Zaterdag naar Buiten!", [("Buiten", "Almere Buiten")]),
        ("we gaan naar buiten spelen", []),
        ("een beeld in hout gesneden", []),
        ("in Haven van Rotterdam", [("Rotterdam", "Rotterdam")]),
    ],
)
def test_bare_district_names_in_place_context(text: str, expected: list) -> None:
    assert _places(text) == expected


def test_bare_district_sets_in_almere() -> None:
    assert analyse(["morgen 20u in Poort, iedereen komen"])[0].in_almere is True
    assert analyse(["morgen gaan we naar buiten"])[0].in_almere is None


def test_bare_stationsplein_is_the_almere_square() -> None:
    assert _places("Vrijdag 21u Stationsplein") == [("Stationsplein", "Stationsplein Almere")]
    assert analyse(["Vrijdag 21u Stationsplein"])[0].in_almere is True
    assert by_canonical()["Stationsplein Almere"].district == "Almere Stad"
    # Another city named: the guideline says the event is not in Almere.
    assert analyse(["Stationsplein in Utrecht, zaterdag"])[0].in_almere is False
