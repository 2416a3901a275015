"""Build nlp/corpus/part_d.jsonl from d1.txt (threats), d2.txt (anti-government, polarising) and
d3.txt (calls to gather), each with the hard negatives that look like its labels.
Run: .venv/bin/python nlp/corpus/part_d_src/build_part_d.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from source_builder import build  # noqa: E402

if __name__ == "__main__":
    sys.exit(build([HERE / f"d{i}.txt" for i in (1, 2, 3)], HERE.parent / "part_d.jsonl", "d",
                   prefix_named_groups=True))
