"""Names of persons in partner reports.

There is no reliable way to tell a name from a capitalised word without knowing names, so the
detector rests on a list of common first names (data/voornamen.txt, see data/README.md) and on
the ways Dutch professionals write about a person:
- a known first name, alone or with a surname ("Ilias", "Sanne de Boer", "thomas de vries");
- a title with a surname ("meneer Visser", "mw. Bouzid", "dhr. Van den Berg", "juf Anke");
- a cue ("een jongen genaamd X", "die X heet", "noemde zich X", "ik ben X");
- an age in brackets ("X (17)");
- an unknown capitalised word with a surname particle and a surname ("Gianni van Kessel").

What keeps false alarms down: places from the gazetteer and public names that have become place
or organisation names (Albert Heijn, Anne Frankschool, Josephine Bakerstraat) are masked first;
weekdays, months, feasts, platforms and organisation words are never a name; first names that
are also Dutch words (Roos, Mei, Job, Floor) need a surname, title or age with them when they
are written in lower case or open a sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from nlp.gazetteer import load_places


def _words(spaced: str) -> frozenset[str]:
    """A set of words written as one string, as a person would list them."""
    return frozenset(spaced.split())


FIRST_NAMES_FILE = Path(__file__).resolve().parent / "data" / "voornamen.txt"
SURNAMES_FILE = Path(__file__).resolve().parent / "data" / "achternamen.txt"

# First names that are also ordinary Dutch (or common English) words.
_AMBIGUOUS = _words(
    """mei wei els roos iris floor job bob rob max mark kim fleur grace nova kai jan bas frank
    mees levi sky can bo ama sam cor jay isa luc noor lina vera hans will dex ties ali storm
    linde lieve ton said merel piet tuba zara"""
)
# Public names that have become names of places, shops, schools or causes.
_PUBLIC_NAMES = (
    "Albert Heijn", "Anne Frank", "Helen Parkhurst", "Maria Montessori", "Willem-Alexander",
    "Willem Alexander", "Johan Cruijff", "Johan Cruyff", "Richard Krajicek", "Nelson Mandela",
    "Josephine Baker", "Martin Luther King", "Jan Steen", "Sint Maarten", "Sint-Maarten",
    "Sint Nicolaas", "Max Havelaar", "Piet Hein", "Karel Doorman", "Vincent van Gogh",
    "Rembrandt", "Jeroen Bosch", "Kees Boeke", "Willem van Oranje", "Prinses Amalia",
    "Prins Bernhard", "Koningin Beatrix", "Koning Willem", "Anton de Kom", "Albert Schweitzer",
    "Anna Paulowna", "Jan Pieterszoon Coen", "Leger des Heils", "Ronald McDonald",
)
# Capitalised words that are never a person's name in a report.
_NEVER = _words(
    """maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart april
    mei juni juli augustus september oktober november december koningsdag bevrijdingsdag
    prinsjesdag ramadan suikerfeest offerfeest pasen kerst kerstmis pinksteren sinterklaas
    oud nieuw keti koti tiktok snapchat instagram facebook telegram whatsapp youtube discord
    twitter x signal politie gemeente stadhuis zorg veiligheidshuis stichting jumbo lidl aldi
    ymere alliantie stede humanitas ggd halt jeugdzorg wijkteam buurtteam wijkagent boa
    jongerenwerk school college lyceum mbo havo vwo vmbo mavo klas groep team almere city
    ajax nederland marokko turkije suriname syrië polen amsterdam lelystad utrecht zeewolde
    haag den den-haag flevoland midden-nederland midden-oosten oekraïne gaza israël
    moskee kerk synagoge azc coa opvang marechaussee me bus lijn station
    ik jij hij zij wij jullie het de een dit dat die deze er hier daar toen dan ook maar
    na voor na-afloop meneer mevrouw bewoner bewoners cliënt leerling leerlingen academie
    ziekenhuis theater radio centrum bibliotheek huis kliniek engels nederlands frans duits
    spaans turks arabisch wiskunde geschiedenis biologie gym economie aardrijkskunde
    maatschappijleer jeugd veiligheid onderwijs welzijn handhaving festival kamer ministerie
    ombudsman zaken orde bestuur stadion wereldoorlog rebellion manifestaties nederlanders the"""
)
_ORG_SUFFIX = re.compile(
    r"\w{2}(?:straat|laan|weg|plein|pad|kade|gracht|dreef|singel|hof|markt|dijk|school|college|"
    r"lyceum|park|court|huis|centrum|bad|hal|stadion|plaats|buurt|wijk|bos|brug|bibliotheek|"
    r"kerk|moskee|stichting|groep|team|club|vereniging|app)$",
    re.IGNORECASE,
)
_COMMON_NOUNS = _words(
    """man vrouw jongen jongens meisje meiden jongere jongeren leerling kind kinderen cliënt
    moeder vader broer zus zoon dochter buurman buurvrouw bewoner bewoonster huurder agent
    verdachte melder slachtoffer persoon personen docent mentor oma opa baby peuter tiener
    groep klas"""
)
_PARTICLES = _words(
    "van de der den ter ten 't el al ben bin abu da dos du le la di del von"
)
_NAME_PARTICLES = _words("van de der den ter ten el al ben bin")
_WEAK_PARTICLES = frozenset({"van", "van de", "de", "van het"})
_TITLES = re.compile(
    r"(?<![\w-])(?:meneer|mevrouw|mevr\.?|mw\.?|dhr\.?|de heer|juf|meester|brigadier|"
    r"wijkagent|opa|oma|oom|tante|familie|fam\.|dokter|dr\.|imam|pastoor|mr\.)\s+(?=\S)",
    re.IGNORECASE,
)
# Only after these is a lower-case word taken for a surname ("meneer jansen"); after "oma",
# "tante" or "wijkagent" it is far more often a verb ("de wijkagent houdt spreekuur").
_ORIGIN = re.compile(r"(?:s|se|er|ers|isch|ees|aan|ijn)$")
_ROLES = re.compile(
    r"(?<![\w-])(?:verdachte|leerling|leerlinge|opzichter|cliënt|client|buurtcoach|bewoner|"
    r"bewoonster|huurder|huurster|mentor|docent|docente|collega|vrijwilliger|stagiair|stagiaire|"
    r"melder|moeder|vader|broer|broertje|zus|zusje|zoon|dochter|neef|nicht|vriend|vriendin|"
    r"buurman|buurvrouw|jongerenwerker|huismeester|conciërge|wijkverpleegkundige|leraar|"
    r"lerares|buurtvader|aangever|aangeefster|slachtoffer|eigenaar|eigenaresse|organisator|"
    r"initiatiefnemer|voorzitter|vriendje|vriendinnetje|klasgenoot|klasgenote)\s+(?=\S)",
    re.IGNORECASE,
)
# Before a pair of capitalised words: an article ("de Tweede Kamer", "het Openbaar Ministerie")
# or another capitalised word ("Almere Jazz Festival") makes it a title or an institution.
_AFTER_ARTICLE_OR_NAME = re.compile(r"(?:\b(?i:de|het|een|der|des)|[A-ZÀ-Þ][\w'’-]*)\s+$")
# Dutch adjectives before a noun: "Nationale", "Openbaar", "Olympisch", "Chinees".
_ADJECTIVE = re.compile(r"(?:e|isch|ees|aar|aal|eel|ig|lijk)$")
_LOWER_TITLES = re.compile(r"(?:meneer|mevrouw|mevr\.?|mw\.?|dhr\.?)\s", re.IGNORECASE)
_CUES = re.compile(
    r"(?<![\w-])(?:genaamd|heet|heette|noemde zich|noemt zich|noemden zich|naam is|naam:|"
    r"met de naam|vraag naar|ik ben|ik heet|bijnaam)\s+(?=\S)",
    re.IGNORECASE,
)
# Lower-case words that follow a title without being a name ("mevrouw belde").
_STOP = _words(
    """is was zegt zei belde heeft had kwam vertelde vertelt woont wil wilde meldt meldde
    vroeg vraagt werd wordt kan kon zou moet gaf geeft liep loopt stond staat zat zit durft
    van die de het een en of uit op aan met in bij naar voor achter om dat zelf ook nog niet
    al wel hier daar er dan toen nu heel erg zeer vaak soms altijd nooit weer die deze dit
    hem haar hun zijn ons mij me je u hij zij ze wij we jullie ging gaat komt moest kreeg
    krijgt riep roept zag ziet keek kijkt deed doet wist weet dacht denkt bleef blijft werkt
    werkte woonde hoorde hoort sprak spreekt vond vindt kwamen"""
)
_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ɏ][A-Za-zÀ-ÖØ-öø-ɏ'’]*(?:-[A-Za-zÀ-ÖØ-öø-ɏ][\wÀ-ɏ'’]*)*")
_HEET = re.compile(r"\s(?:heet|heette|heten|noemde|noemt|noemden)\b")
_AGE_AFTER = re.compile(r"\s*\(\s*\d{1,2}(?:\s*(?:jaar|jr\.?))?\s*\)")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\n•\"“(]|\s-\s)\s*$")


def _word_list(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip().lower() for x in lines if x.strip() and not x.startswith("#"))


@cache
def first_names() -> frozenset[str]:
    return _word_list(FIRST_NAMES_FILE)


@cache
def surnames() -> frozenset[str]:
    return _word_list(SURNAMES_FILE)


@cache
def _masks() -> re.Pattern[str]:
    """Almere and other places from the gazetteer, and public names, to be left alone."""
    places = {a for p in load_places() for a in p.aliases if a[:1].isupper()}
    place_alts = "|".join(re.escape(n) for n in sorted(places, key=len, reverse=True))
    public_alts = "|".join(re.escape(n) for n in sorted(_PUBLIC_NAMES, key=len, reverse=True))
    # A public name may carry a suffix ("Anne Frankschool"); a place name stands alone.
    return re.compile(
        rf"(?<![\w-])(?:(?i:{public_alts})[\wÀ-ÿ-]*|(?:{place_alts})(?![\w-]))"
    )


class _Tokens:
    """Words of a text with their offsets, and what is known about each."""

    def __init__(self, text: str) -> None:
        self.text = text
        masked = [(m.start(), m.end()) for m in _masks().finditer(text)]
        starts = [s for s, _ in masked]

        def is_masked(pos: int) -> bool:
            k = bisect_right(starts, pos) - 1
            return k >= 0 and pos < masked[k][1]

        self.words: list[tuple[str, int, int]] = [
            (m.group(0), m.start(), m.end())
            for m in _TOKEN.finditer(text)
            if not is_masked(m.start())
            and not (m.start() > 0 and text[m.start() - 1] in "@.")  # inside e-mail or URL
        ]
        self.index = {start: i for i, (_, start, _) in enumerate(self.words)}
        self.masked = masked

    def adjacent(self, i: int) -> bool:
        """Whether word i follows word i-1 with only spaces between them."""
        if i <= 0 or i >= len(self.words):
            return False
        gap = self.text[self.words[i - 1][2] : self.words[i][1]]
        return gap.strip() == ""

    def after_colon(self, i: int) -> bool:
        return self.text[: self.words[i][1]].rstrip().endswith(":")

    def sentence_initial(self, i: int) -> bool:
        start = self.words[i][1]
        return bool(_SENTENCE_END.search(self.text[max(0, start - 4) : start])) or start == 0


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _surname_ok(word: str) -> bool:
    low = word.lower()
    return (
        _is_cap(word)
        and low not in _NEVER
        and low not in _COMMON_NOUNS
        and not _ORG_SUFFIX.search(word)
        and len(word) > 1
    )


def _surname_end(tok: _Tokens, i: int, lower_ok: bool) -> int:
    """Index one past the surname that starts at word i (particles, then a name), or i."""
    j = i
    while j < len(tok.words) and j - i < 3 and tok.words[j][0].lower() in _PARTICLES:
        if not tok.adjacent(j) and j > i:
            break
        j += 1
    if j >= len(tok.words) or (j > i and not tok.adjacent(j)) or (j == i and not tok.adjacent(i)):
        return i
    word = tok.words[j][0]
    if _surname_ok(word):
        return j + 1
    particles = j > i
    if lower_ok and particles and word.islower() and word not in _STOP and len(word) >= 3:
        return j + 1
    return i


def _names_an_institution(tok: _Tokens, i: int, end_i: int) -> bool:
    """"het Nova College", "Emma Kinderziekenhuis": a name that is part of an institution's."""
    if end_i < len(tok.words) and tok.adjacent(end_i):
        nxt = tok.words[end_i][0]
        return _is_cap(nxt) and (nxt.lower() in _NEVER or bool(_ORG_SUFFIX.search(nxt)))
    return False


