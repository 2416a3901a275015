"""One-off helper: rewrite a `when` field to the casing used in the text (sentence starts)."""

from __future__ import annotations

import sys
from pathlib import Path

for path in sys.argv[1:]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        parts = line.split("|", 7)
        if not line.startswith("#") and len(parts) == 8 and parts[4] not in ("-", ""):
            when, text = parts[4], parts[7]
            if when not in text:
                i = text.lower().find(when.lower())
                if i >= 0:
                    parts[4] = text[i : i + len(when)]
                    line = "|".join(parts)
        out.append(line)
    Path(path).write_text("\n".join(out) + "\n", encoding="utf-8")
