"""Counts for docs/security-tests.md: fuzz cases run and attacks tried, one JSON line each.

Written only when SIGNALS_SECURITY_STATS names a file (scripts/security_report.py sets it);
otherwise a no-op, so plain pytest runs leave nothing behind."""

from __future__ import annotations

import json
import os
from collections import Counter

_fuzz: Counter[str] = Counter()


def _write(record: dict) -> None:
    path = os.environ.get("SIGNALS_SECURITY_STATS")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def fuzz_case(target: str) -> None:
    """One generated input fed to `target`."""
    _fuzz[target] += 1
    _write({"kind": "fuzz", "target": target, "n": 1})


def attack(category: str, name: str, outcome: str) -> None:
    """One attack tried and what the system did (the test asserts the outcome is safe)."""
    _write({"kind": "attack", "category": category, "name": name, "outcome": outcome})
