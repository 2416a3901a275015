"""Build nlp/corpus/part_c.jsonl from part_c_src.txt (posts written for this project).
Run: .venv/bin/python nlp/corpus/part_c_src/build_part_c.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from source_builder import build  # noqa: E402

if __name__ == "__main__":
    sys.exit(build(HERE / "part_c_src.txt", HERE.parent / "part_c.jsonl", "c",
                   prefix_named_groups=True))
