"""A post that names a group and says nothing else about it ("Polen", "asielzoekers in Almere",
"#moslims #almere", a headline of three words): the guideline's mention of a group, which is
not polarising whatever the model reads into it.

The model does read something into it: in train + dev every post of four words or fewer that
names a group is polarising (the augmentation's short blunt forms), so a group word alone
scored p 0.98 (nlp/MODEL_CARD.md, models 63 and 64). Training data would be the remedy; until a
retrained model ships, the Enricher does not flag such a post as polarising.

Only what cannot carry hostility is discounted: the placeholders of groups, places and links,
articles, prepositions, "en"/"of" and punctuation. Any other word, a slur, a number or an emoji
("Marokkanen 🤮") leaves the post to the model."""

from __future__ import annotations

import re
import unicodedata

from nlp.features import normalise
from nlp.pipeline import Analysis
from nlp.placeholders import GROUP_TOKEN, NEGATED_PREFIX, PLACE_TOKEN, QUOTED_PREFIX, URL_TOKEN

_PLACEHOLDERS = frozenset({GROUP_TOKEN, PLACE_TOKEN, URL_TOKEN})
# A closed class: words that cannot say anything about a group by themselves ("t" is what is
# left of "'t" once the apostrophe is a token of its own).
_FUNCTION_WORDS = frozenset({
    "de", "het", "een", "t", "in", "uit", "van", "bij", "op", "aan", "naar", "met", "voor",
    "over", "om", "tot", "en", "of",
})
_TOKEN_RE = re.compile(r"\w[\w']*|[^\w\s]")


def _core(token: str) -> str:
    """A token without the negation or quotation prefix the normaliser gave it."""
    return token.removeprefix(NEGATED_PREFIX).removeprefix(QUOTED_PREFIX)


def names_a_group_only(text: str, analysis: Analysis) -> bool:
    """Whether the post names a group and nothing but places, links, function words and
    punctuation besides."""
    tokens = _TOKEN_RE.findall(normalise(text, analysis))
    return GROUP_TOKEN in map(_core, tokens) and all(
        _core(t) in _PLACEHOLDERS or t in _FUNCTION_WORDS
        or (len(t) == 1 and unicodedata.category(t).startswith("P"))
        for t in tokens
    )
