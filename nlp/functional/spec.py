"""The shape of the functional suite: functionalities, cases and the bars they are held to."""

from __future__ import annotations

from dataclasses import dataclass, field

LABELS: tuple[str, ...] = ("call_to_gathering", "anti_government", "polarising", "threat")

# The bars. Positive functionalities: recall of the tested label must reach the bar.
# Negative functionalities: the share flagged with the tested label must stay at or below it.
POSITIVE_BAR: dict[str, float] = {
    "polarising": 0.85,
    "threat": 0.80,
    "call_to_gathering": 0.85,
    "anti_government": 0.85,
}
NEGATIVE_BAR: dict[str, float] = {label: 0.10 for label in LABELS}

OBFUSCATIONS: tuple[str, ...] = ("digits", "spaced", "repeated", "joined")


def bar_for(label: str, positive: bool) -> float:
    return POSITIVE_BAR[label] if positive else NEGATIVE_BAR[label]


def distance_below_bar(rate: float, bar: float, positive: bool) -> float:
    """How far a rate lies on the wrong side of its bar (0 when the bar is met)."""
    return max(0.0, bar - rate) if positive else max(0.0, rate - bar)


def meets_bar(rate: float, label: str, positive: bool) -> bool:
    return distance_below_bar(rate, bar_for(label, positive), positive) == 0.0


@dataclass(frozen=True, slots=True)
class Functionality:
    """One phenomenon: templates that all assert the same thing about `label`.

    Group templates (`crossed=True`) are expanded with every fitting identity group and use
    `{grp}` (plural), `{een}` (singular), `{adj}`, `{stem}` (compound stem), `{slur}` and
    `{slur1}` (a slur for the group, plural and singular). A template may start with
    `[!cat1,cat2]` to skip groups of those categories where it would not read naturally.
    Other templates use slots (see `nlp.functional.slots`): they are filled round-robin until
    the functionality has `size` distinct cases (or the fillings run out).
    """

    id: str
    label: str
    positive: bool
    nl: str
    en: str
    templates: tuple[str, ...]
    crossed: bool = False
    # Further labels every case asserts, beside `label` (which is `positive`).
    also: dict[str, bool] = field(default_factory=dict)
    obfuscation: str | None = None
    size: int = 60

    @property
    def expected(self) -> dict[str, bool]:
        return {self.label: self.positive, **self.also}

    @property
    def kind(self) -> str:
        return "positive" if self.positive else "negative"


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    functionality: str
    text: str
    target: str
    expected: dict[str, bool]

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "functionality": self.functionality, "text": self.text,
                "target": self.target, "expected": self.expected}

