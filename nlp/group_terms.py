"""Identity-group terms: the words the classifier never sees as themselves.

Normalisation (`nlp.features`) turns each into one placeholder, so that the model cannot learn
that one group is more suspicious than another; de-obfuscation (`nlp.deobfuscate`) knows them as
targets, so that "m0sl1ms" is read as a group term. A leaf: it imports nothing.
"""

from __future__ import annotations

# Singular, plural, adjective stems. Matched case-insensitively as words.
GROUP_TERMS: tuple[str, ...] = (
    # religion
    "moslim", "moslims", "moslima", "moslima's", "islamieten", "islamiet", "islamitische",
    "mohammedanen", "christen", "christenen", "christelijke", "joden", "jood", "joodse",
    "hindoes", "hindoe", "boeddhisten", "katholieken", "protestanten", "atheïsten", "sikhs",
    "jehova's", "gelovigen", "ongelovigen",
    # ethnicity, origin, nationality
    "marokkanen", "marokkaan", "marokkaanse", "turken", "turk", "turkse", "polen", "pool",
    "poolse", "surinamers", "surinamer", "surinaamse", "antillianen", "antilliaan",
    "antilliaanse", "eritreeërs", "eritreeers", "eritreeër", "syriërs", "syriers", "syriër",
    "somaliërs", "somaliers", "somaliër", "afghanen", "afghaan", "oekraïners", "oekrainers",
    "roemenen", "roemeen", "bulgaren", "bulgaar", "roma", "sinti", "zigeuners", "chinezen",
    "chinees", "aziaten", "aziaat", "afrikanen", "afrikaan", "arabieren", "arabier", "koerden",
    "berbers", "ghanezen", "nigerianen", "kaapverdianen", "molukkers", "hindostanen",
    "indiërs", "pakistanen", "palestijnen", "israëliërs", "israeliers", "russen", "oost-europeanen",
    "nederlanders", "hollanders", "allochtonen", "allochtoon", "autochtonen", "autochtoon",
    "buitenlanders", "buitenlander", "mocro's", "mocros", "mocro",
    # skin colour
    "zwarten", "zwarte mensen", "witten", "witte mensen", "blanken", "gekleurden",
    # migration and asylum status
    "migranten", "migrant", "immigranten", "immigrant", "expats", "arbeidsmigranten",
    "vluchtelingen", "vluchteling", "asielzoekers", "asielzoeker", "statushouders",
    "statushouder", "nieuwkomers", "nieuwkomer", "vreemdelingen", "ongedocumenteerden",
    # sexual orientation, gender identity, sex or gender
    "homo's", "homos", "homo", "homoseksuelen", "lesbiennes", "lesbienne", "lesbische",
    "biseksuelen", "lhbti'ers", "lhbtiq'ers", "lhbtq'ers", "lhbt'ers", "lhbti", "lhbtq",
    "lhbt", "lhbtiq", "queers", "transgenders", "transgender",
    "transpersonen", "transvrouwen", "transmannen", "trans", "non-binaire personen",
    "vrouwen", "vrouw", "mannen", "meisjes", "feministen",
    # disability
    "gehandicapten", "gehandicapte", "mensen met een beperking", "autisten", "doven",
    "blinden", "rolstoelers",
    # political camp
    "boeren", "linksen", "rechtsen", "wappies", "pvv-stemmers", "gl-stemmers", "d66-stemmers",
    "vvd-stemmers", "fvd-stemmers", "bbb-stemmers", "sp-stemmers", "fvd'ers", "pvv'ers",
    "vvd'ers", "d66'ers", "sp'ers", "cda'ers", "bbb'ers", "groenlinksers", "socialisten",
    "nationalisten", "klimaatactivisten", "linkse mensen", "rechtse mensen",
)
