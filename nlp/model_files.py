"""Where a classifier lives on disk: the packaged model, and the rule that a promoted one wins.

Light to import (no scikit-learn, no spaCy), so that the web app can say which model is in use
without loading it. The NLP layer never reads the application's settings: callers pass the
directory where retraining promotes models (`signals.config.Settings.model_dir`).
"""

from __future__ import annotations

import json
from pathlib import Path

MODEL_FILE = "classifier.skops"
METRICS_FILE = "metrics.json"
# The probe figures (nlp/probes.py) recorded for a model: the shipping rule compares with them.
PROBES_FILE = "probes.json"
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models"


def model_dir_in_use(promoted: Path | None) -> Path:
    """`promoted` when a retrained model was promoted there, else the packaged model."""
    if promoted is not None and any(Path(promoted).glob("*.skops")):
        return Path(promoted)
    return DEFAULT_MODEL_DIR


def read_metrics(model_dir: Path) -> dict:
    """A model directory's metrics.json (training's figures, cross-validated and on test)."""
    return json.loads((Path(model_dir) / METRICS_FILE).read_text(encoding="utf-8"))
