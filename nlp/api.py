"""The public inference API: texts in, `Enrichment`s out."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from nlp.bare_mention import names_a_group_only
from nlp.language import detect, is_supported
from nlp.model import Classifier
from nlp.model_files import DEFAULT_MODEL_DIR
from nlp.pipeline import Analysis, analyse
from nlp.placeholders import NEGATED_PREFIX, QUOTED_PREFIX, UNINFORMATIVE
from nlp.types import LABELS, Enrichment, Evidence, LabelScore
from nlp.vocabulary import POLARISING

_LOCK = threading.Lock()
_CACHE: dict[Path, Enricher] = {}


def language_of(text: str, analysis: Analysis) -> str:
    """The language, read from the de-obfuscated text ("k a n k e r" is no language of its own);
    a text in which Dutch cues matched is treated as Dutch, because short, sweary or obfuscated
    posts are where language identification fails and where the flags matter."""
    lang = detect(analysis.clean.text if analysis.clean is not None else text)
    if not is_supported(lang) and analysis.cue_counts:
        return "nl"
    return lang


class Enricher:
    def __init__(self, classifier: Classifier) -> None:
        self.clf = classifier

    @property
    def version(self) -> str:
        return self.clf.version

    def enrich(
        self, texts: Sequence[str], published_at: Sequence[datetime | None] | datetime | None = None
    ) -> list[Enrichment]:
        texts = list(texts)
        if published_at is None or isinstance(published_at, datetime):
            pubs: list[datetime | None] = [published_at] * len(texts)
        else:
            pubs = list(published_at)
            if len(pubs) != len(texts):
                raise ValueError("published_at must have one entry per text")
        if not texts:
            return []
        analyses = analyse(texts, pubs)
        langs = [language_of(t, a) for t, a in zip(texts, analyses, strict=True)]
        x = self.clf.matrix(texts, analyses)
        probs, stage2 = self.clf.predict(x, texts, analyses)
        scored_by_stage2 = set(stage2.tolist())
        out: list[Enrichment] = []
        for i, (text, analysis, lang) in enumerate(zip(texts, analyses, langs, strict=True)):
            supported = is_supported(lang)
            labels: dict[str, LabelScore] = {}
            explanations: dict[str, list[tuple[str, float]]] = {}
            for label in LABELS:
                p = float(probs[label][i]) if supported else 0.0
                if (label == POLARISING and p >= self.clf.thresholds[label]
                        and names_a_group_only(text, analysis)):
                    p = 0.0  # a mention of a group is never flagged (nlp.bare_mention)
                flag = supported and p >= self.clf.thresholds[label]
                labels[label] = LabelScore(p=round(p, 4), flag=flag)
                if flag:
                    explanations[label] = self.clf.explain(
                        x[i], label,
                        analysis.semantic_text if i in scored_by_stage2 else None)
            out.append(self._build(text, analysis, lang, labels, explanations))
        return out

    def _build(
        self,
        text: str,
        analysis: Analysis,
        lang: str,
        labels: dict[str, LabelScore],
        explanations: dict[str, list[tuple[str, float]]],
    ) -> Enrichment:
        evidence = analysis.evidence()
        evidence += _term_spans(analysis, explanations)
        evidence.sort(key=lambda e: (e.start, e.end))
        return Enrichment(
            labels=labels,
            places=analysis.places,
            in_almere=analysis.in_almere,
            event_time=analysis.time.value if analysis.time else None,
            event_time_text=analysis.time.text if analysis.time else None,
            evidence=evidence,
            explanations=explanations,
            language=lang,
            model_version=self.clf.version,
        )


def _term_spans(analysis: Analysis,
                explanations: dict[str, list[tuple[str, float]]]) -> list[Evidence]:
    """Locate the explaining words in the text, so the UI can highlight them. The model read the
    de-obfuscated text, so the words are found there and mapped back to what was written: "neer"
    in "ikstekjeneer", "kanker" in "k4nk3r"."""
    spans: list[Evidence] = []
    text, clean = analysis.text, analysis.clean
    lower = (clean.text if clean is not None else text).lower()
    for label, terms in explanations.items():
        for name, _w in terms:
            if not name.startswith("w:"):
                continue
            term = name[2:]
            if term in UNINFORMATIVE or term.startswith((QUOTED_PREFIX, NEGATED_PREFIX)):
                continue
            m = re.search(r"(?<!\w)" + re.escape(term) + r"(?!\w)", lower)
            if m:
                start, end = clean.to_original(*m.span()) if clean is not None else m.span()
                spans.append(Evidence(start, end, text[start:end], f"term:{label}"))
    return spans


def get_enricher(model_dir: Path | None = None) -> Enricher:
    """The enricher for a model directory (default: the packaged model), loaded once per
    process. The application passes the model in use (`nlp.model_files.model_dir_in_use`)."""
    key = Path(model_dir or DEFAULT_MODEL_DIR).resolve()
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = Enricher(Classifier.load(key))
        return _CACHE[key]


def reset_cache() -> None:
    with _LOCK:
        _CACHE.clear()


def enrich(
    texts: Sequence[str],
    published_at: Sequence[datetime | None] | datetime | None = None,
    *,
    model_dir: Path | None = None,
) -> list[Enrichment]:
    return get_enricher(model_dir).enrich(texts, published_at)


def model_version(model_dir: Path | None = None) -> str:
    return get_enricher(model_dir).version
