"""Language identification (offline, py3langid), tuned for short, informal Dutch posts."""

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
        "waggie"
    ]
)
_WORD = re.compile(r"[a-zà-ÿ']+")
_LANGS = ["nl", "en", "de", "fr", "es", "it", "pt", "tr", "ar", "pl", "ro", "af", "fy", "ru",
          "uk", "bg", "so", "id", "sv", "da", "no", "fa", "hr", "sr", "hu", "cs", "el", "zh", "ja"]


@cache
def _identifier():
    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
    ident.set_languages(_LANGS)
    return ident


def detect(text: str) -> str:
    words = _WORD.findall(text.lower())
    if not words:
        return "und"
    dutch = sum(1 for w in words if w in _DUTCH_MARKERS)
    if dutch >= 2 or (dutch and len(words) <= 4):
        return "nl"
    lang, _ = _identifier().classify(text)
    # Close relatives of Dutch on short texts are nearly always Dutch in this setting.
    return "nl" if lang in ("af", "fy") else lang
