"""Print the team's own probes (nlp/probes.py) for a model: per family the sentences flagged and
the mean probability, and the frames that are not all as wanted. Diagnostic only.

Run:  .venv/bin/python nlp/corpus/tools/probe_phenomena.py [MODEL_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from nlp.api import get_enricher
from nlp.probes import score_probes


def main() -> None:
    enricher = get_enricher(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    for result in score_probes(enricher):
        family = result.family
        want = "all" if family.want else "none"
        print(f"{family.name}: {result.flagged} of {len(result.scores)} flagged {family.label} "
              f"(want {want}; mean p {result.mean_p:.3f})")
        for frame, flagged, mean_p in result.frames():
            if family.per_frame > 1 and flagged != (family.per_frame if family.want else 0):
                print(f"  {flagged} of {family.per_frame} (mean p {mean_p:.3f}): {frame}")
            elif family.per_frame == 1 and flagged != family.want:
                print(f"  {'missed' if family.want else 'flagged'} (p {mean_p:.3f}): {frame}")


if __name__ == "__main__":
    main()