def _first_name_hits(tok: _Tokens) -> list[tuple[int, int]]:
    names = first_names()
    hits = []
    for i, (word, start, _end) in enumerate(tok.words):
        low = word.lower()
        if low not in names or low in _NEVER:
            continue
        end_i = i + 1
        # A second first name or a surname: "Jan Pieter Bos", "Sanne de Boer".
        if end_i < len(tok.words) and tok.adjacent(end_i) and tok.words[end_i][0].lower() in names \
                and _is_cap(tok.words[end_i][0]) == _is_cap(word):
            end_i += 1
        end_i = max(end_i, _surname_end(tok, end_i, lower_ok=not _is_cap(word)))
        has_more = end_i > i + 1 or bool(_AGE_AFTER.match(tok.text, tok.words[i][2]))
        if _is_cap(word):
            if low in _AMBIGUOUS and tok.sentence_initial(i) and not has_more:
                continue
            if _names_an_institution(tok, i, end_i):
                continue
        else:
            if low in _AMBIGUOUS and not has_more:
                continue
        hits.append((start, tok.words[end_i - 1][2]))
    return hits


def _bare_surname(title: str, word: str) -> bool:
    """Whether the single word after a title is a surname ("meneer Visser", "meneer jansen")."""
    low = word.lower()
    if low in _NEVER:
        return False
    if _is_cap(word):
        return not _ORG_SUFFIX.search(word)
    return bool(
        _LOWER_TITLES.match(title) and word.islower() and low not in _STOP
        and low not in _COMMON_NOUNS and len(word) >= 3
    )


