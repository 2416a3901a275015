"""Which threat verbs does a model read as threats? A probe of the team's own, never the
functional suite: 20 verbs of violence x 8 targets in one plain first-person or passive frame
each, and 10 figurative sentences with the same verbs that must stay No. It found that model
nlp-20261206-bd0dd84b missed every "ik vermoord ..." (the corpus used the verb almost only
figuratively), which part_h h21 answers. Diagnostic only: never a bar, never a threshold.

Run:  .venv/bin/python nlp/corpus/tools/probe_threat_verbs.py [MODEL_DIR]
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from nlp.api import get_enricher

FRAMES = {
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
FIGURATIVE = (
    "ik vermoord die toets morgen", "mijn vader vermoordt me als hij dit ziet haha",
    "die zangeres vermoordt dat liedje", "ik vermoord die hamburger zo", "deze warmte vermoordt me",
    "ik ga dood van het lachen", "die training maakt me kapot", "we slopen ze zaterdag op het veld",
    "ik maak die wiskundetoets af", "die DJ blaast het dak eraf",
)


def main() -> None:
    enricher = get_enricher(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    cases = [(verb, frame.format(t=t)) for verb, frame in FRAMES.items() for t in TARGETS]
    found: dict[str, list[bool]] = defaultdict(list)
    for (verb, _), result in zip(cases, enricher.enrich([text for _, text in cases]), strict=True):
        found[verb].append(result.labels["threat"].flag)
    print(f"threats found: {sum(sum(v) for v in found.values())} of {len(cases)}")
    for verb, flags in found.items():
        if not all(flags):
            print(f"  {verb}: {sum(flags)} of {len(flags)}")
    flagged = [t for t, r in zip(FIGURATIVE, enricher.enrich(list(FIGURATIVE)), strict=True)
               if r.labels["threat"].flag]
    print(f"figurative sentences read as threats: {len(flagged)} of {len(FIGURATIVE)}", flagged)


if __name__ == "__main__":
    main()
