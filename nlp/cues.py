"""Token patterns for cues: mobilisation, threat, hostility, and the cues that argue *against* a
flag (reporting, warnings, counter-speech, online-only action). All become evidence spans and
count features for the classifier, so the model learns how much each cue is worth."""

from __future__ import annotations

from nlp.group_terms import GROUP_TERMS
from nlp.lexicon import CATEGORIES, load_lexicon

Spec = tuple[str, ...]


def _w(*words: str) -> Spec:
    """A phrase spec, matched case-insensitively: "a|b" is a choice, "x*" a prefix, "…" up to
    five arbitrary tokens ("…2": up to two). pipeline.py compiles specs into the fastest matcher
    that fits."""
    return tuple(words)


def _group_specs(*before: str, after: str = "") -> list[Spec]:
    """Every group term between the words `before` and the choice `after`: the one-word terms as
    one choice, each longer term as a phrase of its own."""
    tail = (after,) if after else ()
    single = "|".join(t for t in GROUP_TERMS if " " not in t)
    return [_w(*before, single, *tail),
            *(_w(*before, *t.split(), *tail) for t in GROUP_TERMS if " " in t)]


CUES: dict[str, list[Spec]] = {
    # Calls and invitations to be physically present.
    "mobilise": [
        _w("kom|komt|kom-", "naar"), _w("kom|komt", "allemaal|allen|massaal|ook|op"),
        _w("iedereen|allemaal|massaal|allen|samen", "naar"), _w("iedereen", "komen|erheen"),
        _w("we|wij", "verzamelen"), _w("verzamelen|verzamel", "bij|op|om|in|aan|voor"),
        _w("verzamelpunt"), _w("verzamelplaats"), _w("pullen|pull", "up"),
        _w("pullen|pull", "we|jullie|ze", "up"), _w("pullup*"), _w("pull-up"),
        _w("neem|neemt|nemen", "…", "mee"), _w("breng|brengt", "…", "mee"),
        _w("laat|laten", "je|jullie|we|ons", "zien"), _w("laat", "zien", "dat"),
        _w("laat", "je|jullie", "gezicht|gezichten", "zien"), _w("wees|zijn", "erbij"),
        _w("wees", "er"), _w("zie", "jullie|je|ju", "daar|er|dan|daarzo"),
        _w("op", "naar"), _w("we", "gaan", "naar"), _w("we", "gaan", "met", "z'n|zn", "allen"),
        _w("met", "z'n|zn|ze", "allen"), _w("doe|doen", "mee"), _w("sluit", "je", "aan"),
        _w("opkomen"), _w("opkomst"), _w("trommel", "…", "op"), _w("breng", "vrienden*"),
        _w("deel|delen", "dit|door"), _w("kom", "in", "actie"), _w("sta", "op"),
        _w("staan", "we"), _w("tot", "zaterdag|zondag|vanavond|morgen|dan"),
        _w("be", "there"), _w("come", "to"), _w("everyone", "to"), _w("join", "us"),
        _w("wie", "gaat|komt", "er", "mee"), _w("wie", "is", "er", "bij"),
        _w("afspraak", "bij|om|op"), _w("pak", "…", "mee"), _w("mobiliseer*"),
        _w("we", "blokkeren|bezetten|marcheren|lopen"), _w("heel", "036|almere"),
        _w("hele", "wijk|stad|buurt"), _w("geen", "excuses"), _w("niet", "thuisblijven"),
    ],
    # Topic words: not evidence of a flag by themselves, but useful features.
    "topic_protest": [
        _w("blokkade*"), _w("blokkeren"), _w("bezetten"), _w("rellen"), _w("demo"),
        _w("demonstratie*|demonstreren|protest*|betoging*|mars|manifestatie*|actie"),
    ],
    "topic_gov": [
        _w("burgemeester|wethouder*|gemeenteraad|raad|kabinet|politie|rechters|minister*"),
        _w("boa's|boas|boa"), _w("blauwe|blauw"), _w("gemeente"), _w("overheid"), _w("staat"),
    ],
    "topic_group": [
        _w("moslims|moslim|islam|christenen|joden|marokkanen|turken|polen|asielzoekers|"
           "vluchtelingen|statushouders|migranten|buitenlanders|homo's|transgenders|boeren|"
           "surinamers|antillianen|eritreeërs|syriërs|oekraïners|roma|zwarten|allochtonen|"
           "linksen|rechtsen|groeperingen"),
        _w("azc"),
    ],
    # Text hints that a gathering was notified to the municipality.
    "announced": [
        _w("aangemeld", "bij", "de", "gemeente"), _w("aangemeld"), _w("met", "vergunning"),
        _w("vergunning"), _w("toestemming", "van", "de", "gemeente"), _w("wom-melding"),
    ],
    "threat": [
        _w("in", "de", "fik"), _w("fik*"), _w("brand", "stichten"), _w("steken|stichten", "…",
                                                                      "fik|brand"),
        _w("stenen|steen|molotov*|cobra*|zwaar|bommen|bom|kogel*|wapens|messen|mes"),
        # Fireworks are a weapon only when aimed ("vuurwerk naar de ME", "vuurwerk door de
        # brievenbus"); setting them off is what the whole city does on New Year's Eve.
        _w("vuurwerk", "op|naar|tegen|door|richting"),
        _w("moet|moeten", "hangen"), _w("ophangen"), _w("afmaken"), _w("kapotmaken"),
        _w("slopen"), _w("sloop*"), _w("aanvallen"), _w("klappen", "geven|uitdelen"),
        _w("kapot", "maken|slaan"), _w("neerschieten"), _w("schieten"), _w("doodmaken"),
        _w("pakken", "we"), _w("we", "pakken"), _w("weet", "waar", "je", "woont"),
        _w("weten", "waar", "hij|zij|ze", "woont|wonen"), _w("ruiten"), _w("ingooien"),
        _w("rammen"), _w("afrekenen"), _w("bloed*"), _w("boete", "betalen"), _w("voor", "de",
                                                                                 "blauwe"),
        _w("laten", "branden"), _w("in", "brand"), _w("kill"), _w("burn"),
        _w("in", "elkaar", "trappen|slaan|timmeren|rammen"),
        _w("in", "elkaar"),
        _w("baksteen|bakstenen"), _w("door", "zijn|haar|hun|je", "raam|ruit"),
        _w("steek|steken", "…", "neer"),
        _w("sla|slaan|schiet|schieten", "…", "dood|neer"), _w("pek", "en", "veren"),
        _w("knal|knalt|knallen", "…", "dood|neer"),
        _w("messen|ramen|ruiten", "eruit"), _w("lek", "steken|prikken"), _w("lek"),
        _w("afbranden"), _w("platbranden"), _w("abbas|matties|mannen", "mee"),
        _w("rekening", "vereffenen"), _w("aframmeling|aframmelen|afslachten|slachten"),
        _w("wat", "niet", "vastzit"), _w("tikken|tik", "…", "neer"), _w("uitroeien"),
        _w("ik", "weet", "waar"), _w("we", "weten", "waar"), _w("gaat|gaan", "eraan"),
        _w("gaat|gaan", "branden"), _w("jerrycan|benzine|honkbalknuppel|knuppel|brandbom"),
        _w("wacht|wachten", "hem|haar|ze|jullie", "op"), _w("opwachten"), _w("neersteken"),
        _w("afranseling|afrossing"), _w("pak", "slaag"), _w("botten", "breken"),
        _w("een", "lesje"), _w("gaan|gaat", "het", "voelen"), _w("dood", "man"),
        _w("staat", "op", "onze|de", "lijst"), _w("laatste", "waarschuwing"),
        _w("niet", "overleven"), _w("gewaarschuwd"), _w("beschieten"), _w("in", "de", "hens"),
        # Killing a group through an image or a separable verb with "te" (2026-12-07, sixteenth
        # session): the joined verbs above are cues, their split forms were not.
        _w("aan", "de", "galg"), _w("de", "oven", "in"),
        _w("goede", "…2", "is", "een", "dode"),
        _w("uit", "te", "roeien"), _w("neer", "te", "steken|schieten|knallen|slaan"),
        _w("dood", "te", "schieten|slaan|maken|steken"), _w("af", "te", "slachten"),
        _w("in", "elkaar", "te", "slaan|trappen|rammen"),
    ],
    "anti_gov": [
        _w("landverrader*"), _w("verrader*"), _w("tribunaal"), _w("tribunalen"),
        _w("plandemie"), _w("dictatuur"), _w("regime"), _w("marionet*"), _w("elite"),
        _w("het", "systeem"), _w("de", "overheid"), _w("corrupt*"), _w("leugenaars"),
        _w("tiran*"), _w("gestapo"), _w("nazi*"), _w("kabaal"), _w("wef"), _w("great", "reset"),
        _w("vergiftig*"), _w("smerissen|smeris|"
                                                                      "kankerpolitie|juten|klabak*"),
        _w("hang", "ze", "op"), _w("weg", "met"), _w("negeer", "de", "regels"),
        _w("burgerlijke", "ongehoorzaamheid"), _w("niet", "meer", "gehoorzamen"),
    ],
    "polarising": [
        _w("moeten", "allemaal", "terug"), _w("moeten", "terug"), _w("horen", "hier", "niet"),
        _w("dat", "soort"), _w("tuig"), _w("profiteurs"), _w("gelukszoekers"),
        _w("omvolking"), _w("ongedierte"), _w("kakkerlakken"), _w("parasieten"), _w("uitzetten"),
        _w("invasie"), _w("ze", "pikken"), _w("die", "mensen"),
        _w("remigratie"), _w("nep-vluchtelingen|nepvluchtelingen"),
        _w("gespuis"), _w("vieze|smerige"), _w("al", "die"), _w("dit", "soort"),
        _w("hun", "soort"), _w("rot", "op"), _w("opzouten"), _w("terug", "naar", "je|hun|eigen"),
        _w("meute"), _w("achterlijk*"), _w("barbaren"), _w("beesten"), _w("apen"),
        _w("uitschot"), _w("indringers"), _w("vervangen"), _w("terugsturen"),
        _w("grenzen", "dicht"), _w("land", "uit"), _w("eigen", "land"), _w("niet", "in", "onze",
                                                                             "wijk|buurt|straat"),
        _w("criminele|luie|vieze|domme", "…", "nieuwkomers|buitenlanders|groepsterm"),
        _w("buitenlands*", "tuig"), _w("minderwaardig*"), _w("zijn", "allemaal"),
        _w("niet", "welkom"), _w("pleuren|flikkeren|donderen", "…", "uit|eruit"),
    ],
    # Cues that point to a report, a warning or a rejection: they argue against flags.
    "report": [
        _w("gisteren|gisteravond|vannacht|eerder|afgelopen"), _w("stonden", "er"),
        _w("er", "stonden|waren"), _w("demonstreerden|protesteerden|verzamelden"),
        _w("volgens", "de", "politie"), _w("zijn", "aangehouden"), _w("werden", "aangehouden"),
        _w("aanhoudingen"), _w("meldt|melden|meldde"), _w("aldus"), _w("zei|zegt", "de|een"),
        _w("verslag"), _w("liep", "rustig"), _w("verliep*"), _w("live", "blog"),
        _w("nieuws"), _w("bron"), _w("reported"), _w("police", "said"),
    ],
    # Neutral news register: bylines, attribution to authorities, reported online calls.
    "news": [
        _w("door", "redactie"), _w("redactie"), _w("meldt", "de", "gemeente|politie"),
        _w("volgens", "de", "gemeente|politie|organisatie|organisatoren|burgemeester"),
        _w("aldus", "een|de"), _w("woordvoerder*"), _w("gaat|gaan", "…", "rond"),
        _w("circuleert|circuleren"), _w("wordt", "opgeroepen"), _w("werd", "opgeroepen"),
        _w("wordt", "gedemonstreerd"), _w("oproep", "om|tot"), _w("online", "oproep"),
        _w("verwacht|verwachten", "…", "deelnemers|bezoekers|mensen"), _w("agenda"),
        _w("is", "aangemeld"), _w("niet", "aangemeld"), _w("staat", "…", "aangemeld"),
        _w("heeft", "…", "aangemeld"), _w("noodbevel"), _w("noodverordening"),
        _w("veiligheidsrisicogebied"), _w("houdt", "de", "situatie"), _w("neemt|nemen", "…",
                                                                         "serieus"),
        _w("zegt|zei", "op", "de", "hoogte"), _w("arrestaties"), _w("aangehouden"),
    ],
    # Ordinary cultural, sports, commercial and religious events: invitation language there is
    # not a call to gather in the guideline's sense.
    "event": [
        _w("concert*|optreden|voorstelling|première|premiere|musical|theater|film*|filmnacht"),
        _w("entree|tickets|ticket|kaartjes|kassa|toegang|gratis|korting|aanbieding*"),
        _w("dj|dj's|line-up|lineup|release|party|feest|disco|silent|open", "mic|disco|dag|huis"),
        _w("dj|dj's|festival|dancefestival|clubavond|club|feest|party"),
        _w("wedstrijd|thuiswedstrijd|uitwedstrijd|derby|finale|kampioenschap|supporters*|"
           "tribune|stadion|kantine|clubhuis|vak|sjaal|scheids|toernooi|competitie"),
        _w("kerkdienst|dienst|mis|nachtmis|viering|iftar|gebed|koor|moskee|kerk"),
        _w("markt|rommelmarkt|braderie|kofferbakverkoop|kramen|kraampje|opening|winkel|"
           "proeven|proeverij|workshop|clinic|proefles|bootcamp|quiz|pubquiz|lezing"),
        _w("iedereen", "welkom"), _w("iedereen", "is", "welkom"), _w("van", "harte", "welkom"),
        _w("kinderen|kids|ouders", "…", "welkom"), _w("opbrengst"), _w("inschrijven|schrijf"),
    ],
    "warning": [
        _w("ga", "daar|er", "niet", "heen"), _w("niet", "heen", "gaan"), _w("nep"),
        _w("fake"), _w("niet", "delen"), _w("trap", "er", "niet", "in"), _w("blijf", "weg"),
        _w("blijf", "thuis"), _w("hoax"), _w("pas", "op"), _w("let", "op"), _w("geen", "zin"),
        # Calls to keep it non-violent are the opposite of a threat (ANNOTATION.md, threat).
        _w("geen", "geweld"), _w("vreedzaam*"), _w("geweldloos"),
        _w("blijf|blijft|blijven", "rustig|kalm"), _w("rustig", "blijven"),
        _w("laat", "…", "thuis"), _w("geweld", "is", "nooit"),
    ],
    "counter": [
        _w("racist*"), _w("racisme"), _w("discriminatie"), _w("walgelijk"),
        _w("schaam", "je"), _w("tegen", "haat"), _w("geen", "plek", "voor"), _w("verbinding"),
        _w("samen", "sterk"), _w("iedereen", "hoort", "erbij"), _w("veroordelen"),
        _w("afstand", "van"), _w("hou", "op"), _w("tegengeluid"),
        # Rejecting what others say about a group (counter-speech repeats the hostile words).
        _w("zelf", "het", "probleem"), _w("haat", "zaaien"), _w("haatzaai*"), _w("schande*"),
        _w("aangifte"), _w("generalis*"), _w("over", "één|een", "kam"),
        _w("wie", "zegt|roept|beweert|schrijft", "dat"), _w("kappen|stoppen|stop|kap", "met"),
        _w("houd|hou", "op", "met"), _w("solidair*"),
        # Naming the abuse as an act ("als je … uitscheldt", "worden uitgescholden", "wie … wegzet
        # als tuig", "afgeschilderd als"): the one who abuses writes the words, not the verb that
        # labels them. Every corpus post with one of these verbs is labelled No (61, 2026-12-07).
        _w("uitscheld*"), _w("uitgescholden"), _w("beledig*"), _w("wegzet*"), _w("weggezet"),
        _w("afschilder*"), _w("afgeschilderd"), _w("bestempel*"),
        _w("uitmaakt|uitmaken|uitgemaakt", "voor"),
        # The same verbs split, as Dutch main clauses split them ("zet … weg als", "maakte … uit
        # voor", "schilderen … af als").
        _w("zet|zette|zetten", "…", "weg", "als"),
        _w("maakt|maakte|maken|maakten", "…", "uit", "voor"),
        _w("schildert|schilderde|schilderen|schilderden", "…", "af", "als"),
    ],
    "online": [
        _w("petitie"), _w("teken", "de|deze"), _w("mail", "de|je|naar"), _w("stuur", "…",
                                                                           "mail"),
        _w("hashtag"), _w("online"), _w("retweet"), _w("stem", "op|tegen"), _w("inspraak"),
        _w("zienswijze"), _w("bezwaar", "maken|indienen"), _w("raadsvergadering"),
        _w("bel", "de|je"), _w("like"), _w("enquête|enquete"),
    ],
    "private": [
        _w("met", "de", "jongens|meiden|familie|kids|kinderen"), _w("bios|bioscoop"),
        _w("verjaardag*"), _w("feestje"), _w("bbq"), _w("etentje"), _w("borrel"),
        _w("wedstrijd"), _w("concert"), _w("festival"), _w("kerkdienst"), _w("markt"),
        _w("braderie"), _w("open", "dag"), _w("voetbal*"), _w("training"), _w("toernooi"),
    ],
    # Contexts in which violent words are usually figurative (school, sport, games, jokes).
    "playful": [
        _w("toets|wiskundetoets|proefwerk|examen|tentamen|huiswerk|deadline|wekker|maandag"),
        _w("competitie|seizoen|wedstrijd|keeper|spits|goal|doelpunt|match|kampioen*"),
        _w("dansvloer|playlist|feest|party|concert|dj|game|fifa|gamen|potje"),
        _w("haha*|lol|grapje|figuurlijk|😂|🤣|😭|😅|💃"), _w("bij", "wijze", "van", "spreken"),
        _w("kom", "op"), _w("lekker"), _w("zin", "in"),
    ],
    "almere_tag": [_w("036"), _w("#almere"), _w("almere036")],
}

