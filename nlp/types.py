"""What the NLP layer returns for one text. Field names follow the `signals classify` contract."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from nlp.vocabulary import LABELS as LABELS  # re-exported: defined once, in nlp.vocabulary


@dataclass(slots=True)
class LabelScore:
    p: float
    flag: bool


@dataclass(slots=True)
class Place:
    text: str
    canonical: str
    district: str | None
    in_almere: bool


@dataclass(slots=True)
class Evidence:
    start: int
    end: int
    text: str
    kind: str  # "cue:<name>", "place", "time", "term:<label>"


@dataclass(slots=True)
class Enrichment:
    labels: dict[str, LabelScore]
    places: list[Place] = field(default_factory=list)
    in_almere: bool | None = None
    event_time: datetime | None = None
    event_time_text: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    # Per flagged label: strongest contributing terms with their weights.
    explanations: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    language: str | None = None
    model_version: str = "unknown"

    @property
    def flagged(self) -> list[str]:
        return [name for name, score in self.labels.items() if score.flag]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["event_time"] = self.event_time.isoformat() if self.event_time else None
        return data
