"""Detection: turn flagged, enriched posts into signals, one signal per gathering.

`matching` (place and time), `joining` (which signal a post joins), `index` (the in-memory
near-duplicate index) and `lifecycle` (`detect`, `refresh_signals`). See docs/detection.md.
"""
