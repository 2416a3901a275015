"""Dutch NLP for oov-signals: spaCy pipeline (gazetteer, time expressions, mobilisation cues) and
a calibrated scikit-learn classifier. Import is cheap: the heavy parts (spaCy, scikit-learn, the
model) load on first use of `enrich`, `model_version` or `classify_jsonl`, so that light modules
such as `nlp.vocabulary` and `nlp.timeexpr` can be imported on their own."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nlp.api import enrich, model_version
    from nlp.jsonl import classify_jsonl

__all__ = ["classify_jsonl", "enrich", "model_version"]

_LAZY = {"enrich": "nlp.api", "model_version": "nlp.api", "classify_jsonl": "nlp.jsonl"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'nlp' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
