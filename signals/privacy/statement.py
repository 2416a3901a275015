"""What the privacy page and docs/privacy.md state: purposes, legal basis, sources, retention
and the algorithm-register fields. Dutch, because analysts and the public read it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from signals.config import REPO_ROOT, Settings

PURPOSES = (
    "Vroegtijdig zien dat er online wordt opgeroepen om onaangekondigd samen te komen in Almere, "
    "zodat de burgemeester zijn taak voor de openbare orde kan uitoefenen "
    "(bijvoorbeeld een gesprek met de initiatiefnemer of zichtbare aanwezigheid).",
    "Een algemeen beeld vormen van anti-overheids- en polariserende vijandigheid en dreiging "
    "in openbare online bronnen, als onderdeel van de driehoeksbriefing.",
)
LEGAL_BASIS = (
    "Algemeen belang / publieke taak (AVG art. 6 lid 1 sub e) in samenhang met de "
    "openbare-ordetaak van de burgemeester (Gemeentewet art. 172 lid 1); ongericht "
    "monitoren voor een algemeen beeld (Handreiking online onderzoek OOV, 26 oktober 2023)."
)
LIMITS = (
    "Alleen openbaar toegankelijke bronnen: geen inlog, geen nep- of privé-accounts, "
    "geen besloten groepen.",
    "Geen stelselmatig volgen van personen of groepen: de eenheid is het bericht, de oproep en "
    "de bijeenkomst, nooit de persoon. Er is geen overzicht of zoekfunctie per auteur.",
    "Auteurs worden bij binnenkomst gepseudonimiseerd met een sleutel die per maand wisselt; "
    "verlopen sleutels worden vernietigd.",
    "Labels beschrijven het risico van de inhoud, nooit een auteur. Politieke opvattingen en "
    "religie (AVG art. 9) worden niet als kenmerk van personen vastgelegd.",
    "Een onaangekondigde demonstratie blijft een beschermde demonstratie: "
    "het systeem zegt 'niet aangemeld', nooit 'illegaal'.",
)
ALGORITHM = {
    "Naam": "OOV-signalen Almere",
    "Wat doet het model": (
        "Een spaCy-pijplijn (plaatsnamen in Almere, tijdsaanduidingen, mobilisatiepatronen) en "
        "een scikit-learn-classificatiemodel schatten per bericht de kans op vier labels: "
        "oproep tot samenkomst, anti-overheid, polariserend en dreiging. Berichten boven een "
        "drempel worden gegroepeerd tot een signaal met een ernstscore en een uitleg "
        "(gevonden woorden, plaats, tijd, kansen, modelversie)."
    ),
    "Gegevens": (
        "Openbare berichten uit de bronnen hieronder: titel, tekst, link, publicatietijd en een "
        "pseudoniem van de auteur. Geen profielen, geen volgers, geen afbeeldingen."
    ),
    "Menselijke tussenkomst": (
        "Het systeem beslist niets. Een analist beoordeelt elk signaal en legt een besluit met "
        "motivering vast (afwijzen, volgen, escaleren); interventies volgen een geversioneerd "
        "protocol en hebben de goedkeuring van de aangewezen rol nodig. Analisten kunnen labels "
        "corrigeren; automatisch labelen kan met een noodschakelaar worden uitgezet."
    ),
    "Risicobeheersing": (
        "Evaluatie op apart gehouden testdata, inclusief valse alarmen op gewone kritiek, "
        "verslaggeving en tegenspraak; hash-gekoppeld auditlog; bewaartermijnen; DPIA."
    ),
    "Contact": "",  # filled from settings.contact
}


@dataclass(frozen=True, slots=True)
class SourceLine:
    id: str
    name: str
    kind: str
    purpose: str
    legal_basis: str
    public_because: str
    escrow_authors: bool


def sources(settings: Settings) -> list[SourceLine]:
    """The configured sources; an unreadable registry gives an empty list, not a broken page."""
    try:
        from signals.pipeline import load_configured_sources

        configured = load_configured_sources(settings)
    except Exception:  # noqa: BLE001 - the page must render even with a broken registry
        return []
    return [
        SourceLine(
            id=s.id,
            name=s.name or s.id,
            kind=str(s.kind),
            purpose=s.purpose,
            legal_basis=s.legal_basis,
            public_because=s.public_because,
            escrow_authors=s.escrow_authors,
        )
        for s in configured
    ]


def model_facts(path: Path = REPO_ROOT / "nlp" / "models" / "metrics.json") -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {"version": data.get("version"), "trained_at": data.get("trained_at")}


def algorithm(settings: Settings) -> dict[str, str]:
    return {**ALGORITHM, "Contact": settings.contact}
