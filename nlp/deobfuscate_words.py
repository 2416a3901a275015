"""The words de-obfuscation trusts: identity-group targets and hostile words (either may be one
side of a run-together), ordinary words, and words that are never split.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from nlp.deobfuscate_dictionary import Dictionary, default_dictionary
from nlp.group_terms import GROUP_TERMS
from nlp.lexicon import LexiconError, terms

log = logging.getLogger(__name__)


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


# Frequent Dutch words that obfuscated posts run together with a target ("moslimsmoeten",
# "aandejoden", "allemaalafmaken"). Kept short: every word here is a way for an ordinary compound
# to be split wrongly ("boerenland" would become "boeren land" if "land" were listed).
FUNCTION_WORDS: frozenset[str] = _words("""
    de het een die dat deze dit daar hier er aan in op uit van voor naar met bij om door over
    tegen zonder weg terug eruit allemaal alle allen ook nog niet geen nooit wel maar en of als
    dan zo ze zij we wij ik jij je jullie hij hun hen ons onze moeten moet mogen mag kunnen kan
    ga kom komen jou hem haar af
    willen wil zullen zal gaan gaat worden wordt zijn is was waren horen hoort dood kapot rot
    vuile vieze smerige stomme domme echt gewoon heel veel meer soort volk
    haat haten hekel walg stinken stinkt deugen deugt ziek zieke gestoord dom lui luie vies
""")

# A small floor of hostile words, so the rules work while the curated lexicon
# (nlp/data/lexicon.tsv) is still being filled; the lexicon's single-word terms are added to it.
SEED_HOSTILE: frozenset[str] = _words("""
    tuig kanker kankeren afmaken afschieten vergassen ophangen uitroeien doodmaken ongedierte
    uitschot parasieten kakkerlakken apen walgelijk
""")

# Short words of violence that threats disguise ("m3s", "st€€k", "sl@", "k0p"). Too short or too
# ordinary for the lexicon (where they would be features of their own) and never split keys
# ("steekproef" is no threat), they are only known words: a leet or repeat rewrite is trusted when
# it gives one of them.
VIOLENCE_WORDS: frozenset[str] = _words("""
    mes messen steek steken stak gestoken sla slaan sloeg geslagen schiet schieten schoot
    geschoten knal knallen kogel kogels kop koppen nek keel bloed dood moord moorden vermoord
    vermoorden brand branden fik fikken vuur bom bommen pistool wapen wapens granaat slopen sloop
    trap trappen schop schoppen wurg wurgen hak hakken snij snijden kapot neer graf lijk
    afmaken maak pak pakken hang hangen gas vergast klap klappen mep meppen
""")

# Curse words that posts run together with a group ("teringpolen", "kutvrouwen", "tyfusjoden").
# Known words only, never keys: "kutweer" and "klotedag" have no target and stay as written.
PROFANITY_WORDS: frozenset[str] = _words("""
    kut tering tyfus tiefus klote kolere pleuris kanker kk
""")

# Who a threat comes from or is aimed at, run together with the violence word after it
# ("ikvermoordje", "wefikkendat azc af", "ikschietjedood"): a word that starts with one of these
# and then a violence word is split too. Only at the start: at the end "je" is the diminutive
# ("steekje", "kopje", "mesje").
THREAT_SUBJECTS: frozenset[str] = _words("ik we wij jij je ze zij hij die")
# Up to two of these may stand between the subject and the violence word ("ikgajeslaan",
# "wegaanjepakken", "ikkomjehalen" has no violence word and stays): auxiliaries and objects.
THREAT_LINKS: frozenset[str] = _words("""
    ga gaan gaat kom komen zal zullen wil willen moet moeten je jou jullie hem haar die dat ze