def _followed(
    tok: _Tokens, pattern: re.Pattern[str]
) -> Iterator[tuple[re.Match[str], int, str]]:
    """Each match of `pattern` that a word follows at once: the match, the word's index and
    the word (the candidate name)."""
    for m in pattern.finditer(tok.text):
        i = tok.index.get(m.end())
        if i is not None:
            yield m, i, tok.words[i][0]


def _title_hits(tok: _Tokens) -> list[tuple[int, int]]:
    hits = []
    for m, i, word in _followed(tok, _TITLES):
        end_i = _surname_end(tok, i, lower_ok=False)
        if end_i == i and _bare_surname(m.group(0), word):
            end_i = i + 1
        if end_i > i:
            hits.append((m.start(), tok.words[end_i - 1][2]))
    return hits


def _cue_hits(tok: _Tokens) -> list[tuple[int, int]]:
    names = first_names()
    hits = []
    for m, i, word in _followed(tok, _CUES):
        if word.lower() in _NEVER:
            continue
        # After "ik ben" a capitalised word may be an origin ("ik ben Marokkaans", "Turks").
        loose = not m.group(0).lower().startswith("ik ben") or not _ORIGIN.search(word)
        if word.lower() in names or (loose and _surname_ok(word)):
            end_i = _surname_end(tok, i + 1, lower_ok=True)
            hits.append((tok.words[i][1], tok.words[max(end_i, i + 1) - 1][2]))
    # "een jongen die Rayan heet": the name stands before the verb.
    ends = {end: i for i, (_, _, end) in enumerate(tok.words)}
    for m in _HEET.finditer(tok.text):
        i = ends.get(m.start())
        if i is not None and _surname_ok(tok.words[i][0]) and not tok.sentence_initial(i):
            hits.append(tok.words[i][1:])
    return hits


