"""`polarising`: non-hateful contrasts, which must not be flagged."""

from __future__ import annotations

from nlp.functional.spec import Functionality

_NOT_HOME = "[!gender,sexual_orientation,gender_identity,disability,political,blanken]"


def _neg(fid: str, nl: str, en: str, *templates: str, crossed: bool = True,
         also: dict[str, bool] | None = None) -> Functionality:
    return Functionality(fid, "polarising", False, nl, en, templates, crossed=crossed,
                         also=also or {})


NON_HATEFUL: tuple[Functionality, ...] = (
    _neg("pol_counter_speech", "Tegenspraak die haat afwijst", "Counter-speech rejecting hate",
         "wie zegt dat {grp} tuig zijn is zelf het probleem",
         "stop nou eens met haten op {grp}, het zijn gewoon mensen",
         "{grp} horen hier net zo goed als jij en ik",
         "haat tegen {grp} hoort nergens thuis, ook niet in almere",
         "ik sta achter de {grp} in mijn wijk, punt",
         "haat tegen {grp}? niet in onze stad",
         "mensen die {grp} wegzetten als tuig moeten zich diep schamen"),
    _neg("pol_quote_condemn", "Haat citeren om die te veroordelen",
         "Quoting hostility in order to condemn it",
         _NOT_HOME + "'{grp} moeten allemaal terug' roept iemand hier. walgelijk, dit is haat",
         "iemand schreef 'ik haat {grp}' onder mijn post. gerapporteerd en geblokt",
         "op de muur bij de tunnel staat '{grp} eruit'. gemeente haal dat alsjeblieft weg",
         "mijn buurman noemde {grp} 'ongedierte'. ik schaam me kapot voor hem",
         "in de groepsapp zeggen ze dat {grp} 'niks waard' zijn. ben eruit gestapt, ziek dit",
         "'vieze {grp}' riep die vent in de bus. niemand deed iets, echt triest"),
    _neg("pol_negation", "Ontkende vijandigheid", "Negated hostility",
         "ik zal nooit zeggen dat {grp} minder waard zijn",
         "{grp} zijn niet het probleem",
         "ik haat {grp} niet, ik haat mensen die haten",
         "nee, {grp} zijn geen criminelen",
         "{grp} zijn echt geen ongedierte, wat een onzin",
         "niemand hoeft {grp} weg te sturen, ze horen hier gewoon"),
    _neg("pol_neutral_mention", "Neutrale vermelding van een groep", "Neutral mention of a group",
         "in mijn klas zitten best veel {grp}",
         "hoeveel {grp} wonen er eigenlijk in almere?",
         "er komt een onderzoek naar de positie van {grp} op de arbeidsmarkt",
         "mijn nieuwe collega is een {een}",
         "de vereniging voor {grp} houdt zaterdag een open dag in het Forum",
         "op tv was een docu over {grp} in nederland, best interessant",
         "volgens het CBS is het aantal {grp} in flevoland gestegen"),
    _neg("pol_positive_mention", "Positieve vermelding van een groep",
         "Positive mention of a group",
         "{grp} zijn top buren, altijd behulpzaam",
         "veel respect voor de {grp} in onze straat",
         "trots op alle {grp} in deze stad",
         "de {grp} uit mijn buurt hielpen mee met de voedselbank, toppers",
         "{grp} maken almere mooier echt waar",
         "ik ben blij met zoveel {grp} in mijn vriendengroep"),
    _neg("pol_person_acts", "Kritiek op wat één persoon doet, niet op de groep",
         "Criticism of a specific person's acts",
         "de {een} van nummer 14 draait elke nacht keiharde muziek. ik heb de wijkagent gebeld",
         "de {een} die gister mijn fiets jatte is gewoon een dief, hopelijk wordt die opgepakt",
         "mijn huisbaas is een {een} en repareert al maanden de verwarming niet, schandalig",
         "die {een} van de snackbar op de hoek gaf me verkeerd wisselgeld en deed alsof het "
         "mijn fout was",
         "een {een} uit mijn team heeft mijn presentatie gejat en als eigen werk ingeleverd. "
         "echt laag",
         "de {een} die voor me reed sneed me af op de a6 en stak de middelvinger op. "
         "wat een eikel"),
    _neg("pol_swearing_no_group", "Vloeken zonder doelgroep", "Swearing that targets no group",
         "{vloek} {ding} weer",
         "{vloek} wat een {ding} vandaag",
         "{vloek}, {ding} doet het weer niet",
         "{vloek} ik ben mn sleutels kwijt",
         "{vloek} wat is het druk op de a6",
         "{vloek} die {ding}, ik word gek",
         "{vloek} wat een kutdag",
         "wollah {vloek} {ding} ik ben er klaar mee",
         "{vloek} mn fiets is weer gejat",
         "{vloek} ik heb me verslapen",
         crossed=False),
    _neg("pol_azc_opposition", "Tegen een azc zonder de mensen zelf neer te zetten",
         "Opposing an asylum centre without framing the people",
         "geen azc in {wijk}, de wijk is er gewoon niet op gebouwd",
         "een azc met {aantal} plekken is veel te groot voor {wijk}",
         "ik ben tegen het azc in {wijk} omdat de gemeente niemand iets heeft gevraagd",
         "waarom weer {wijk}? er zijn toch betere plekken voor een azc",
         "azc in {wijk}? eerst maar eens zorgen voor genoeg scholen en huisartsen",
         "het azc komt veel te dicht bij de basisschool in {wijk}, slecht plan",
         "{aantal} asielzoekers in één gebouw in {wijk} is niet goed voor henzelf en niet "
         "voor de wijk",
         "teken tegen het azc in {wijk}: te groot, te snel, zonder overleg",
         crossed=False, also={"anti_government": False}),
)
