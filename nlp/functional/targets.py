"""The identity groups the suite is crossed with: every category of the guidelines.

Slurs are written out plainly: the suite tests that they are detected.
"""

from __future__ import annotations

from dataclasses import dataclass

CATEGORIES: tuple[str, ...] = (
    "ethnicity", "skin_colour", "origin", "religion", "migration", "gender",
    "sexual_orientation", "gender_identity", "disability", "political",
)


@dataclass(frozen=True, slots=True)
class Target:
    key: str
    category: str
    plural: str
    singular: str
    adj: str  # attributive adjective, "" where Dutch has none that reads naturally
    stem: str  # first part of a compound: "asiel" in "asieltuig"
    slurs: tuple[tuple[str, str], ...]  # (plural, singular)

    def fields(self) -> dict[str, str]:
        return {"grp": self.plural, "een": self.singular, "adj": self.adj, "stem": self.stem}


def _t(key: str, cat: str, plural: str, singular: str, adj: str, stem: str,
       *slurs: tuple[str, str]) -> Target:
    return Target(key, cat, plural, singular, adj, stem, tuple(slurs))


TARGETS: tuple[Target, ...] = (
    _t("moslims", "religion", "moslims", "moslim", "islamitische", "moslim",
       ("geitenneukers", "geitenneuker"), ("baardapen", "baardaap")),
    _t("joden", "religion", "joden", "jood", "joodse", "joden",
       ("smousen", "smous"), ("kankerjoden", "kankerjood")),
    _t("christenen", "religion", "christenen", "christen", "christelijke", "christen",
       ("bijbelfanaten", "bijbelfanaat"), ("jezusfreaks", "jezusfreak")),
    _t("marokkanen", "ethnicity", "Marokkanen", "Marokkaan", "Marokkaanse", "marokkanen",
       ("kutmarokkanen", "kutmarokkaan"), ("makakken", "makak")),
    _t("turken", "ethnicity", "Turken", "Turk", "Turkse", "turken",
       ("kutturken", "kutturk"), ("knoflookvreters", "knoflookvreter")),
    _t("surinamers", "ethnicity", "Surinamers", "Surinamer", "Surinaamse", "surinamers",
       ("bosnegers", "bosneger"), ("kutsurinamers", "kutsurinamer")),
    _t("antillianen", "ethnicity", "Antillianen", "Antilliaan", "Antilliaanse", "antillianen",
       ("kutantillianen", "kutantilliaan"), ("bootnegers", "bootneger")),
    _t("roma", "ethnicity", "Roma", "Roma", "", "roma",
       ("zigeuners", "zigeuner"), ("kutzigeuners", "kutzigeuner")),
    _t("zwarten", "skin_colour", "zwarten", "zwarte", "zwarte", "zwarten",
       ("negers", "neger"), ("roetmoppen", "roetmop"), ("nikkers", "nikker")),
    _t("blanken", "skin_colour", "blanken", "blanke", "blanke", "blanken",
       ("bleekscheten", "bleekscheet"), ("kaaskoppen", "kaaskop")),
    _t("polen", "origin", "Polen", "Pool", "Poolse", "polen",
       ("polakken", "polak"), ("oostblokkers", "oostblokker")),
    _t("bulgaren", "origin", "Bulgaren", "Bulgaar", "Bulgaarse", "bulgaren",
       ("oostblokkers", "oostblokker"), ("kutbulgaren", "kutbulgaar")),
    _t("syriers", "origin", "Syriërs", "Syriër", "Syrische", "syriërs",
       ("zandnegers", "zandneger"), ("kamelendrijvers", "kamelendrijver")),
    _t("asielzoekers", "migration", "asielzoekers", "asielzoeker", "", "asiel",
       ("gelukszoekers", "gelukszoeker"), ("asielprofiteurs", "asielprofiteur")),
    _t("vluchtelingen", "migration", "vluchtelingen", "vluchteling", "", "vluchtelingen",
       ("nepvluchtelingen", "nepvluchteling"), ("fortuinzoekers", "fortuinzoeker")),
    _t("statushouders", "migration", "statushouders", "statushouder", "", "statushouders",
       ("voorrangsprofiteurs", "voorrangsprofiteur"), ("huizenjatters", "huizenjatter")),
    _t("migranten", "migration", "migranten", "migrant", "", "migranten",
       ("kutallochtonen", "kutallochtoon"), ("importtuig", "importcrimineel")),
    _t("vrouwen", "gender", "vrouwen", "vrouw", "vrouwelijke", "vrouwen",
       ("wijven", "wijf"), ("sletten", "slet"), ("kutwijven", "kutwijf")),
    _t("homos", "sexual_orientation", "homo's", "homo", "homoseksuele", "homo",
       ("flikkers", "flikker"), ("nichten", "nicht"), ("poten", "poot")),
    _t("lesbiennes", "sexual_orientation", "lesbiennes", "lesbienne", "lesbische", "lesbo",
       ("potten", "pot"), ("lesbo's", "lesbo")),
    _t("transpersonen", "gender_identity", "transpersonen", "transpersoon", "transgender",
       "trans", ("travo's", "travo"), ("transjes", "transje")),
    _t("gehandicapten", "disability", "gehandicapten", "gehandicapte", "gehandicapte",
       "gehandicapten", ("mongolen", "mongool"), ("spasten", "spast")),
    _t("autisten", "disability", "autisten", "autist", "autistische", "autisten",
       ("debielen", "debiel"), ("autistjes", "autistje")),
    _t("pvv_stemmers", "political", "PVV-stemmers", "PVV-stemmer", "", "pvv",
       ("PVV-tokkies", "PVV-tokkie"), ("PVV-aso's", "PVV-aso")),
    _t("linksen", "political", "linksen", "linkse", "linkse", "links",
       ("linkse ratten", "linkse rat"), ("gutmenschen", "gutmensch")),
    _t("fvders", "political", "FvD'ers", "FvD'er", "", "fvd",
       ("wappies", "wappie"), ("FvD-gekkies", "FvD-gekkie")),
)

BY_KEY: dict[str, Target] = {t.key: t for t in TARGETS}
