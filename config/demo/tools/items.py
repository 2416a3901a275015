"""The synthetic demo posts: one table, so the served files and expected.yml cannot drift apart.

Every text is invented. Handles are fictitious; no real person is named. Labels follow
docs/annotation.md.
"""

from __future__ import annotations

from demo_item import ANTI, CTG, POL, THREAT, Item, at
from items_news import NEWS_ITEMS

STATIONSPLEIN = "stationsplein-vrijdag-27-11"

ITEMS: list[Item] = [
    *NEWS_ITEMS,
    # ---------------------------------------------------------------- forum.rss (RSS 2.0)
    Item(
        "demo-buurtforum", "t-4101",
        "Zaterdag naar het Stadhuisplein!",
        "Zaterdag 14u iedereen naar het Stadhuisplein, laat zien dat we het zat zijn met het "
        "sluiten van de buurthuizen! Neem je buren mee, hoe meer mensen hoe beter.",
        at(23, 20, 12), (CTG,), True, "call_in_almere", author="kaasschaaf036",
        places=("Stadhuisplein",), when="Zaterdag 14u",
    ),
    Item(
        "demo-buurtforum", "t-4087",
        "Carpool naar de demo op de Dam zaterdag",
        "Zaterdag 21/11 is de grote demo op de Dam in Amsterdam tegen de woningnood. We verzamelen "
        "om 11:00 bij de carpoolplaats bij Almere Buiten-Oost en rijden samen naar de Dam. Wie "
        "gaat er mee? Iedereen is welkom, hoe meer we met z'n allen op de Dam staan hoe beter.",
        at(18, 21, 40), (CTG,), False, "call_elsewhere_almere_meeting_point",
        author="woonstrijd_flevo", places=("Dam", "Amsterdam", "Almere Buiten-Oost"),
        when="Zaterdag 21/11 om 11:00",
    ),
    Item(
        "demo-buurtforum", "t-4120",
        "Die snackbar op de Grote Markt",
        "Als die snackbar op de Grote Markt na al die overlast gewoon weer opengaat, steken we de "
        "hele tent in de fik. Dan is het tenminste rustig.",
        at(25, 23, 5), (THREAT,), True, "threat_property", author="nachtrust_nu",
        places=("Grote Markt",),
    ),
    Item(
        "demo-buurtforum", "t-4053",
        "Parkeeroverlast Almere Haven",
        "De gemeente moet eindelijk iets aan de parkeeroverlast in Almere Haven doen. Elke avond "
        "staan er auto's half op de stoep bij de school. Heb al drie keer een melding gemaakt.",
        at(16, 19, 30), (), True, "ordinary_criticism", author="havenaar_77",
        places=("Almere Haven",),
    ),
    Item(
        "demo-buurtforum", "t-4069",
        "Filmtip voor zaterdag?",
        "Zaterdag met de jongens naar de bios in Almere Centrum. Iemand nog tips voor een goede "
        "film? Liefst geen horror, daar kan de helft van ons niet tegen haha.",
        at(17, 18, 0), (), True, "private_plan", author="popcornpiet",
        places=("Almere Centrum",), when="Zaterdag",
    ),
    Item(
        "demo-buurtforum", "t-4092",
        "Teken de petitie voor De Meerkoet",
        "Teken allemaal de petitie tegen de sluiting van buurtzwembad De Meerkoet in Almere Haven! "
        "En mail de raadsleden, hun adressen staan op de site van de gemeente. Delen mag, hoe meer "
        "handtekeningen hoe beter. #reddemeerkoet",
        at(19, 9, 25), (), True, "online_action", author="zwemjuf_haven",
        places=("De Meerkoet", "Almere Haven"),
    ),
    Item(
        "demo-buurtforum", "t-4110",
        "Gaten in de Kemphaanweg",
        "Al maanden zitten er gaten in het fietspad langs de Kemphaanweg in Almere Buiten en de "
        "gemeente doet niks. Slecht onderhoud, mijn dochter is er vorige week bijna gevallen.",
        at(24, 8, 50), (), True, "ordinary_criticism", author="fietsmoeder",
        places=("Kemphaanweg", "Almere Buiten"),
    ),
    Item(
        "demo-buurtforum", "t-4131",
        "Waarom zoveel politie bij het Stadhuisplein?",
        "Weet iemand waarom er gisteravond zoveel politie bij het Stadhuisplein stond? Ik telde "
        "vier busjes. Er stonden ook een stuk of twintig mensen met spandoeken.",
        at(26, 9, 15), (), True, "eyewitness_report", author="nieuwsgierig_almere",
        places=("Stadhuisplein",), when="gisteravond",
    ),
    # ---------------------------------------------------------------- reddit-almere.rss
    Item(
        "demo-reddit-almere", "1q7x2a",
        "Vrijdag 27 nov 21u Stationsplein, iedereen komen",
        "Vrijdag 27 nov om 21u allemaal naar het Stationsplein in Almere Centrum. Genoeg is "
        "genoeg met die noodopvang, kom massaal en neem je buren mee!",
        at(24, 22, 48), (CTG,), True, "call_in_almere_repost", author="u/flevolander_83",
        places=("Stationsplein", "Almere Centrum"), when="Vrijdag 27 nov om 21u",
        cluster=STATIONSPLEIN,
    ),
    Item(
        "demo-reddit-almere", "1q4m9c",
        "Burgemeester = landverrader",
        "De burgemeester van Almere is een landverrader en de hele raad hoort voor een tribunaal. "
        "Het systeem lacht ons gewoon uit.",
        at(20, 23, 30), (ANTI,), True, "anti_government", author="u/wakkere_polder",
        places=("Almere",),
    ),
    Item(
        "demo-reddit-almere", "1q5b1k",
        "Boa's in het centrum",
        "Boa's zijn geen echte politie, negeer ze gewoon en betaal nooit een boete. Die hele "
        "handhaving in het centrum van Almere is een maffia van de gemeente die ons uitknijpt.",
        at(21, 14, 2), (ANTI,), True, "anti_government_disobey", author="u/geen_boete_betalen",
        places=("Almere",),
    ),
    Item(
        "demo-reddit-almere", "1q3z8d",
        "Over die linkse stemmers",
        "Iedereen die op die linkse partijen stemt is een verrader van zijn eigen volk. Pak je "
        "koffers en vertrek uit Nederland, jullie horen hier niet.",
        at(19, 20, 10), (POL,), None, "polarising_political_camp", author="u/echte_nederlander_x",
    ),
    Item(
        "demo-reddit-almere", "1q2r4e",
        "Slecht beleid college, buurthuizen dicht",
        "Slecht beleid van het college: de buurthuizen gaan dicht en er komt niks voor terug. In "
        "maart stem ik tegen de coalitie. Wie denkt er net zo over?",
        at(18, 12, 0), (), True, "ordinary_criticism", author="u/polderpragmaticus",
        places=("Almere",),
    ),
    Item(
        "demo-reddit-almere", "1q6c7f",
        "Politie pas na een uur bij inbraak",
        "Bij de buren in Almere Buiten werd gisteren ingebroken en de politie kwam pas na een uur. "
        "Echt te traag, en dan lees je dat er weer agenten bij komen. Hoe lang duurt het bij "
        "jullie?",
        at(23, 10, 40), (), True, "ordinary_criticism", author="u/buitenbewoner",
        places=("Almere Buiten",),
    ),
    Item(
        "demo-reddit-almere", "1q1w3g",
        "Wiskunde morgen",
        "Ik ga die wiskundetoets morgen echt vermoorden. Twee weken geleerd, let's go. Daarna "
        "gewoon chillen bij de Mac in Almere Haven.",
        at(16, 21, 5), (), True, "figurative_speech", author="u/sommenslayer",
        places=("Almere Haven",), when="morgen",
    ),
    Item(
        "demo-reddit-almere", "1q5v6h",
        "Thuiswedstrijd zondag",
        "Zondag 22/11 thuiswedstrijd van Almere City in het stadion. Kom allemaal, we gaan ze "
        "helemaal verpletteren! Sfeeractie vanaf 13:30 bij de hoofdingang.",
        at(20, 17, 35), (), True, "sports_event", author="u/ultra_lelijk_groen",
        places=("Almere",), when="Zondag 22/11 vanaf 13:30",
    ),
    # ---------------------------------------------------------------- mastodon-almere.atom
    Item(
        "demo-mastodon-almere", "113519004837261",
        "",
        "Vrijdagavond 27-11 om 21:00 samenkomen op het Stationsplein in #Almere. We pikken die "
        "noodopvang niet meer, kom allemaal en deel dit! #almere #036",
        at(25, 8, 12), (CTG,), True, "call_in_almere_repost", author="@polderstem",
        places=("Stationsplein", "#Almere"), when="Vrijdagavond 27-11 om 21:00",
        cluster=STATIONSPLEIN,
    ),
    Item(
        "demo-mastodon-almere", "113489120044718",
        "",
        "Zondag 22 november 13:00 allemaal naar het Malieveld in Den Haag! Boeren, vissers en "
        "bouwers samen tegen de stikstofregels. Bussen vanuit heel het land. #boerenprotest",
        at(17, 19, 44), (CTG,), False, "call_elsewhere", author="@trekkertrots",
        places=("Malieveld", "Den Haag"), when="Zondag 22 november 13:00",
    ),
    Item(
        "demo-mastodon-almere", "113497233019845",
        "",
        "De plandemie was nog maar het begin. Nu vergiftigen ze ons via het kraanwater in Almere. "
        "Geloof niks wat de gemeente zegt, het zijn allemaal marionetten van de elite. "
        "#wakkerworden",
        at(19, 7, 58), (ANTI,), True, "anti_government_conspiracy", author="@waarheid_zoeker",
        places=("Almere",),
    ),
    Item(
        "demo-mastodon-almere", "113508871122304",
        "",
        "Donderdag om 19:30 iedereen naar het stadhuis van Almere tijdens de raadsvergadering. Dit "
        "corrupte zootje verraders moet weten dat we ze niet meer erkennen als ons bestuur.",
        at(23, 13, 20), (CTG, ANTI), True, "call_anti_government", author="@stadhuis_bezetten",
        places=("stadhuis", "Almere"), when="Donderdag om 19:30",
    ),
    Item(
        "demo-mastodon-almere", "113492655810377",
        "",
        "Moslims zijn een gevaar voor Almere. Die hele gemeenschap is collectief schuldig aan de "
        "overlast en hoort hier niet thuis.",
        at(18, 22, 31), (POL,), True, "polarising_religion", author="@vaderlandsgetrouw",
        places=("Almere",),
    ),
    Item(
        "demo-mastodon-almere", "113510442257980",
        "",
        "Wie hier 'ze moeten allemaal terug' roept is gewoon een racist. Almere is van iedereen, "
        "ook van de mensen die hier net zijn komen wonen. #almere",
        at(24, 9, 3), (), True, "counter_speech", author="@regenboogbuurt",
        places=("Almere", "#almere"),
    ),
    Item(
        "demo-mastodon-almere", "113513390027716",
        "",
        "Schandalig dat er in Telegramgroepen wordt geroepen dat asielzoekers 'tuig' zijn. Dat is "
        "gewoon haat zaaien. Alle steun voor de vrijwilligers van de opvang in Almere Poort. "
        "#almere",
        at(24, 18, 27), (), True, "counter_speech_quoting", author="@poortvrijwilliger",
        places=("Almere Poort",),
    ),
    Item(
        "demo-mastodon-almere", "113502019948655",
        "",
        "Zaterdag spelen we in buurthuis De Schakel in de Kruidenwijk en we gaan het dak eraf "
        "blazen! Entree gratis, begint om 20:00. Kom allemaal! #almere #livemuziek",
        at(20, 11, 11), (), True, "concert_figurative", author="@bandjevandekruidenwijk",
        places=("De Schakel", "Kruidenwijk"), when="Zaterdag om 20:00",
    ),
    # ---------------------------------------------------------------- buurtapp.json (JSON Feed)
    Item(
        "demo-buurtapp", "bericht-88231",
        "Over de nieuwe bewoners in Poort",
        "Sinds die asielzoekers in Almere Poort zitten is het hier een puinhoop. Dat tuig hoort "
        "hier niet, ze moeten allemaal terug naar waar ze vandaan komen.",
        at(22, 21, 14), (POL,), True, "polarising_asylum", author="PoortBewoner_12",
        places=("Almere Poort",),
    ),
    Item(
        "demo-buurtapp", "bericht-88302",
        "Buslijn Literatuurwijk",
        "Als ze die buslijn niet uit de Literatuurwijk in Almere halen, gooien we van elke bus die "
        "hier langskomt de ruiten eruit. Elke avond.",
        at(24, 20, 2), (THREAT,), True, "threat_property", author="LitWijk_Boos",
        places=("Literatuurwijk", "Almere"),
    ),
    Item(
        "demo-buurtapp", "bericht-88190",
        "Winterbraderie Grote Markt",
        "Zaterdag 28 november is de winterbraderie op de Grote Markt, van 10 tot 17 uur. "
        "Oliebollen, kerstspullen en het draaiorgel. Kom gezellig langs!",
        at(21, 10, 5), (), True, "braderie", author="Ondernemers_Stadshart",
        places=("Grote Markt",), when="Zaterdag 28 november van 10 tot 17 uur",
    ),
    Item(
        "demo-buurtapp", "bericht-88145",
        "Kat vermist Regenboogbuurt",
        "Onze rode kater Pip is sinds dinsdag vermist in de Regenboogbuurt in Almere Buiten. Hij "
        "heeft een blauw bandje om. Wil iedereen even in de schuur kijken? Bedankt!",
        at(18, 8, 30), (), True, "neutral", author="Pip_zoekt_huis",
        places=("Regenboogbuurt", "Almere Buiten"), when="sinds dinsdag",
    ),
    Item(
        "demo-buurtapp", "bericht-88276",
        "Demonstratie zaterdag Esplanade (aangemeld)",
        "Zaterdag 28 november om 14:00 demonstreren we op de Esplanade tegen het plan voor een "
        "nieuw azc. De demonstratie is aangemeld bij de gemeente. Kom met z'n allen, we houden "
        "het vreedzaam en netjes.",
        at(23, 18, 45), (CTG,), True, "announced_demonstration", author="Buurtgroep_Weerwater",
        places=("Esplanade",), when="Zaterdag 28 november om 14:00", announced=True,
    ),
    Item(
        "demo-buurtapp", "bericht-88207",
        "Buurtborrel vrijdag",
        "Vrijdag vanaf 17:00 buurtborrel in het buurthuis aan de Hoekwierde in Almere Haven. Neem "
        "iets lekkers mee voor de hapjestafel, kinderen zijn ook welkom.",
        at(21, 16, 0), (), True, "community_event", author="Buurthuis_Hoekwierde",
        places=("Hoekwierde", "Almere Haven"), when="Vrijdag vanaf 17:00",
    ),
    # ---------------------------------------------------------------- telegram (t.me/s mimic)
    Item(
        "demo-telegram-almere-alert", "118",
        "",
        "🚨 VRIJDAG 27/11 21:00 STATIONSPLEIN ALMERE CENTRUM 🚨\nIedereen komen, we laten ons "
        "niet langer negeren over die noodopvang. Neem je vrienden mee, hoe meer hoe beter. "
        "DELEN!!",
        at(24, 19, 2), (CTG,), True, "call_in_almere", author="almere_alert",
        places=("STATIONSPLEIN", "ALMERE CENTRUM"), when="VRIJDAG 27/11 21:00",
        cluster=STATIONSPLEIN, forwarded_from="Polder Opstand",
    ),
    Item(
        "demo-telegram-almere-alert", "119",
        "",
        "Die wethouder van Almere die de noodopvang erdoor heeft gedrukt moet hangen. We weten "
        "waar hij woont.",
        at(24, 21, 37), (THREAT, ANTI), True, "threat_official", author="almere_alert",
        places=("Almere",),
    ),
    Item(
        "demo-telegram-almere-alert", "120",
        "",
        "Zaterdagavond 20:00 verzamelen bij het azc in Almere Poort. Laat die profiteurs maar "
        "zien dat ze hier niet horen. Kom met z'n allen.",
        at(25, 12, 10), (CTG, POL), True, "call_polarising", author="almere_alert",
        places=("azc", "Almere Poort"), when="Zaterdagavond 20:00",
    ),
    Item(
        "demo-telegram-almere-alert", "121",
        "",
        "Vanavond pullen we up bij de Kruidenwijk, neem vuurwerk mee voor de blauwe. 22:00 bij "
        "het winkelcentrum, niemand blijft thuis.",
        at(25, 17, 48), (CTG, THREAT, ANTI), True, "call_threat_anti_government",
        author="almere_alert", places=("Kruidenwijk",), when="Vanavond 22:00",
    ),
    Item(
        "demo-telegram-almere-alert", "122",
        "",
        "Tonight 22:00 Danswijk in Almere Buiten. Neem stenen mee, als de boa's komen we're "
        "ready. Iedereen pullen!",
        at(26, 9, 30), (CTG, THREAT, ANTI), True, "call_threat_anti_government_mixed",
        author="almere_alert", places=("Danswijk", "Almere Buiten"), when="Tonight 22:00",
    ),
    Item(
        "demo-telegram-almere-alert", "123",
        "",
        "LET OP: dat bericht over 'vrijdag 21:00 Stationsplein Almere' is nep. Ga daar niet heen. "
        "Het komt van een account dat al vaker onrust probeert te stoken.",
        at(26, 11, 5), (), True, "warning_fake", author="almere_alert",
        places=("Stationsplein Almere",), when="vrijdag 21:00",
    ),
]
