"""Build nlp/corpus/seed.jsonl from seed_src.txt (posts written for this project).
Run: .venv/bin/python nlp/corpus/seed/build_seed.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from source_builder import build  # noqa: E402

if __name__ == "__main__":
    sys.exit(build(HERE / "seed_src.txt", HERE.parent / "seed.jsonl", "s",
                   prefix_named_groups=False))