""")

# Whom a phrase run together names, anywhere in it ("ikstekjeneer", "ophangendiewethouder"): the
# rule that splits whole phrases (nlp.deobfuscate_rules.run_together) needs one of these, or a
# THREAT_SUBJECTS word as its first piece. Compounds never hold a pronoun; words that do
# ("hemdje", "dieren") are known words and never split.
RUN_TOGETHER_OBJECTS: frozenset[str] = _words("je jou jullie hem haar ze die dat")

# Ordinary words that happen to be a target plus a known word; never split or expose them. The
# second block is every such split among wordfreq's 200,000 most frequent Dutch words (checked
# 2026-12-06: "overtuig" is no "over tuig", "brandweermannen" no "brand we er mannen").
PROTECTED_WORDS: frozenset[str] = _words("""
    homogeen homogene homogeniteit christendom jodendom polenta boerenland doodgewoon doodsbang
    doodmoe doodop doodziek doodstil doodleuk doodeng transport transparant transactie transfer
    transitie romantiek romantisch poolster turkije mannequin
    overtuig voortuig uitdoven brandweermannen brandweervrouw brandweervrouwen weermannen
    weervrouw vuilnismannen voormannen voorvrouw kopmannen kopvrouw bijvrouw bijvrouwen wasvrouw
    wasvrouwen schoppenvrouw wildemannen wildebeesten tegenpool tegenpolen vrouwlijk
    voorchristelijke bijgelovigen boerenwetering boerenmeisjes boerenvrouw boerenvrouwen
    varkensboeren keelkanker bloedkanker rattenplaag sprinkhanenplaag granaatvuur moordaanslag
    moordvrouw wapentuig bloedhonden hondenkop hondenkoppen varkenskop varkenskoppen varkensbloed
    apenpak wijbrand
