"""The words the normaliser (nlp.features) writes in place of what it masks. A leaf: it imports
nothing, so the web app's explanations and the model's stopwords read them without loading the
NLP pipeline."""

from __future__ import annotations

from typing import Final

GROUP_TOKEN = "groepsterm"
PLACE_TOKEN = "plaatsnaam"
SLUR_TOKEN = "groepsscheldwoord"
URL_TOKEN = "url"
QUOTE_TOKEN = "citaat"
# Quoted words become features of their own: "q_terug" is "terug" inside quotes.
QUOTED_PREFIX = "q_"
# Words under a negation, up to the end of their clause, too: "n_tuig" is "tuig" in "geen tuig".
NEGATED_PREFIX = "n_"

# Placeholders that tell an analyst nothing by themselves: explanations skip them. A slur does
# tell something, so its placeholder may stand in an explanation.
UNINFORMATIVE: Final = frozenset({GROUP_TOKEN, PLACE_TOKEN, URL_TOKEN, QUOTE_TOKEN})