def _age_hits(tok: _Tokens) -> list[tuple[int, int]]:
    hits = []
    for i, (word, start, end) in enumerate(tok.words):
        if not _AGE_AFTER.match(tok.text, end):
            continue
        if _surname_ok(word) and (not tok.sentence_initial(i) or word.lower() in first_names()
                                  or word.lower() not in _COMMON_NOUNS):
            hits.append((start, end))
    return hits


def _role_hits(tok: _Tokens) -> list[tuple[int, int]]:
    """A person named after the role they play: "Verdachte Patrick Vermeulen", "zijn broer
    Mohamed", "Buurtcoach Marloes". The role itself is not personal data; the name is."""
    hits = []
    for _, i, word in _followed(tok, _ROLES):
        if not _surname_ok(word) or not tok.adjacent(i):
            continue
        end_i = i + 1
        # A second capitalised word, or particles and a surname: "Ilyas Benhaddou".
        if end_i < len(tok.words) and tok.adjacent(end_i) and _surname_ok(tok.words[end_i][0]):
            end_i += 1
        end_i = max(end_i, _surname_end(tok, end_i, lower_ok=False))
        hits.append((tok.words[i][1], tok.words[end_i - 1][2]))
    return hits


def _pair_hits(tok: _Tokens) -> list[tuple[int, int]]:
    """Two capitalised words inside a sentence that are neither place nor organisation nor
    calendar: "We hebben Rachid Amrani gewaarschuwd". A third capitalised word makes it a title
    or an organisation ("Meld Misdaad Anoniem"), so it is left alone."""
    hits = []
    n = len(tok.words)
    for i in range(n - 1):
        first, start, _ = tok.words[i]
        second, _, end = tok.words[i + 1]
        # "Contact: Soraya Haddou" is a name; "Goede Stede organiseert ..." opens a sentence.
        if (tok.sentence_initial(i) and not tok.after_colon(i)) or not tok.adjacent(i + 1):
            continue
        if not (_surname_ok(first) and _surname_ok(second)) or first.isupper() or second.isupper():
            continue
        if _AFTER_ARTICLE_OR_NAME.search(tok.text, max(0, start - 30), start):
            continue
        if i + 2 < n and tok.adjacent(i + 2) and _is_cap(tok.words[i + 2][0]):
            continue
        if _ADJECTIVE.search(first):
            continue
        hits.append((start, end))
    return hits