""")

# "Polenweg", "Turkenstraat": a target followed by a street word is a name, not "Polen weg!".
STREET_SUFFIXES: tuple[str, ...] = (
    "weg", "straat", "plein", "laan", "dreef", "kade", "gracht", "park", "hof", "pad",
    "singel", "markt", "dijk", "wijk", "buurt", "steeg", "erf", "baan",
)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The words the rules trust. `targets` are identity-group terms, `hostile` violence and
    contempt words; both may be one side of a split. `words` are other known words. A word in
    `protected` is never split. `dictionary` knows every other frequent word: a rarer string
    may be a whole phrase run together."""

    targets: frozenset[str] = frozenset()
    hostile: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()
    protected: frozenset[str] = PROTECTED_WORDS
    # Violence words that may follow a THREAT_SUBJECTS word in a run-together.
    violence: frozenset[str] = frozenset()
    # Every other Dutch word, for phrases run together; None: that rule is off.
    dictionary: Dictionary | None = None
    known: frozenset[str] = field(init=False)
    # First and last four letters of the target and hostile words: the fast path's test for a
    # word that might be one of them run together with another word.
    prefix4: frozenset[str] = field(init=False)
    suffix4: frozenset[str] = field(init=False)
    # The same as UTF-8 bytes, for the fast path (bytes operations run in C).
    keys_b: frozenset[bytes] = field(init=False)
    known_b: frozenset[bytes] = field(init=False)
    prefix4_b: frozenset[bytes] = field(init=False)
    suffix4_b: frozenset[bytes] = field(init=False)
    # Targets and their first >= 4 letters ("asiel" from "asielzoekers"): a compound of one of
    # these and a hostile word is exposed even when the stem alone is no word.
    target_stems: frozenset[str] = field(init=False)
    max_len: int = field(init=False)
    # Subject, up to two THREAT_LINKS and a violence word at the start of a UTF-8 word
    # ("ikvermoord", "ikgajeslaan"): the fast path's test for a threat run together;
    # `threat_head2_b` the subjects' first two bytes, which filter the words first.
    threat_head_re: re.Pattern[bytes] = field(init=False)
    threat_head2_b: frozenset[bytes] = field(init=False)

    def __post_init__(self) -> None:
        norm = {name: frozenset(w.lower() for w in getattr(self, name) if w.strip())
                for name in ("targets", "hostile", "words", "protected", "violence")}
        for name, value in norm.items():
            object.__setattr__(self, name, value)
        known = norm["targets"] | norm["hostile"] | norm["words"] | norm["violence"]
        # Only alphabetic keys of >= 4 letters can start a split: "de" inside every word
        # would send every post down the slow path.
        keys = [w for w in norm["targets"] | norm["hostile"] if len(w) >= 4 and w.isalpha()]
        object.__setattr__(self, "known", known)
        object.__setattr__(self, "prefix4", frozenset(w[:4] for w in keys))
        object.__setattr__(self, "suffix4", frozenset(w[-4:] for w in keys))
        keys_b = [w.encode() for w in keys]
        object.__setattr__(self, "keys_b", frozenset(keys_b))
        object.__setattr__(self, "known_b", frozenset(w.encode() for w in known))
        object.__setattr__(self, "prefix4_b", frozenset(w[:4] for w in keys_b))
        object.__setattr__(self, "suffix4_b", frozenset(w[-4:] for w in keys_b))
        object.__setattr__(self, "target_stems", frozenset(
            t[:k] for t in norm["targets"] if t.isalpha() for k in range(4, len(t) + 1)))
        object.__setattr__(self, "max_len", max((len(w) for w in known), default=0))
        violence = sorted((v for v in norm["violence"] if v.isalpha() and len(v) >= 3), key=len,
                          reverse=True)
        object.__setattr__(self, "threat_head_re", re.compile(
            f"(?:{_alternatives(THREAT_SUBJECTS)})(?:{_alternatives(THREAT_LINKS)}){{0,2}}"
            f"(?:{_alternatives(violence)})".encode()) if violence else re.compile(b"(?!)"))
        object.__setattr__(self, "threat_head2_b", frozenset(
            w[:2].encode() for w in THREAT_SUBJECTS) if violence else frozenset())

    @classmethod
    def build(cls, targets: Iterable[str] = (), hostile: Iterable[str] = (),
              words: Iterable[str] = (), protected: Iterable[str] = PROTECTED_WORDS,
              function_words: bool = True, violence: Iterable[str] = (),
              dictionary: Dictionary | None = None) -> Vocabulary:
        """A vocabulary from explicit lists (tests, or callers with their own word lists)."""
        base = FUNCTION_WORDS if function_words else frozenset()
        return cls(targets=frozenset(targets), hostile=frozenset(hostile),
                   words=base | frozenset(words), protected=frozenset(protected),
                   violence=frozenset(violence), dictionary=dictionary)

    def is_key(self, word: str) -> bool:
        return word in self.targets or word in self.hostile

    def hostile_affix(self, word: str) -> bool:
        """Does a word start or end with a hostile word and 4 more letters ("asieltuig")? Then
        it may be a compound whose parts are exposed."""
        return any(word[-k:] in self.hostile or word[:k] in self.hostile
                   for k in range(4, len(word) - 3))

    def is_threat_head(self, pieces: list[str]) -> bool:
        """Do a run-together's pieces start with a subject, at most two links and a violence
        word ("ik vermoord", "ik ga je slaan")?"""
        if len(pieces) < 2 or pieces[0] not in THREAT_SUBJECTS:
            return False
        for piece in pieces[1:4]:
            if piece in self.violence and len(piece) >= 3:
                return True
            if piece not in THREAT_LINKS:
                return False
        return False

    def threat_head(self, word: bytes) -> bool:
        """Does this (lower-case, UTF-8) word start with a subject run together with a violence
        word, perhaps after a link or two? The fast path's test: two bytes, then one anchored
        regex."""
        return word[:2] in self.threat_head2_b and self.threat_head_re.match(word) is not None

    def key_inside(self, word: bytes) -> bool:
        """Does a key stand inside this (lower-case, UTF-8) word with >= 2 letters on each side
        ("allemoslimsweg")? The fast path's test: a key's first four bytes, then the key."""
        n = len(word)
        return any(word[i:i + 4] in self.prefix4_b
                   and any(word[i:i + k] in self.keys_b for k in range(4, n - i - 1))
                   for i in range(2, n - 5))

    def may_hold_key(self, word: str) -> bool:
        """Could this (lower-case) word be a key run together with another word? A key must
        start or end it, leaving >= 2 letters (the first four letters filter cheaply), stand
        inside it, or it starts with a threat's subject and violence word."""
        n = len(word)
        if n < 6:
            return False
        if self.threat_head(word.encode()) or self.key_inside(word.encode()):
            return True
        if word[:4] in self.prefix4 and any(
                word[:k] in self.targets or word[:k] in self.hostile for k in range(4, n - 1)):
            return True
        return word[-4:] in self.suffix4 and any(
            word[-k:] in self.targets or word[-k:] in self.hostile for k in range(4, n - 1))


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def default_vocabulary() -> Vocabulary:
    """GROUP_TERMS, the lexicon's single-word violence/contempt/slur terms, and the built-ins."""
    try:
        lexicon = terms("slur", "dehumanising", "violence", "contempt")
    except (LexiconError, OSError) as exc:  # a broken lexicon must not stop intake
        log.warning("deobfuscate: lexicon unavailable (%s); using the built-in words", exc)
        lexicon = frozenset()
    return Vocabulary.build(targets=GROUP_TERMS, hostile=SEED_HOSTILE | lexicon,
                            words=PROFANITY_WORDS, violence=VIOLENCE_WORDS,
                            dictionary=default_dictionary())
