"""How often does de-obfuscation (nlp.deobfuscate) give back a disguised violence or hostile word?

Our own threat and hostility sentences (not the functional suite), each with one word disguised in
eight ways: some of its letters or all of them as digits and symbols, spaced out with a space, a
dot or a dash, a vowel stretched, a vowel masked with "*", and the word run together with its
left or right neighbour. A word counts as recovered when the text the features see holds it as
a word. It also reports how many of the corpus posts and of 5,000 everyday posts the
normaliser rewrites at all, the place where a false "fix" would show, and what the normaliser
costs a post (best of five passes). It reports; nothing it measures is used by the model.

Two sets: FOUND_WITH is the one model 29's rule was made from (nlp/MODEL_CARD.md), FRESH the one
it was measured on.

Run:  .venv/bin/python benchmarks/bench_deobfuscate.py
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable

from everyday import unique_chatter
from machine import cpu_info

FOUND_WITH = [
    "ik ga die gast [neersteken] als ik hem zie", "we gaan ze allemaal [afmaken] vanavond",
    "iemand moet die wethouder [neerschieten]", "ik [vermoord] je als je nog een keer langskomt",
    "die lui moeten we [ophangen] op het plein", "ik kom met een [mes] naar je huis",
    "we [slopen] dat azc vannacht", "die moskee moet in de [fik]",
    "ik ga je [doodmaken] vuile rat", "straks gaan we ze [afslachten]", "ik [steek] je lek",
    "een [kogel] door zijn kop verdient hij", "leg een [bom] bij dat gemeentehuis",
    "ik sla je [kapot] morgen", "ze moeten allemaal [vergast] worden",
    "we gaan ze [uitroeien] een voor een", "ik ga hem [wurgen] met mijn blote handen",
    "die agent krijgt een [klap] voor zijn kop", "we [knallen] ze allemaal neer",
    "ik [schiet] die burgemeester neer",
]
FRESH = [
    "die hele familie moet je [afknallen]", "ik trek hem zo zijn [keel] door",
    "we gaan die demonstranten [verrot] slaan", "ze verdienen een [pak] slaag allemaal",
    "die raadsleden moeten [hangen] voor verraad", "ik steek dat huis in de [brand]",
    "neem een [pistool] mee zaterdag", "laat ze maar [verrekken] in hun eigen land",
    "die [kakkerlakken] moeten vertrappeld worden", "ik [schop] je helemaal verrot",
    "we rammen met de auto op die [moskee] in", "wat een [tuig] zijn het, opruimen dat volk",
    "dat [ongedierte] moet uitgeroeid worden", "ik maak je [dood] als ik je zie",
    "sla ze met een [knuppel] tot ze stil zijn", "we [branden] die synagoge plat",
    "ik zal je [vermoorden] vieze verrader", "die [parasieten] moeten het land uit",
    "hij krijgt een [mes] in zijn rug", "die [joden] moeten weg hier",
    "al die [moslims] eruit trappen", "we gaan [polen] in elkaar slaan",
    "ik haat die [homos] echt", "die [marokkanen] moeten we afmaken",
]
LEET = {"a": "4@", "e": "3€", "i": "1!", "o": "0", "s": "5$", "t": "7", "g": "9", "l": "1",
        "b": "8"}


def _some_leet(word: str, rng: random.Random) -> str:
    idx = [i for i, c in enumerate(word) if c in LEET]
    out = list(word)
    for i in rng.sample(idx, max(1, len(idx) // 2)):
        out[i] = rng.choice(LEET[word[i]])
    return "".join(out)


def _vowel(word: str, rng: random.Random) -> int:
    return rng.choice([i for i, c in enumerate(word) if c in "aeiou"])


def _stretch(word: str, rng: random.Random) -> str:
    i = _vowel(word, rng)
    return word[:i] + word[i] * 4 + word[i + 1:]


def _mask(word: str, rng: random.Random) -> str:
    i = _vowel(word, rng)
    return word[:i] + "*" + word[i + 1:]


DISGUISES: dict[str, Callable[[str, random.Random], str]] = {
    "some letters as digits or symbols": _some_leet,
    "all letters as digits or symbols": lambda w, r: "".join(
        r.choice(LEET[c]) if c in LEET else c for c in w),
    "spaced out": lambda w, r: " ".join(w),
    "dotted": lambda w, r: ".".join(w),
    "dashed": lambda w, r: "-".join(w),
    "stretched": _stretch,
    "masked": _mask,
}


def _recovered(text: str, word: str, clean: Callable[[str], str]) -> bool:
    return re.search(rf"\b{re.escape(word)}\b", clean(text).lower()) is not None


def _marked(sentence: str) -> str:
    return re.search(r"\[(.+?)\]", sentence).group(1)  # type: ignore[union-attr]


def recovery(sentences: list[str], clean: Callable[[str], str], seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    out = {}
    for kind, disguise in DISGUISES.items():
        hits = 0
        for s in sentences:
            word = _marked(s)
            hits += _recovered(s.replace(f"[{word}]", disguise(word, rng)), word, clean)
        out[kind] = f"{hits}/{len(sentences)}"
    hits = n = 0
    for s in sentences:
        word = _marked(s)
        tokens = s.replace(f"[{word}]", word).split()
        i = tokens.index(word)
        for j in (i - 1, i):  # joined to its left, then to its right neighbour
            if j >= 0 and j + 1 < len(tokens):
                n += 1
                joined = [*tokens[:j], tokens[j] + tokens[j + 1], *tokens[j + 2:]]
                hits += _recovered(" ".join(joined), word, clean)
    out["run together"] = f"{hits}/{n}"
    return out


def microseconds_per_text(texts: list[str], clean: Callable[[str], object]) -> float:
    """The best of five passes over `texts`, per text."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for text in texts:
            clean(text)
        best = min(best, time.perf_counter() - started)
    return round(best / len(texts) * 1e6, 1)


def main() -> None:
    from nlp.corpus import load_corpus
    from nlp.deobfuscate import clean_for_features, deobfuscate

    rng = random.Random(1)
    corpus = [p.text for p in load_corpus()]
    everyday = [unique_chatter(rng, i) for i in range(5000)]
    texts = corpus + everyday
    changed = sum(deobfuscate(t).text != t for t in texts)  # also loads the word lists
    print(json.dumps({
        **cpu_info(),
        "found_with": recovery(FOUND_WITH, clean_for_features, seed=3),
        "fresh": recovery(FRESH, clean_for_features, seed=11),
        "texts": len(texts), "texts_changed": changed,
        "us_per_everyday_post": microseconds_per_text(everyday, deobfuscate),
        "us_per_corpus_post": microseconds_per_text(corpus, deobfuscate),
    }, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