def _surname_hits(tok: _Tokens) -> list[tuple[int, int]]:
    """An unknown capitalised word before a common surname: "Soraya Haddou"."""
    known = surnames()
    hits = []
    for i in range(1, len(tok.words)):
        word, _start, end = tok.words[i]
        if word.lower() not in known or not _surname_ok(word) or not tok.adjacent(i):
            continue
        first = tok.words[i - 1][0]
        if _surname_ok(first):
            hits.append((tok.words[i - 1][1], end))
    return hits


def _particle_hits(tok: _Tokens) -> list[tuple[int, int]]:
    """An unknown capitalised word, a surname particle, a surname: "Gianni van der Kessel",
    also at the start of a sentence.

    "van", "van de" and "de" also join ordinary nouns ("Wetboek van Strafrecht", "Week van de
    Ontmoeting"), so after them the surname must be a known one ("Soraya van Dijk")."""
    known = surnames()
    hits = []
    for i, (word, start, _end) in enumerate(tok.words[:-2]):
        nxt = tok.words[i + 1][0]
        if not _surname_ok(word) or nxt not in _NAME_PARTICLES:
            continue
        if not tok.adjacent(i + 1):
            continue
        end_i = _surname_end(tok, i + 1, lower_ok=False)
        if end_i <= i + 1:
            continue
        between = " ".join(w for w, _, _ in tok.words[i + 1 : end_i - 1])
        if between in _WEAK_PARTICLES and tok.words[end_i - 1][0].lower() not in known:
            continue
        hits.append((start, tok.words[end_i - 1][2]))
    return hits


def find_names(text: str) -> list[tuple[int, int]]:
    """Spans that look like a person's name (may overlap; the caller merges them)."""
    tok = _Tokens(text)
    if not tok.words:
        return []
    return [
        *_first_name_hits(tok), *_title_hits(tok), *_cue_hits(tok), *_age_hits(tok),
        *_particle_hits(tok), *_surname_hits(tok), *_role_hits(tok), *_pair_hits(tok),
    ]
