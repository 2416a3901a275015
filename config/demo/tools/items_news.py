"""The demo's news posts (news.xml and the nieuws/ pages), the first part of items.ITEMS."""

from __future__ import annotations

from demo_item import Item, at

NEWS_ITEMS: list[Item] = [
    # ---------------------------------------------------------------- news.xml (RSS 2.0)
    Item(
        "demo-stadsnieuws", "oproep-stationsplein-politie-alert",
        "Oproep op sociale media tot samenkomst op Stationsplein; politie houdt vinger aan de pols",
        "Op verschillende kanalen gaat een oproep rond om vrijdagavond 27 november om 21.00 uur "
        "samen te komen op het Stationsplein in Almere Centrum, uit onvrede over de noodopvang. "
        "De bijeenkomst is niet aangemeld bij de gemeente. Een woordvoerder van de gemeente laat "
        "weten dat politie en jongerenwerkers de situatie volgen en met betrokkenen in gesprek "
        "gaan.",
        at(26, 8, 40), (), True, "news_report", author="Redactie Stadsnieuws",
        places=("Stationsplein", "Almere Centrum"), when="vrijdagavond 27 november om 21.00 uur",
    ),
    Item(
        "demo-stadsnieuws", "raad-debatteert-noodopvang",
        "Raad debatteert urenlang over noodopvang: insprekers kritisch, besluit volgende week",
        "De gemeenteraad van Almere heeft dinsdagavond urenlang gesproken over de tijdelijke "
        "noodopvang in Almere Poort. Twaalf insprekers kwamen aan het woord; de meesten vonden dat "
        "de buurt te laat was geïnformeerd. Het college belooft een informatieavond. De raad "
        "neemt volgende week een besluit.",
        at(18, 7, 15), (), True, "news_report", author="Redactie Stadsnieuws",
        places=("Almere", "Almere Poort"),
    ),
    Item(
        "demo-stadsnieuws", "intocht-sinterklaas-haven",
        "Intocht Sinterklaas zaterdag in de haven: kom allemaal zwaaien",
        "Zaterdag 21 november om 11.00 uur komt Sinterklaas met zijn boot aan in de haven van "
        "Almere Haven. Kinderen zijn van harte welkom op de kade; daarna trekt de stoet door de "
        "Sluis naar het Havenhoofd. Let op: de Sluis is tussen 10.00 en 13.00 uur afgesloten voor "
        "verkeer.",
        at(17, 10, 0), (), True, "cultural_event", author="Redactie Stadsnieuws",
        places=("Almere Haven", "Sluis", "Havenhoofd"), when="zaterdag 21 november om 11.00 uur",
    ),
    Item(
        "demo-stadsnieuws", "aanmelding-vrijmarkt-koningsdag-2027",
        "Aanmelding vrijmarkt Koningsdag 2027 al geopend",
        "Wie op Koningsdag 2027 een kleedje wil neerleggen op de vrijmarkt in Almere Stad kan zich "
        "vanaf nu aanmelden. De gemeente verwacht weer duizenden bezoekers op de Grote Markt en in "
        "het Stadshart, met muziek, oranje taart en een kinderpodium.",
        at(20, 12, 30), (), True, "kings_day", author="Redactie Stadsnieuws",
        places=("Almere Stad", "Grote Markt", "Stadshart"), when="Koningsdag 2027",
    ),
    Item(
        "demo-stadsnieuws", "winterconcert-esplanade",
        "Gratis winterconcert op de Esplanade: 'Kom allemaal, neem een thermosfles mee'",
        "Op zondag 29 november geeft het Almeers Harmonieorkest om 16.00 uur een gratis "
        "winterconcert op de Esplanade aan het Weerwater. De organisatie roept iedereen op om te "
        "komen: 'Neem je buren mee en een thermosfles warme chocomel.'",
        at(23, 9, 0), (), True, "concert", author="Redactie Stadsnieuws",
        places=("Esplanade", "Weerwater"), when="zondag 29 november om 16.00 uur",
    ),
    Item(
        "demo-stadsnieuws", "werkzaamheden-hogering",
        "Hogering twee weekenden deels dicht door asfaltwerk",
        "Door onderhoud aan het asfalt is de Hogering tussen de Waterlandseweg en de Buitenring in "
        "de weekenden van 28 november en 5 december in één richting afgesloten. Verkeer wordt "
        "omgeleid via de Veluwedreef.",
        at(24, 15, 45), (), True, "neutral", author="Redactie Stadsnieuws",
        places=("Hogering", "Waterlandseweg", "Buitenring", "Veluwedreef"),
    ),
    # ---------------------------------------------------------------- nieuws/ (HTML pages)
    Item(
        "demo-vandaag-web", "demonstratie-stadhuisplein",
        "Zo'n 200 mensen demonstreren op Stadhuisplein tegen bezuiniging op bibliotheek",
        "Zaterdagmiddag stonden ongeveer 200 mensen op het Stadhuisplein in Almere om te "
        "protesteren tegen de bezuinigingen op de bibliotheekvestigingen.",
        at(21, 17, 20), (), True, "news_report", author="Redactie Almere Vandaag",
        places=("Stadhuisplein", "Almere"),
        paragraphs=(
            "De demonstratie was aangemeld bij de gemeente en verliep rustig. Sprekers van de "
            "leesclubs en de ouderenbond riepen de raad op het besluit te heroverwegen.",
            "Na afloop boden de organisatoren een petitie aan aan de voorzitter van de "
            "raadscommissie. De raad bespreekt de begroting op 3 december.",
        ),
    ),
    Item(
        "demo-vandaag-web", "onrust-kruidenwijk",
        "Onrust in Kruidenwijk: vuurwerk naar agenten gegooid, drie aanhoudingen",
        "In de Kruidenwijk in Almere Stad is het woensdagavond onrustig geweest. Een groep van "
        "zo'n dertig jongeren gooide zwaar vuurwerk naar agenten.",
        at(26, 7, 5), (), True, "news_report", author="Redactie Almere Vandaag",
        places=("Kruidenwijk", "Almere Stad"),
        paragraphs=(
            "Volgens de politie was er vooraf op sociale media opgeroepen om naar de wijk te "
            "komen. Drie jongeren zijn aangehouden. Er raakte niemand gewond; een bushokje "
            "sneuvelde.",
            "De burgemeester noemt de gebeurtenissen 'onacceptabel' en gaat met bewoners en "
            "jongerenwerkers in gesprek.",
        ),
    ),
    Item(
        "demo-vandaag-web", "rechter-demonstratieverbod",
        "Rechter: gemeente mocht demonstratie niet op voorhand verbieden",
        "De voorzieningenrechter heeft bepaald dat de gemeente een demonstratie in Almere Buiten "
        "niet had mogen verbieden op grond van wat de demonstranten vinden.",
        at(19, 13, 30), (), True, "news_report", author="Redactie Almere Vandaag",
        places=("Almere Buiten",),
        paragraphs=(
            "Volgens de rechter mag een burgemeester een betoging alleen beperken vanwege de "
            "openbare orde, de gezondheid of het verkeer, niet vanwege de inhoud. De gemeente "
            "bestudeert de uitspraak.",
        ),
    ),
    Item(
        "demo-vandaag-web", "open-dag-moskee",
        "Moskee in Almere Buiten houdt open dag: 'Iedereen is welkom'",
        "De moskee aan de Baltimoredreef in Almere Buiten opent zaterdag 28 november haar deuren "
        "voor buurtbewoners.",
        at(22, 11, 0), (), True, "religious_event", author="Redactie Almere Vandaag",
        places=("Baltimoredreef", "Almere Buiten"), when="zaterdag 28 november",
        paragraphs=(
            "Er zijn rondleidingen, thee en zoetigheden. Het bestuur wil vooral kennismaken met "
            "nieuwe bewoners van de wijk.",
        ),
    ),
    Item(
        "demo-vandaag-web", "petitie-zwembad",
        "Petitie voor behoud buurtzwembad De Meerkoet haalt 3000 handtekeningen",
        "Een online petitie tegen de sluiting van buurtzwembad De Meerkoet in Almere Haven is "
        "inmiddels meer dan 3000 keer ondertekend.",
        at(24, 10, 10), (), True, "news_report", author="Redactie Almere Vandaag",
        places=("De Meerkoet", "Almere Haven"),
        paragraphs=(
            "De initiatiefnemers willen de handtekeningen volgende maand aanbieden aan de raad. "
            "De wethouder zegt open te staan voor een gesprek over een andere exploitant.",
        ),
    ),
    Item(
        "demo-vandaag-web", "demonstratie-esplanade",
        "Demonstratie over azc-plan zaterdag op de Esplanade aangemeld",
        "Bij de gemeente is een demonstratie aangemeld voor zaterdag 28 november op de Esplanade, "
        "tegen het plan voor een nieuw asielzoekerscentrum.",
        at(25, 16, 0), (), True, "news_report", author="Redactie Almere Vandaag",
        places=("Esplanade",), when="zaterdag 28 november",
        paragraphs=(
            "De gemeente verwacht enkele honderden deelnemers tussen 14.00 en 16.00 uur. Er geldt "
            "een tijdelijk parkeerverbod rond het Weerwater; de bus rijdt om.",
        ),
    ),
]
