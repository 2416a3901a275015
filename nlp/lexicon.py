"""The curated lexicon (nlp/data/lexicon.tsv): slurs, dehumanising metaphors, violent verbs and
phrases, expressions of contempt, each with its category and the group it targets.

It feeds features and evidence only. A lexicon hit is never a flag on its own: counter-speech and
quotes use the same words (ANNOTATION.md, `polarising`)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LEXICON_TSV = Path(__file__).resolve().parent / "data" / "lexicon.tsv"
CATEGORIES: tuple[str, ...] = ("slur", "dehumanising", "violence", "contempt")
# "word": the whole token; "prefix": a token that starts with it ("kankerz…"); "phrase": several
# tokens in a row, as written (lower case).
FORMS: tuple[str, ...] = ("word", "prefix", "phrase")


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    term: str
    category: str
    target: str  # an identity-group key, or "-" when the entry targets no group by itself
    form: str
    note: str = ""


class LexiconError(ValueError):
    pass


def read_lexicon(path: Path) -> tuple[str, list[LexiconEntry]]:
    """(version, entries). The first line is `# version: N`; then a header row and TSV rows."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0].startswith("# version:"):
        raise LexiconError(f"{path}: first line must be '# version: N'")
    version = lines[0].split(":", 1)[1].strip()
    rows = [ln for ln in lines[1:] if ln.strip() and not ln.startswith("#")]
    entries: list[LexiconEntry] = []
    seen: set[tuple[str, str]] = set()
    for n, row in enumerate(csv.DictReader(rows, delimiter="\t"), start=1):
        term = (row.get("term") or "").strip().lower()
        entry = LexiconEntry(term=term, category=(row.get("category") or "").strip(),
                             target=(row.get("target") or "").strip() or "-",
                             form=(row.get("form") or "").strip(),
                             note=(row.get("note") or "").strip())
        if not term:
            raise LexiconError(f"{path}: row {n} has no term")
        if entry.category not in CATEGORIES:
            raise LexiconError(f"{path}: row {n} ({term}): unknown category {entry.category!r}")
        if entry.form not in FORMS:
            raise LexiconError(f"{path}: row {n} ({term}): unknown form {entry.form!r}")
        if (term, entry.category) in seen:
            raise LexiconError(f"{path}: row {n}: {term!r} is listed twice as {entry.category}")
        seen.add((term, entry.category))
        entries.append(entry)
    return version, entries


@cache
def load_lexicon() -> tuple[LexiconEntry, ...]:
    return tuple(read_lexicon(LEXICON_TSV)[1])


@cache
def lexicon_version() -> str:
    return read_lexicon(LEXICON_TSV)[0]


def terms(*categories: str) -> frozenset[str]:
    """Single-word terms (forms word and prefix) of the given categories (all when none)."""
    wanted = set(categories or CATEGORIES)
    return frozenset(e.term for e in load_lexicon()
                     if e.category in wanted and e.form != "phrase")
