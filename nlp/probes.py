"""The team's own probes (never the functional suite; never training data or a threshold): 20
threat verbs x 8 targets and figurative uses of the same verbs, negated hostility, counter-speech
and neutral mentions of a group or of one member that must stay No, hostility that contains a
negation and must stay Yes, threats in six spellings, threats against groups in other forms, and
fireworks chatter that must not read as a threat. They decided what models 12-14
changed, and whether a retrained model's held-out figures are read at all (nlp/shipping_rule.py,
nlp/MODEL_CARD.md).

A family's frames are crossed with eight groups or targets. The model is blind to which group, so
a frame's eight sentences flip together and counts move in steps of eight; each family's mean
probability shows the drift that counts hide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nlp.api import Enricher
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
    "{g} vieren dit weekend een feest in het buurthuis",
    "hoeveel {g} wonen er eigenlijk in Almere?",
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
# Written 2026-12-06 (sixth session), after models 27 and 28 lowered the two families above while
# the suite's negation and counter-speech did not move: other forms of denial (a claim called
# false or nonsense, a comparison, "nee", no trouble had) and of counter-speech (reporting a post,
# calling the words hatred, shaming those who say them), without sight of the suite.
NEGATED_OTHER = (  # No
    "het klopt gewoon niet dat {g} allemaal criminelen zijn",
    "dat {g} lui zouden zijn is complete onzin",
    "{g} zijn echt niet gevaarlijker dan wie dan ook",
    "nee, {g} zijn geen probleem voor deze stad",
    "wie denkt dat {g} hier niet thuishoren heeft het mis",
    "ik heb nog nooit last gehad van {g}",
    "{g} verpesten de buurt niet, dat doen een paar hangjongeren",
)
COUNTER_OTHER = (  # No
    "'{g} zijn ratten' schreef iemand hier, dat soort taal hoort hier niet",
    "je kunt niet zomaar zeggen dat {g} tuig zijn, dat is discriminatie",
    "weer een post die {g} ongedierte noemt, melden jongens",
    "dit soort haat tegen {g} moet stoppen",
    "mensen die {g} uitschelden moeten zich kapot schamen",
)
HOSTILE_WITH_NEGATION = (  # Yes
    "wij willen geen {g} meer in onze wijk", "{g} horen hier niet", "geen {g} in Almere, klaar",
    "{g} zijn niks waard", "{g} hebben hier niks te zoeken", "nooit meer {g} in deze straat",
    "{g} krijgen van mij nooit een huis", "ik wil niet naast {g} wonen, ze stinken",
)
THREAT_FRAMES = {
    "vermoorden": "ik vermoord {t}", "afmaken": "ik maak {t} af",
    "neerschieten": "ik schiet {t} neer",
    "neersteken": "ik steek {t} neer", "in elkaar slaan": "ik sla {t} in elkaar",
    "kapotmaken": "ik maak {t} kapot", "nek breken": "ik breek de nek van {t}",
    "keel doorsnijden": "ik snij de keel van {t} door", "ophangen": "{t} moet opgehangen worden",
    "neerknallen": "ik knal {t} neer", "pakken": "we pakken {t} vanavond",
    "opwachten": "ik wacht {t} op met een mes", "dood": "{t} gaat dood, let maar op",
    "afknallen": "ik knal {t} af", "in elkaar trappen": "we trappen {t} in elkaar",
    "kogel": "{t} krijgt een kogel door zijn kop",
    "in de fik": "ik steek het huis van {t} in de fik",
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

# Written 2026-12-06 (ninth session), without sight of the suite: calls not to use violence that
# name the violence (No) and threats that hold a negation (Yes), crossed with the threat targets.
OFFICIALS = ("die wethouder", "de burgemeester", "die agent", "die boa", "hem", "haar")
WARNINGS_AGAINST_VIOLENCE = (  # No
    "ga {t} niet slaan, daar los je niks mee op", "niemand gaat {t} iets aandoen, blijf rustig",
    "sla {t} niet, bel gewoon de politie", "doe {t} geen pijn, het is het niet waard",
    "raak {t} niet aan, we demonstreren vreedzaam", "wie {t} slaat is geen haar beter",
    "geweld tegen {t} lost niks op", "schiet {t} niet neer in je hoofd, praat erover",
    "we gaan {t} niet opwachten, laat het aan de politie",
    "niet steken, niet slaan, ook niet als {t} je uitdaagt",
)
THREATS_WITH_NEGATION = (  # Yes
    "als {t} niet oprot steek ik hem neer", "ik laat {t} niet lopen, ik sla zijn kop in",
    "niemand houdt me tegen, ik knal {t} neer", "ik aarzel niet, {t} gaat eraan",
    "ik stop niet tot {t} dood is", "{t} komt hier niet levend weg",
)

# Written 2026-12-06 (tenth session), without sight of the suite: threats against a group in
# forms other than "ik <verb> {g}": questions, a separable verb with "te", euphemisms and wishes.
THREATS_AGAINST_GROUPS = (  # Yes
    "wanneer gaan we die {g} eindelijk afslachten?", "wie helpt me die {g} neer te steken?",
    "wat mij betreft gaan de {g} de oven in", "een goede {g} is een dode {g}",
    "{g} horen aan de galg", "tijd om de {g} uit te roeien",
    "het wordt tijd dat iemand die {g} afmaakt", "zet die {g} tegen de muur",
    "alle {g} moeten vergast worden", "dood aan alle {g}",
)
# Written 2026-12-07 (fifteenth session), before model 57: the bare verb, a Dutch imperative or
# wish with no subject ("alle … vergassen"), and the same violence reported, quoted or rejected.
THREATS_BARE_VERB = (  # Yes
    "alle {g} vergassen", "die {g} gewoon doodschieten", "{g} ophangen, stuk voor stuk",
    "lynchen die {g}", "{g} neersteken en klaar", "gewoon allemaal afmaken, die {g}",
    "{g} in elkaar slaan, allemaal", "kogel door de kop voor die {g}",
)
VIOLENCE_AGAINST_GROUPS_REPORTED = (  # No
    "iemand schreef dat je {g} moet vergassen, ik heb het gemeld",
    "man opgepakt die opriep om {g} dood te schieten",
    "'{g} ophangen' riep hij, walgelijk gewoon",
    "niemand wil {g} neersteken, doe normaal",
    "wie roept dat je {g} moet lynchen hoort in de cel",
    "de rechter veroordeelde hem voor een post over het afmaken van {g}",
)
# Written 2026-12-07 (fifteenth session): what a city reads in the last week of December.
FIREWORKS_CHATTER = (  # No
    "vuurwerk afschieten bij de haven vanavond",
    "wie gaat er oudjaar vuurwerk afsteken bij het Weerwater?",
    "mijn hond is doodsbang van al dat vuurwerk",
    "Er wordt al de hele week vuurwerk afgestoken in Haven, irritant",
    "wie heeft er nog vuurwerk? zaterdag knallen bij de skatebaan",
    "we schieten om 12 uur de vuurpijlen af in de tuin",
    "rotjes gekocht in België, 40 euro lichter",
    "morgen vroeg de vuurwerkresten opruimen voor de deur",
    "buurjongens gooien al de hele middag met cobra's, kan dat niet wat later",
    "carbidschieten met de melkbussen bij opa op het erf, jaarlijkse traditie",
)

# Written 2026-12-07 (sixteenth session), before any rule below was written: denials in forms the
# families above lack (the negation after the object, "geen hekel", a question answered "onzin",
# contempt aimed at racists), neutral mentions in other settings, and hostility whose negation
# must not read as a denial.
NEGATED_THIRD = (  # No
    "ik haat {g} niet", "ik heb geen hekel aan {g}", "{g} zijn niet vies of dom",
    "ik walg niet van {g}, ik walg van racisten", "{g} zijn niet het probleem",
    "je kunt niet zeggen dat {g} minder waard zijn", "{g} zijn geen beesten, het zijn mensen",
    "ik zou nooit zeggen dat {g} ziek in hun hoofd zijn", "{g} deugen net zo goed als iedereen",
    "er is niks mis met {g}", "{g} verdienen geen haat", "{g} zijn niet slechter dan wij",
    "niemand hoeft {g} te haten", "ik vind {g} niet eng", "{g} zijn niet te vertrouwen? onzin",
    "{g} moeten niet weg, ze horen hier gewoon", "ik heb nooit iets tegen {g} gehad",
    "het is niet waar dat {g} stinken", "{g} zijn geen parasieten", "{g} zijn absoluut geen gevaar",
    "ik denk niet dat {g} achterlijk zijn", "{g} uitschelden doe ik niet",
    "{g} zijn niet minder dan jij", "waarom zou je {g} haten? slaat nergens op",
    "mijn {g} vrienden zijn geen tuig, gewoon hardwerkende mensen",
)
NEUTRAL_SECOND = (  # No
    "{g} uit de buurt organiseren een barbecue", "ik ging vandaag met twee {g} lunchen",
    "in de klas van mijn zoon zitten ook {g}", "{g} hebben hun eigen feestdagen",
    "de burgemeester sprak met vertegenwoordigers van {g}",
    "er was een lezing over de geschiedenis van {g}",
    "{g} in Almere kunnen terecht bij het wijkteam", "veel {g} sporten bij onze club",
    "een onderzoek naar de woonsituatie van {g}", "{g} en andere Almeerders kwamen samen",
    "bij ons op school zijn {g} welkom", "de stichting helpt {g} met taallessen", "{g}",
    "over {g} gesproken, hoe ging het gesprek?", "{g} stemmen ook bij de verkiezingen",
    "ik zag een reportage over jonge {g}", "twee {g} openden een bakkerij in Buiten",
    "{g} zijn net als iedereen op zoek naar een huis", "het aantal {g} in Nederland groeit",
    "{g} vertellen hun verhaal in de bibliotheek", "wat eten {g} met kerst?",
    "onze nieuwe buren zijn {g} uit Utrecht", "{g} doen ook mee aan de avondvierdaagse",
    "ken jij {g} die willen meedoen aan het koor?", "de politie sprak met {g} over veiligheid",
)
HOSTILE_WITH_A_LATE_NEGATION = (  # Yes
    "ik haat {g} niet normaal", "ik haat {g} die niet willen werken",
    "ik haat {g} niet alleen, ik walg van ze", "zijn {g} tuig? ja natuurlijk",
    "{g} zijn allemaal racisten, niet te vertrouwen",
    "ik haat al die {g} niet eens zo erg als de rest",
)

# Written 2026-12-07 (sixteenth session), after the first rule for every kind of firework and
# before the rule that asks for a target: forty more everyday sentences of New Year's Eve, many
# with a firework and "op", "naar" or "richting" a place.
FIREWORKS_CHATTER_SECOND = (  # No
    "we steken vuurwerk af richting het water",
    "we steken vuurwerk op het strand af",
    "vuurwerk richting het water afsteken is het veiligst",
    "om 12 uur vuurwerk op het grasveld achter de flat",
    "mijn zoon wil per se vuurpijlen naar boven schieten vanaf het balkon",
    "de vuurpijlen gingen recht omhoog, prachtig gezicht",
    "rotjes op straat gooien mag pas na zes uur",
    "zet de fonteinen op een stevige ondergrond en ga op afstand staan",
    "vuurwerk op de stoep laten liggen is asociaal, ruim je troep op",
    "wie heeft er een aansteker? de lont van de cobra wil niet",
    "we gaan om 12 uur knallen op het pleintje bij de school",
    "de hele straat stond om middernacht buiten, heel gezellig",
    "vuurwerk naar de milieustraat brengen als het niet is afgegaan",
    "nitraten zijn verboden, koop gewoon siervuurwerk",
    "de hond zat onder de bank van al die rotjes",
    "vanaf ons balkon zagen we het vuurwerk boven het Weerwater",
    "mortieren zijn echt te zwaar voor in een kleine tuin",
    "de gemeente zet dit jaar een vuurwerkvrije zone in het centrum",
    "vuurwerk door de lucht, champagne in de hand, gelukkig nieuwjaar",
    "ik heb mijn vuurwerk op tijd besteld bij de winkel in Buiten",
    "rotjes richting de sloot gooien, lekker knallen op het ijs",
    "we schieten de pijlen af vanaf de dijk",
    "buurjongens gooiden rotjes tegen de schutting, wat een herrie",
    "carbidschieten doen we altijd bij de boerderij van mijn oom",
    "de brandweer waarschuwt: steek vuurwerk nooit binnen af",
    "hoeveel vuurwerk mag je eigenlijk in huis hebben?",
    "vorig jaar lag er zoveel vuurwerk op straat, dit jaar beter opruimen",
    "kinderen mogen alleen sterretjes en knalerwten",
    "we hebben vuurwerk voor 200 euro gekocht, te gek",
    "zijn er dit jaar nog vuurpijlen te koop in Almere?",
    "vuurwerk op oudjaarsdag pas vanaf 18:00 afsteken, let op",
    "een vuurpijl kwam op ons dak terecht, gelukkig niks kapot",
    "wie komt er vuurwerk kijken op het Stadhuisplein?",
    "ik vind dat zware vuurwerk echt eng voor de dieren",
    "ruim je vuurwerkafval op, de buurt is van ons allemaal",
    "vuurwerk op een vlakke ondergrond zetten en dan pas aansteken",
    "de cobra's knalden de hele nacht in onze straat",
    "we steken de pijlen af in een fles op het gras",
    "mijn vader schiet elk jaar de laatste pijl af om kwart over 12",
    "oud en nieuw vieren we met vuurwerk en oliebollen in de tuin",
)

THREATS = (
    "ik steek je neer", "ik schiet die agent dood", "we maken die wethouder af", "ik sla je kop in",
    "die burgemeester moet hangen", "ik vermoord je", "we fikken dat azc af",
    "ik snij je keel door", "jij gaat eraan", "ik knal je neer",
)


# Written 2026-12-07 (thirteenth session): one member of a group named in passing, a group word in
# the singular after "een" or "als". Stage 1 weighs "een <group word>" 2.1 towards polarising
# (nlp/MODEL_CARD.md, "Op tekst die wij niet schreven"): the corpus names one member of a group
# mostly to attack them. The frames are ours, not the suite's.
MEMBERS = ("moslim", "Pool", "homo", "asielzoeker", "Marokkaan", "jood", "vrouw", "Turk")
ONE_MEMBER = (  # No
    "onze huisarts is een {m}, en een hele goede ook",
    "mijn zus is getrouwd met een {m} uit Almere Buiten",
    "de trainer van mijn zoon is een {m} en de kinderen zijn gek op die trainer",
    "ik ben een {m} en woon al twintig jaar met plezier in Haven",
    "bij de buurtbarbecue zat ik naast een {m}, leuk gesprek gehad",
    "de winnaar van de pubquiz was een {m} uit de Kruidenwijk",
    "als {m} voel ik me hier gewoon thuis",
    "er kwam vorige maand een {m} bij ons werken, past goed in het team",
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


@dataclass(frozen=True, slots=True)
class Family:
    """Sentences that should all get `label` (`want`) or all not; `frames` of `per_frame`
    sentences each (a frame crossed with the groups or targets)."""

    name: str
    label: str
    want: bool
    texts: tuple[str, ...]
    frames: tuple[str, ...]
    per_frame: int


def families() -> list[Family]:
    crossed = [("negated hostility", NEGATED, False), ("counter-speech", COUNTER, False),
               ("negated hostility, other forms", NEGATED_OTHER, False),
               ("counter-speech, other forms", COUNTER_OTHER, False),
               ("neutral mentions", NEUTRAL, False),
               ("hostility with a negation", HOSTILE_WITH_NEGATION, True),
               ("negated hostility, third forms", NEGATED_THIRD, False),
               ("neutral mentions, second set", NEUTRAL_SECOND, False),
               ("hostility with a late negation", HOSTILE_WITH_A_LATE_NEGATION, True)]
    return [
        Family("threat verbs", "threat", True,
               tuple(frame.format(t=t) for frame in THREAT_FRAMES.values() for t in TARGETS),
               tuple(THREAT_FRAMES), len(TARGETS)),
        Family("figurative threats", "threat", False, FIGURATIVE_THREATS, FIGURATIVE_THREATS, 1),
        Family("fireworks chatter", "threat", False, FIREWORKS_CHATTER, FIREWORKS_CHATTER, 1),
        Family("fireworks chatter, second set", "threat", False, FIREWORKS_CHATTER_SECOND,
               FIREWORKS_CHATTER_SECOND, 1),
        *(Family(name, "threat", want, tuple(f.format(t=t) for f in frames for t in OFFICIALS),
                 frames, len(OFFICIALS))
          for name, frames, want in (
              ("warnings against violence", WARNINGS_AGAINST_VIOLENCE, False),
              ("threats with a negation", THREATS_WITH_NEGATION, True))),
        *(Family(name, "polarising", want, tuple(f.format(g=g) for f in frames for g in GROUPS),
                 frames, len(GROUPS)) for name, frames, want in crossed),
        Family("one member named", "polarising", False,
               tuple(f.format(m=m) for f in ONE_MEMBER for m in MEMBERS), ONE_MEMBER,
               len(MEMBERS)),
        Family("threats against groups, other forms", "threat", True,
               tuple(f.format(g=g) for f in THREATS_AGAINST_GROUPS for g in GROUPS),
               THREATS_AGAINST_GROUPS, len(GROUPS)),
        *(Family(name, "threat", want, tuple(f.format(g=g) for f in frames for g in GROUPS),
                 frames, len(GROUPS))
          for name, frames, want in (
              ("threats against groups, a bare verb", THREATS_BARE_VERB, True),
              ("violence against groups, reported or rejected",
               VIOLENCE_AGAINST_GROUPS_REPORTED, False))),
        *(Family(f"threats, {name}", "threat", True, tuple(spell(t) for t in THREATS), THREATS, 1)
          for name, spell in SPELLINGS.items()),
    ]


@dataclass(frozen=True, slots=True)
class FamilyScore:
    family: Family
    scores: tuple[LabelScore, ...]

    @property
    def flagged(self) -> int:
        return sum(s.flag for s in self.scores)

    @property
    def mean_p(self) -> float:
        return sum(s.p for s in self.scores) / len(self.scores)

    @property
    def wrong(self) -> int:
        """Sentences read against the family's want: flagged where none should be, or missed."""
        return len(self.scores) - self.flagged if self.family.want else self.flagged

    def frames(self) -> list[tuple[str, int, float]]:
        """(frame, sentences flagged, mean p) per frame."""
        k = self.family.per_frame
        return [(frame, sum(s.flag for s in part), sum(s.p for s in part) / k)
                for frame, part in ((f, self.scores[i * k:(i + 1) * k])
                                    for i, f in enumerate(self.family.frames))]


def score_probes(enricher: Enricher) -> list[FamilyScore]:
    return [FamilyScore(f, tuple(r.labels[f.label] for r in enricher.enrich(list(f.texts))))
            for f in families()]


@dataclass(frozen=True, slots=True)
class ProbeFigure:
    """A family's figures as a model directory records them (probes.json): the mean probability
    of its label, and how many of its sentences the model reads against the family's want."""

    mean_p: float
    wrong: int | None = None  # None: recorded before the counts were (until 2026-12-07)

    @classmethod
    def from_json(cls, value: float | dict) -> ProbeFigure:
        if isinstance(value, dict):
            return cls(float(value["mean_p"]), value.get("wrong"))
        return cls(float(value))


def probe_figures(scores: list[FamilyScore]) -> dict[str, ProbeFigure]:
    return {s.family.name: ProbeFigure(round(s.mean_p, 4), s.wrong) for s in scores}


def drift(family: Family, candidate: float, baseline: float) -> float:
    """How far a family's mean moved the wrong way (negative: the right way)."""
    return baseline - candidate if family.want else candidate - baseline
