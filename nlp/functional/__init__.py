"""The team's own functional test suite: short Dutch cases from templates crossed with
identity groups, one functionality per phenomenon, each held to the issue's bar.

Written from the annotation guidelines alone, independently of the training corpus; never
used to train or to choose thresholds. `python -m nlp.functional.build` regenerates
`cases.jsonl`; `signals evaluate --functional --write` regenerates `results.json`.
"""

from __future__ import annotations

from nlp.functional.spec import Case, Functionality

__all__ = ["Case", "Functionality"]
