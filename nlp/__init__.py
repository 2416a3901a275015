"""Dutch NLP for oov-signals: spaCy pipeline (gazetteer, time expressions, mobilisation cues) and
a calibrated scikit-learn classifier. Import is cheap; the model loads on first use."""

from __future__ import annotations

from nlp.api import enrich, model_version
from nlp.jsonl import classify_jsonl

__all__ = ["classify_jsonl", "enrich", "model_version"]
