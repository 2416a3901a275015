"""Which code trained a model: the checkout the `nlp` package was imported from and its commit.

A model's metrics.json records it, so that a model can be traced to the code that made it, and a
training run that imported another checkout than the one it was started in (an editable install
next to a git worktree) says so at once.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                          timeout=10, check=True).stdout.strip()


def code_provenance() -> dict[str, str | bool | None]:
    """{"path", "commit", "dirty"}; commit and dirty are None outside a git checkout (an image
    built without .git)."""
    try:
        commit = _git("rev-parse", "HEAD")
        dirty = bool(_git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        return {"path": str(ROOT), "commit": None, "dirty": None}
    return {"path": str(ROOT), "commit": commit, "dirty": dirty}


def describe(code: dict[str, str | bool | None]) -> str:
    """One line for the command line: "/path @ 1a2b3c4d5e (uncommitted changes)"."""
    commit = str(code["commit"])[:10] if code["commit"] else "no git checkout"
    return f"{code['path']} @ {commit}" + (" (uncommitted changes)" if code["dirty"] else "")
