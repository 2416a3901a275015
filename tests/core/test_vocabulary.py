"""Issue 17 (item 1) and issue 13 (fact 2): the vocabulary is defined once, in nlp.vocabulary.

Labels and their Dutch names, signal statuses and transitions, register statuses, roles,
districts, the time zone and the supported languages: this test reads every module of the
packages (code only: comments and docstrings are dropped by parsing) and fails when one of them
spells such a definition out again instead of importing it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from nlp import vocabulary as v
from nlp.gazetteer import load_places

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("collectors", "nlp", "signals", "dags")
HOME = REPO / "nlp" / "vocabulary.py"
# Not application code: migrations freeze the values of their day on purpose; the corpus tools
# and the functional test suite are annotation and evaluation scripts (they ship with the data).
EXEMPT = ("signals/migrations/", "nlp/corpus/", "nlp/functional/")

Q = r"""['"]"""
DISTRICT = rf"{Q}Almere (?:Stad|Haven|Buiten|Poort|Hout|Pampus){Q}"
PATTERNS: dict[str, str] = {
    "time zone": rf"ZoneInfo\(\s*{Q}Europe/Amsterdam{Q}\s*\)",
    "label names": (
        rf"{Q}(?:call_to_gathering|anti_government|polarising|threat){Q}\s*:\s*{Q}[^'\"]*[a-z]"
    ),
    "label set": rf"{Q}call_to_gathering{Q}\s*,\s*{Q}anti_government{Q}",
    "status set": rf"{Q}new{Q}\s*,\s*{Q}in_review{Q}",
    "status names or transitions": (
        rf"{Q}(?:in_review|monitoring|escalated|dismissed){Q}\s*:\s*[(\[]?\s*{Q}"
    ),
    "role set": rf"{Q}analyst{Q}\s*,\s*{Q}supervisor{Q}\s*,\s*{Q}auditor{Q}\s*,\s*{Q}admin{Q}",
    "role names": rf"{Q}analyst{Q}\s*:\s*{Q}analist{Q}|{Q}admin{Q}\s*:\s*{Q}beheerder{Q}",
    "languages": rf"[{{(\[]\s*{Q}nl{Q}\s*,\s*{Q}en{Q}\s*,?\s*[}})\]]",
    "districts": rf"Almere Oosterwold|(?:{DISTRICT}\s*,\s*){{2}}{DISTRICT}",
    "register statuses": rf"{Q}(?:ingetrokken|geannuleerd|bevestigd){Q}",
    "notification outside Almere": r"n\.v\.t\.",
}


def _code_of(path: Path) -> str:
    """The module's code without comments and docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            body[0] = ast.Pass()
    return ast.unparse(tree)


def _modules() -> list[Path]:
    found = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if path != HOME and not rel.startswith(EXEMPT):
                found.append(path)
    return found


# Copies as they stood before (issue 17 counted 3 to 6 of each): the check must catch them.
OLD_COPIES = {
    "time zone": 'LOCAL_TZ = ZoneInfo("Europe/Amsterdam")',
    "label names": 'TYPE_NL = {"call_to_gathering": "Oproep tot samenkomst"}',
    "label set": 'LABELS = ("call_to_gathering", "anti_government", "polarising", "threat")',
    "status set": 'OPEN_STATUSES = ("new", "in_review", "monitoring", "escalated")',
    "status names or transitions": 'TRANSITIONS = {"in_review": ("dismissed", "monitoring")}',
    "role set": 'ROLES = ("analyst", "supervisor", "auditor", "admin")',
    "role names": 'ROLE_LABELS = {"analyst": "analist", "admin": "beheerder"}',
    "languages": 'SUPPORTED = frozenset({"nl", "en"})',
    "districts": 'DISTRICTS = ("Almere Stad", "Almere Haven", "Almere Buiten", "Almere Hout")',
    "register statuses": 'INACTIVE = frozenset({"ingetrokken", "geannuleerd"})',
    "notification outside Almere": 'status = "buiten Almere \u2014 n.v.t."',
}


def test_the_patterns_catch_the_old_copies() -> None:
    """The check is only worth something if it recognises the copies it replaced."""
    assert set(OLD_COPIES) == set(PATTERNS)
    for name, snippet in OLD_COPIES.items():
        assert re.search(PATTERNS[name], ast.unparse(ast.parse(snippet))), name


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_module_defines_the_vocabulary_again(path: Path) -> None:
    code = _code_of(path)
    found = [
        f"{name}: {m.group(0)[:60]}"
        for name, pattern in PATTERNS.items()
        for m in re.finditer(pattern, code)
    ]
    assert not found, f"{path.relative_to(REPO)} defines what nlp.vocabulary defines: {found}"


def test_districts_come_from_the_gazetteer() -> None:
    districts = {p.district for p in load_places() if p.in_almere and p.kind == "district"}
    assert set(v.ALMERE_DISTRICTS) == districts
    assert "Almere Oosterwold" not in v.ALMERE_DISTRICTS
    assert v.district_group("Amsterdam", False) == v.DISTRICT_OUTSIDE
    assert v.district_group("Amsterdam", None) == v.DISTRICT_UNKNOWN
    assert v.district_group("Almere Poort", True) == "Almere Poort"


def test_the_vocabulary_hangs_together() -> None:
    assert set(v.LABEL_NL) == set(v.LABELS) == set(v.LABEL_TITLE)
    assert set(v.STATUS_NL) == set(v.SIGNAL_STATUSES) == set(v.TRANSITIONS)
    assert set(v.OPEN_STATUSES) <= set(v.SIGNAL_STATUSES)
    for targets in v.TRANSITIONS.values():
        assert set(targets) <= set(v.SIGNAL_STATUSES)
    assert set(v.ROLE_NL) == set(v.ROLES)
    assert set(v.REGISTER_STATUSES) > v.REGISTER_ACTIVE_STATUSES
    assert v.REGISTER_STATUS_DEFAULT in v.REGISTER_ACTIVE_STATUSES
    assert set(v.NOTIFICATION_NL) == set(v.NOTIFICATION_STATUSES)
    assert all(len(s) <= 16 for s in v.NOTIFICATION_STATUSES)  # Signal.notification_status
    assert str(v.TZ) == "Europe/Amsterdam"


def test_importing_the_vocabulary_does_not_load_the_model_stack() -> None:
    import subprocess
    import sys

    probe = ("import sys, nlp.vocabulary, nlp.timeexpr; "
             "print(any(m in sys.modules for m in ('spacy', 'sklearn', 'nlp.model')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, cwd=REPO).stdout.strip()
    assert out == "False"
