"""Language identification (offline, py3langid), tuned for short, informal Dutch posts.

The one language detector of the project: the collectors (a post's language at collection,
with the source's declared language as a hint), intake and the NLP (whether a text is scored)
all call `detect` and `is_supported` here, so that they cannot drift apart."""

from __future__ import annotations

import re
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from nlp.vocabulary import LANGUAGES

SUPPORTED = LANGUAGES

# Function words and slang that short Dutch posts almost always contain; langid alone tends to
# call short straattaal posts Afrikaans or Frisian.
_DUTCH_MARKERS = frozenset(
    [
        "de", "het", "een", "en", "van", "naar", "niet", "wij", "we", "jullie", "ik", "je", "zijn",
        "is", "bij", "op", "morgen", "vanavond", "zaterdag", "zondag", "iedereen", "allemaal",
        "wat", "die", "dat", "deze", "gaan", "kom", "ook", "nog", "maar", "wel", "geen", "hier",
        "daar", "gemeente", "politie", "wollah", "broer", "mattie", "fakka", "osso", "doekoe",
        "waggie",
        # Dutch curses and insults: a short hostile post ("vuile gutmensch", "kanker homos",
        # the normaliser's reading of "Kankerhomos") is often nothing else, and langid calls it
        # German or Norwegian, so it would never be scored.
        "vuile", "vieze", "smerige", "kut", "kanker", "tering", "tyfus", "kolere", "klote",
        "godverdomme",
    ]
)
# Dutch makes a curse of any word with these in front ("teringtransen", "kankerweer"): a word
# that starts with one and goes on for three letters or more is a marker too. Not "kut", which
# starts German words ("Kutter", "Kutsche").
_WORD_CHARS = "a-zà-ÿ'"
_WORD = re.compile(f"[{_WORD_CHARS}]+")
_CURSE_WORD = re.compile(f"(?<![{_WORD_CHARS}])(?:kanker|tering|tyfus|klote|kolere|pleuris)"
                         f"[{_WORD_CHARS}]{{3,}}")
_LANGS = ["nl", "en", "de", "fr", "es", "it", "pt", "tr", "ar", "pl", "ro", "af", "fy", "ru",
          "uk", "bg", "so", "id", "sv", "da", "no", "fa", "hr", "sr", "hu", "cs", "el", "zh", "ja"]


@cache
def _identifier() -> LanguageIdentifier:
    # Normalised probabilities: the `expected` rule below compares them across languages.
    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(_LANGS)
    return ident


# Below this many characters langid is guesswork: a declared language, if any, is kept.
_MIN_CHARS = 12
# Only the start of a long text is read: enough to tell the language, and bounded in cost.
_MAX_CHARS = 2000


def detect(text: str, expected: str | None = None) -> str:
    """ISO 639-1 code of `text` ("und" when nothing can be told). `expected` is a plausible
    language, such as the source's declared one: short texts are unreliable, so it wins over a
    weak other guess and is returned for texts too short to judge."""
    sample = text.strip()[:_MAX_CHARS]
    words = _WORD.findall(sample.lower())
    if not words:
        return expected or "und"
    # Distinct markers: one word that is also German or English ("die", "is") said twice
    # does not make a text Dutch.
    dutch = len(_DUTCH_MARKERS.intersection(words)) + (_CURSE_WORD.search(sample.lower())
                                                        is not None)
    if dutch >= 2 or (dutch and len(words) <= 4):
        return "nl"
    if len(sample) < _MIN_CHARS and expected:
        return expected
    ranked = _identifier().rank(sample)[:5]
    best, probability = ranked[0]
    if expected and best != expected:
        expected_p = next((p for lang, p in ranked if lang == expected), 0.0)
        if probability < 0.9 and expected_p >= 0.05:
            return expected
    # Close relatives of Dutch on short texts are nearly always Dutch in this setting.
    return "nl" if best in ("af", "fy") else best


def is_supported(language: str | None) -> bool:
    """Whether the classifier scores texts in `language` (None: not known, given the benefit)."""
    return language is None or language in SUPPORTED