# Negated statements ("ik zal nooit zeggen dat …"): hostile words under a negation are not
# hostility (ANNOTATION.md, polarising).
CUES["negation"] = [
    _w("nooit"), _w("niet", "waar"), _w("zal|zou|zeg|zeggen", "…", "nooit|niet"),
    _w("geen", "sprake"), _w("onzin", "dat"), _w("klopt", "niet|niks|geen"),
    _w("niet", "minder", "waard"), _w("net", "zo", "veel|goed"),
    # Denying a claim about a group: "ik vind niet dat …", "dat klopt gewoon niet", "een fabel".
    _w("niet", "dat"), _w("klopt", "…", "niet|niks|geen"), _w("niet", "allemaal|alle"),
    _w("fabel|mythe|vooroordeel|vooroordelen"), _w("niks|niets", "mis", "met"),
    _w("niet", "het", "probleem"),
    # "ik heb geen hekel aan …" denies the lexicon's "ik heb een hekel aan".
    _w("geen|niet", "hekel"), _w("geen|niet", "een", "hekel"),
]

# A head count wanted at a gathering ("wil minimaal 50 man zien"): terse calls are often only a
# time, a place and this.
CUES["headcount"] = [
    _w("minimaal|minstens|zeker|ruim|wel", "…", "man|mensen|koppen|jongens|strijders"),
    _w("wil|willen", "iedereen", "zien"), _w("hoe", "meer", "hoe", "beter"),
    _w("met", "z'n|zn", "honderden|duizenden|allen"), _w("iedereen", "moet", "komen"),
    _w("niemand", "thuis"), _w("massaal"),
]
# The institutions' own voice: policy text, council letters, press releases. Naming the police
# or "criminelen" there is not hostility (ANNOTATION.md, anti_government).
CUES["institutional"] = [
    _w("wij|we", "werken", "samen"), _w("in", "samenwerking", "met"), _w("ketenpartners"),
    _w("het", "college"), _w("college", "van", "b&w|burgemeester"), _w("beleid*"),
    _w("veiligheidsplan*|veiligheidsbeleid|veiligheidsaanpak"), _w("handhaving"),
    _w("openbaar", "ministerie"), _w("raadsbrief|raadsinformatiebrief|raadsvoorstel"),
    _w("aanpak"), _w("preventie*"), _w("integraal|integrale"), _w("inwoners"),
    _w("de", "gemeente", "werkt|zet|investeert|heeft|wil|gaat"), _w("persbericht"),
    _w("getuigen", "worden", "verzocht|gevraagd"), _w("tips", "kunnen|kan"),
    _w("meld", "misdaad", "anoniem"), _w("0900-8844"), _w("driehoek"),
    _w("weerbaarheid|ondermijning|radicalisering|polarisatie"), _w("monitor*"),
]


def lexicon_cues() -> dict[str, list[Spec]]:
    """The curated lexicon (nlp/data/lexicon.tsv) as cue kinds `lex_<category>`: features and
    evidence, never a flag on their own."""
    out: dict[str, list[Spec]] = {f"lex_{c}": [] for c in CATEGORIES}
    for entry in load_lexicon():
        words = entry.term.split()
        spec = (words[0] + "*",) if entry.form == "prefix" else tuple(words)
        out[f"lex_{entry.category}"].append(spec)
    return out


CUES.update(lexicon_cues())
# A curse word written before a group's name is a slur whichever group follows: "kanker homo's"
# as much as the lexicon's "kankerhomo's", "tering polen" as "teringpolen" (de-obfuscation splits
# the glued forms it does not know).
CUES["lex_slur"] += _group_specs("kanker|kk|kkr|kut|tering|tyfus|tiefus|klere|kolere|pleuris")

CUE_KINDS: tuple[str, ...] = tuple(CUES)
