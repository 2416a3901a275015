"""The explanations the app serves: how severity is computed and what the model is.

Each page has a Dutch part for the analyst, built from the live constants and figures (the
severity weights and bands, the model's test scores, the analysts' feedback), and the full
technical document from the repository (docs/severity.md, nlp/MODEL_CARD.md) rendered from
Markdown to HTML on the server. Rendering is safe by construction: raw HTML in the Markdown is
escaped, only http(s) links and the app's own pages stay links, and images are inlined only from
the model's figures folder.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy.orm import Session

from nlp.vocabulary import LABEL_NL, LABELS
from signals import severity
from signals.services.feedback import LabelFeedback, RetrainOutcome, label_feedback, last_retrain

ROOT = Path(__file__).resolve().parents[2]
SEVERITY_DOC = ROOT / "docs" / "severity.md"
MODEL_CARD = ROOT / "nlp" / "MODEL_CARD.md"
FIGURES = ROOT / "nlp" / "models" / "figures"
PACKAGED_METRICS = ROOT / "nlp" / "models" / "metrics.json"

SEVERITY_URL = "/uitleg/ernst"
MODEL_URL = "/uitleg/model"
# Repository documents that the app serves as pages: a link to one becomes a link to its page.
SERVED = {"severity.md": SEVERITY_URL, "MODEL_CARD.md": MODEL_URL}


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    html: Markup


def _markdown() -> MarkdownIt:
    # "html": False escapes any raw HTML in the source; markdown-it's own link validation
    # already refuses javascript:, vbscript:, file: and non-image data: URLs.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def _rewrite_link(href: str) -> str | None:
    """Where a link in a served document may point; None drops the link and keeps its text."""
    if href.startswith(("https://", "http://", "#")):
        return href
    name = href.split("#", 1)[0].rsplit("/", 1)[-1]
    return SERVED.get(name)


def _figure(src: str) -> str | None:
    """An image of the model card as a data URL, only from the figures folder."""
    name = src.rsplit("/", 1)[-1]
    path = (FIGURES / name).resolve()
    if path.parent != FIGURES.resolve() or path.suffix.lower() != ".png" or not path.is_file():
        return None
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _fix_inline(children: list[Any]) -> list[Any]:
    out: list[Any] = []
    dropped = 0  # open links removed, whose closing tokens must go too
    for token in children:
        if token.type == "link_open":
            target = _rewrite_link(str(token.attrGet("href") or ""))
            if target is None:
                dropped += 1
                continue
            token.attrSet("href", target)
            if target.startswith("http"):
                token.attrSet("rel", "noopener noreferrer")
        elif token.type == "link_close" and dropped:
            dropped -= 1
            continue
        elif token.type == "image":
            data = _figure(str(token.attrGet("src") or ""))
            if data is None:
                continue
            token.attrSet("src", data)
        out.append(token)
    return out


def render_markdown(text: str) -> Markup:
    """Markdown to HTML that is safe to put in a page as it is."""
    md = _markdown()
    tokens = md.parse(text)
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _fix_inline(token.children)
        if token.type == "table_open":
            token.attrSet("class", "doc-table")
    return Markup(md.renderer.render(tokens, md.options, {}))  # noqa: S704 (escaped by markdown-it)


@lru_cache(maxsize=8)
def _document_cached(path: str, mtime: float) -> Document:
    text = Path(path).read_text(encoding="utf-8")
    first = next((line for line in text.splitlines() if line.startswith("# ")), "")
    return Document(title=first.lstrip("# ").strip(), html=render_markdown(text))


def document(path: Path) -> Document:
    """A repository document as HTML; re-rendered only when the file changed. An installation
    without the file (a slimmed image) says so instead of failing the page."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        missing = "<p>De technische beschrijving is in deze installatie niet meegeleverd.</p>"
        return Document(title="", html=Markup(missing))
    return _document_cached(str(path), mtime)


# --- the Dutch parts ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    max: float
    grows_with: str


@dataclass(frozen=True, slots=True)
class BandRow:
    name: str
    key: str
    colour: str
    range_text: str


def severity_components() -> list[Component]:
    """The six parts of the score, with their maxima taken from signals.severity itself."""
    content = ", ".join(LABEL_NL[label] for label in severity.CONTENT_LABELS)
    return [
        Component("Inhoud", severity.W_CONTENT, f"de hoogste kans op: {content}"),
        Component("Dreiging", severity.W_THREAT, f"de kans op {LABEL_NL[severity.THREAT]}"),
        Component(
            "Almere",
            severity.W_ALMERE,
            "in Almere: volledig; plaats onbekend: een derde; buiten Almere: niets",
        ),
        Component(
            "Urgentie",
            severity.W_URGENCY,
            "hoe dichterbij de bijeenkomst: volledig binnen 24 uur, niets bij 7 dagen of meer "
            "vooruit of meer dan 6 uur geleden",
        ),
        Component(
            "Verspreiding",
            severity.W_SPREAD,
            f"meer berichten (volledig bij {severity.SPREAD_POSTS_FULL}) en meer bronnen "
            f"(volledig bij {severity.SPREAD_SOURCES_FULL})",
        ),
        Component(
            "Aanmelding",
            severity.W_NOTIFICATION,
            "een oproep in Almere zonder actieve melding in het register; "
            "telt niet mee buiten Almere",
        ),
    ]


def _num(value: float) -> str:
    return f"{value:.2f}"


def severity_bands() -> list[BandRow]:
    high, mid, low = severity.BANDS
    return [
        BandRow(high.name, high.key, high.colour, f"{_num(severity.BAND_HIGH)} of hoger"),
        BandRow(
            mid.name,
            mid.key,
            mid.colour,
            f"{_num(severity.BAND_MID)} tot {_num(severity.BAND_HIGH)}",
        ),
        BandRow(low.name, low.key, low.colour, f"lager dan {_num(severity.BAND_MID)}"),
    ]


@dataclass(frozen=True, slots=True)
class LabelScore:
    label: str
    name: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class ModelFacts:
    version: str | None
    trained_at: datetime | None
    n_test: int | None
    scores: list[LabelScore]


def model_facts(model_dir: Path | None = None) -> ModelFacts:
    """The model in use (the retrained one in `model_dir` if there is one, else the packaged
    one) and its scores on the held-out test split."""
    path = model_dir / "metrics.json" if model_dir is not None else None
    if path is None or not path.is_file():
        path = PACKAGED_METRICS
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ModelFacts(None, None, None, [])
    test = data.get("test") or {}
    per_label = test.get("labels") or {}
    scores = [
        LabelScore(
            label,
            LABEL_NL[label],
            float(per_label[label].get("precision", 0.0)),
            float(per_label[label].get("recall", 0.0)),
            float(per_label[label].get("f1", 0.0)),
            int(per_label[label].get("support", 0)),
        )
        for label in LABELS
        if isinstance(per_label.get(label), dict)
    ]
    return ModelFacts(
        version=data.get("version") or test.get("model_version"),
        trained_at=_moment(data.get("trained_at")),
        n_test=test.get("n_test") or data.get("n_test"),
        scores=scores,
    )


def _moment(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class ModelPage:
    facts: ModelFacts
    feedback: list[LabelFeedback]
    card: Document
    last_retrain: RetrainOutcome | None


def model_page(session: Session, model_dir: Path | None = None) -> ModelPage:
    return ModelPage(
        facts=model_facts(model_dir),
        feedback=label_feedback(session),
        card=document(MODEL_CARD),
        last_retrain=last_retrain(session),
    )
