"""Where the suite's files live, and reading them (light: no model imports)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
CASES_PATH = HERE / "cases.jsonl"
RESULTS_PATH = HERE / "results.json"
# The hand-written tables (groups, slots, templates), kept as data rather than Python literals.
DATA_DIR = HERE / "data"


def cases_sha256(path: Path = CASES_PATH) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_cases(path: Path = CASES_PATH) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
