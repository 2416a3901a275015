"""Fillers for the templates that are not crossed with identity groups."""

from __future__ import annotations

import string

SLOTS: dict[str, tuple[str, ...]] = {
    # A place with its article, as it follows "naar", "op", "bij".
    "plek": (
        "het Stadhuisplein", "de Esplanade", "de Grote Markt", "winkelcentrum Haven",
        "station Almere Centrum", "het pleintje in de Kruidenwijk", "station Almere Poort",
        "het Forum", "de Citadel", "station Almere Buiten", "het Stationsplein", "de Dam",
        "het Malieveld", "het Beursplein in Almere Buiten", "de Brink in Almere Haven",
        "het Museumplein",
    ),
    # The same, bare, as in a terse call.
    "plek0": (
        "stadhuisplein", "Esplanade", "grote markt", "haven winkelcentrum", "station centrum",
        "kruidenwijk", "almere poort", "forum", "citadel", "station buiten", "Dam",
        "malieveld", "beursplein", "stadhuisplein almere", "esplanade 036",
    ),
    "tijd": (
        "morgen 20:00", "vanavond 21u", "zaterdag 14:00", "vrijdag 8 uur", "zondag 13.00",
        "vandaag 20.30", "morgenavond 19u", "zaterdag om 3 uur", "woensdag 19:30",
        "vanavond 22.00", "morgen om 12 uur", "zondagmiddag 2 uur",
    ),
    "dag": (
        "vanavond", "morgen", "zaterdag", "zondag", "vrijdagavond", "morgenavond",
        "straks", "dit weekend", "woensdagmiddag", "na het eten",
    ),
    "aantal": ("50", "100", "200", "300", "500", "1000", "150"),
    "spul": (
        "spandoeken", "borden", "een megafoon", "water", "vlaggen", "fluitjes",
        "warme kleren", "je buren", "een powerbank", "toeters",
    ),
    # Authorities, singular (takes "is") and plural (takes "zijn").
    "auth": (
        "de gemeente", "de burgemeester", "de raad", "het kabinet", "de overheid",
        "de regering", "het college", "den haag", "de rechtspraak", "het OM", "de politie",
        "het systeem", "de elite", "die wethouder",
    ),
    "auths": (
        "de politici", "de rechters", "de boa's", "die wethouders", "de raadsleden",
        "de agenten", "die ministers", "de ambtenaren", "de bestuurders", "de kamerleden",
    ),
    # Public bodies, as hostility would name them.
    "org": (
        "de gemeente", "de raad", "het kabinet", "de overheid", "de regering", "het college",
        "den haag", "het OM", "de politie", "het systeem", "de elite", "de rechtspraak",
        "de gemeenteraad", "de tweede kamer",
    ),
    # The same bodies as ordinary criticism names them.
    "bestuur": (
        "de gemeente", "het college", "de raad", "het kabinet", "de wethouder",
        "de burgemeester", "de provincie", "de regering", "de gemeenteraad",
    ),
    # Officials as news reports name them.
    "functie": (
        "een wethouder", "de burgemeester", "twee boa's", "een raadslid", "een wijkagent",
        "een ambtenaar", "agenten", "een handhaver",
    ),
    # One official, as a threat target.
    "ambt": (
        "die burgemeester", "die wethouder", "die agent", "die boa", "die rechter",
        "dat raadslid", "die minister", "die handhaver", "die ambtenaar van de gemeente",
        "die wijkagent",
    ),
    "gebouw": (
        "het gemeentehuis", "het stadhuis", "het politiebureau", "het provinciehuis",
        "het bureau aan de Hospitaaldreef", "de raadszaal", "het kantoor van de boa's",
    ),
    # Private property and private persons: a threat against them is `threat` only.
    "bezit": (
        "de bussen", "de ruiten van de jumbo", "die auto's in de straat", "de snackbar",
        "dat winkelcentrum", "de tram", "die shoarmazaak", "de kapsalon op de hoek",
        "het huis van die gast", "de scooters voor de deur",
    ),
    "persoon": (
        "die buurman", "die gast van de snackbar", "die jongen van 3 hoog", "die eikel van "
        "de overkant", "die ex van me", "die huisbaas", "die chauffeur", "die gozer van gister",
        "die leraar", "die manager van me",
    ),
    "ding": (
        "trein", "wifi", "weer", "maandag", "file op de a6", "printer", "bus", "huur",
        "wachtrij", "regen", "telefoon", "kou", "ns", "update",
    ),
    "vloek": (
        "kanker", "kut", "tyfus", "tering", "fuck", "godverdomme", "klote", "kk", "shit",
        "jezus", "pokke",
    ),
    "wijk": (
        "Almere Poort", "de Kruidenwijk", "Almere Buiten", "Almere Haven", "Oosterwold",
        "de Stripheldenbuurt", "Almere Hout", "de Regenboogbuurt", "Tussen de Vaarten",
    ),
    "event": (
        "de kerstmarkt", "de braderie", "het concert", "de vrijmarkt", "de boekenmarkt",
        "de rommelmarkt", "het foodtruckfestival", "de open dag", "de sinterklaasintocht",
        "de kermis",
    ),
}

_FORMATTER = string.Formatter()


def slot_names(template: str) -> list[str]:
    return [name for _, name, _, _ in _FORMATTER.parse(template) if name]


def fill(template: str, i: int, j: int) -> str:
    """The j-th filling of template i: each slot walks its list from its own offset."""
    values: dict[str, str] = {}
    for k, name in enumerate(dict.fromkeys(slot_names(template))):
        options = SLOTS[name]
        values[name] = options[(i * 5 + j * (1 + k) + k * 3) % len(options)]
    return template.format(**values)
