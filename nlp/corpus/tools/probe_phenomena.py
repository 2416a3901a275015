"""Probes of the team's own (never the functional suite; diagnostic only, never a bar or a
threshold): 20 threat verbs x 8 targets and figurative uses of the same verbs, negated hostility,
counter-speech and neutral mentions of a group that must stay No, hostility that contains a
negation and must stay Yes, and threats in six spellings. They decided what models 12, 13 and 14 changed (nlp/MODEL_CARD.md,
"Results"): model nlp-20261206-bd0dd84b missed every "ik vermoord ..." (part_h h21 answers it).

Run:  .venv/bin/python nlp/corpus/tools/probe_phenomena.py [MODEL_DIR]
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from nlp.api import Enricher, get_enricher
from nlp.types import LabelScore

GROUPS = ("moslims", "Polen", "homo's", "asielzoekers", "Marokkanen", "joden", "vrouwen", "Turken")
NEGATED = (  # No
    "ik zeg echt niet dat alle {g} tuig zijn", "{g} zijn geen tuig, hou op met die onzin",
    "niet alle {g} zijn criminelen, de meesten werken gewoon hard",
    "ik heb niks tegen {g}, helemaal niks", "{g} zijn geen ongedierte, het zijn gewoon buren",
    "het is niet zo dat {g} hier niet horen", "ik vind {g} helemaal niet minderwaardig",
    "nooit gezegd dat {g} weg moeten, lees eens goed", "{g} haten? nee joh, waarom zou ik",
    "geen enkele reden om {g} te wantrouwen",
)
COUNTER = (  # No
    "wie zegt dat {g} tuig zijn is zelf tuig", "'{g} eruit' roepen is gewoon racisme, schaam je",
    "stop met {g} ongedierte noemen, dat is walgelijk",
    "als je {g} uitscheldt ben je niet welkom in deze groep",
    "dat bord met '{g} rot op' moet weg, dit is onze wijk niet",
)
NEUTRAL = (  # No: everyday mentions of a group (written 2026-12-06, before h20 was tried)
    "mijn buren zijn {g}, aardige mensen", "op het werk heb ik veel collega's die {g} zijn",
    "de vereniging voor {g} zoekt vrijwilligers", "er wonen veel {g} in Almere Haven",
    "morgen een documentaire over {g} in Nederland op tv",
    "{g} vieren dit weekend een feest in het buurthuis", "hoeveel {g} wonen er eigenlijk in Almere?",
    "mijn beste vriend is een van die {g} uit de klas",
    "de gemeente gaat in gesprek met {g} over discriminatie",
    "ik ken best wat {g}, gewoon mensen zoals jij en ik",
    "{g} krijgen vaker te maken met discriminatie op de woningmarkt",
    "de {g} in onze straat helpen altijd mee", "veel {g} werken in de zorg",
    "volgens het CBS voelen {g} zich minder veilig", "er komt een nieuwe moskee voor de {g}",
    "wat vinden {g} eigenlijk van het nieuwe plan?", "die {g} van hiernaast hebben een nieuwe hond",
    "een groep {g} heeft de buurt schoongemaakt", "{g} zijn ook gewoon Almeerders",
    "waarom zijn er zo weinig {g} in de raad?",
)
HOSTILE_WITH_NEGATION = (  # Yes
    "wij willen geen {g} meer in onze wijk", "{g} horen hier niet", "geen {g} in Almere, klaar",
    "{g} zijn niks waard", "{g} hebben hier niks te zoeken", "nooit meer {g} in deze straat",
    "{g} krijgen van mij nooit een huis", "ik wil niet naast {g} wonen, ze stinken",
)
THREAT_FRAMES = {
    "vermoorden": "ik vermoord {t}", "afmaken": "ik maak {t} af", "neerschieten": "ik schiet {t} neer",
    "neersteken": "ik steek {t} neer", "in elkaar slaan": "ik sla {t} in elkaar",
    "kapotmaken": "ik maak {t} kapot", "nek breken": "ik breek de nek van {t}",
    "keel doorsnijden": "ik snij de keel van {t} door", "ophangen": "{t} moet opgehangen worden",
    "neerknallen": "ik knal {t} neer", "pakken": "we pakken {t} vanavond",
    "opwachten": "ik wacht {t} op met een mes", "dood": "{t} gaat dood, let maar op",
    "afknallen": "ik knal {t} af", "in elkaar trappen": "we trappen {t} in elkaar",
    "kogel": "{t} krijgt een kogel door zijn kop", "in de fik": "ik steek het huis van {t} in de fik",
    "vergassen": "{t} moet vergast worden", "afrekenen": "we rekenen af met {t}",
    "eraan gaan": "{t} gaat eraan",
}
TARGETS = ("je", "die wethouder", "de burgemeester", "die agent", "jou", "die boa", "hem", "haar")
FIGURATIVE_THREATS = (
    "ik vermoord die toets morgen", "mijn vader vermoordt me als hij dit ziet haha",
    "die zangeres vermoordt dat liedje", "ik vermoord die hamburger zo", "deze warmte vermoordt me",
    "ik ga dood van het lachen", "die training maakt me kapot", "we slopen ze zaterdag op het veld",
    "ik maak die wiskundetoets af", "die DJ blaast het dak eraf",
)

THREATS = (
    "ik steek je neer", "ik schiet die agent dood", "we maken die wethouder af", "ik sla je kop in",
    "die burgemeester moet hangen", "ik vermoord je", "we fikken dat azc af",
    "ik snij je keel door", "jij gaat eraan", "ik knal je neer",
)


def _longest(text: str, change: Callable[[str], str]) -> str:
    words = text.split()
    i = max(range(len(words)), key=lambda k: len(words[k]))
    words[i] = change(words[i])
    return " ".join(words)


SPELLINGS: dict[str, Callable[[str], str]] = {
    "plain": lambda s: s,
    "digits and symbols": lambda s: s.translate(str.maketrans("eoia", "301@")),
    "spaced": lambda s: _longest(s, " ".join),
    "stretched": lambda s: _longest(s, lambda w: w[:len(w) // 2] + w[len(w) // 2] * 3
                                    + w[len(w) // 2 + 1:]),
    "run together": lambda s: s.replace(" ", "", 2),
    "dotted": lambda s: _longest(s, ".".join),
}


def flagged(enricher: Enricher, texts: list[str], label: str) -> list[bool]:
    return [s.flag for s in scored(enricher, texts, label)]


def scored(enricher: Enricher, texts: list[str], label: str) -> list[LabelScore]:
    return [r.labels[label] for r in enricher.enrich(texts)]


def _mean_p(scores: list[LabelScore]) -> str:
    # A frame's eight group variants flip together (the model does not weigh one group above
    # another), so counts move in steps of eight; the mean probability shows the drift below.
    return f"mean p {sum(s.p for s in scores) / len(scores):.3f}"


def main() -> None:
    enricher = get_enricher(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    cases = [(verb, frame.format(t=t)) for verb, frame in THREAT_FRAMES.items() for t in TARGETS]
    found: dict[str, list[bool]] = defaultdict(list)
    for (verb, _), flag in zip(cases, flagged(enricher, [t for _, t in cases], "threat"),
                               strict=True):
        found[verb].append(flag)
    print(f"threat verbs: {sum(sum(v) for v in found.values())} of {len(cases)} found")
    for verb, flags in found.items():
        if not all(flags):
            print(f"  {verb}: {sum(flags)} of {len(flags)}")
    figures = [t for t, f in zip(FIGURATIVE_THREATS, flagged(enricher, list(FIGURATIVE_THREATS),
                                                           "threat"), strict=True) if f]
    print(f"figurative sentences read as threats: {len(figures)} of {len(FIGURATIVE_THREATS)}",
          figures)
    for name, frames, want in (("negated hostility", NEGATED, False),
                               ("counter-speech", COUNTER, False),
                               ("neutral mentions", NEUTRAL, False),
                               ("hostility with a negation", HOSTILE_WITH_NEGATION, True)):
        texts = [f.format(g=g) for f in frames for g in GROUPS]
        scores = scored(enricher, texts, "polarising")
        print(f"{name}: {sum(s.flag for s in scores)} of {len(scores)} flagged polarising "
              f"(want {'all' if want else 'none'}; {_mean_p(scores)})")
        for i, frame in enumerate(frames):
            mine = scores[i * len(GROUPS):(i + 1) * len(GROUPS)]
            k = sum(s.flag for s in mine)
            if k != (len(GROUPS) if want else 0):
                print(f"  {k} of {len(GROUPS)} ({_mean_p(mine)}): {frame}")
    for name, spell in SPELLINGS.items():
        scores = scored(enricher, [spell(t) for t in THREATS], "threat")
        print(f"threats, {name}: {sum(s.flag for s in scores)} of {len(scores)} found "
              f"({_mean_p(scores)})")

if __name__ == "__main__":
    main()
