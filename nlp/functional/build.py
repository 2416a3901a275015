"""Expand the templates into `cases.jsonl`, deterministically.

    python -m nlp.functional.build          # (re)write nlp/functional/cases.jsonl
    python -m nlp.functional.build --check  # exit 1 when the committed file is out of date

The suite is an outside yardstick: it is never used to train or to choose thresholds.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator

from nlp.functional.files import CASES_PATH
from nlp.functional.obfuscate import TRANSFORMS
from nlp.functional.slots import fill, slot_names
from nlp.functional.spec import Case, Functionality
from nlp.functional.targets import TARGETS, Target
from nlp.functional.templates import FUNCTIONALITIES

_SKIP = re.compile(r"^\[!([\w,]+)\]\s*")
_MARK = re.compile(r"«([^»]+)»")
_SLUR_FIELDS = {"slur", "slur1"}
_MAX_ROUNDS = 40


def _parse(template: str) -> tuple[frozenset[str], str]:
    m = _SKIP.match(template)
    if not m:
        return frozenset(), template
    return frozenset(m.group(1).split(",")), template[m.end():]


def _obfuscate(text: str, how: str | None, variant: int) -> str:
    if how is None:
        if "«" in text:
            raise ValueError(f"obfuscation mark without an obfuscation: {text!r}")
        return text
    transform = TRANSFORMS[how]
    count = iter(range(100))
    return _MARK.sub(lambda m: transform(m.group(1), variant + next(count)), text)


def _fits(target: Target, skip: frozenset[str], needed: set[str]) -> bool:
    if target.category in skip or target.key in skip:
        return False
    return not ("adj" in needed and not target.adj)


def _crossed(f: Functionality) -> Iterator[tuple[str, str]]:
    for ti, template in enumerate(f.templates):
        skip, body = _parse(template)
        needed = set(slot_names(body))
        for gi, target in enumerate(TARGETS):
            if not _fits(target, skip, needed):
                continue
            slurs = target.slurs if needed & _SLUR_FIELDS else (("", ""),)
            for si, (plural, singular) in enumerate(slurs):
                text = body.format(**target.fields(), slur=plural, slur1=singular)
                yield _obfuscate(text, f.obfuscation, ti + gi + si), target.key


def _filled(f: Functionality) -> Iterator[tuple[str, str]]:
    """Round-robin over the templates, each round with the next filling of its slots."""
    for j in range(_MAX_ROUNDS):
        for ti, template in enumerate(f.templates):
            if j == 0 or slot_names(template):
                yield _obfuscate(fill(template, ti, j), f.obfuscation, ti + j), ""


def expand(f: Functionality) -> list[Case]:
    seen: set[str] = set()
    cases: list[Case] = []
    for text, target in (_crossed(f) if f.crossed else _filled(f)):
        text = re.sub(r"\s+", " ", text).strip()
        if text in seen:
            continue
        seen.add(text)
        cases.append(Case(f"{f.id}.{len(cases) + 1:04d}", f.id, text, target, f.expected))
        if not f.crossed and len(cases) >= f.size:
            break
    return cases


def build() -> list[Case]:
    cases: list[Case] = []
    owner: dict[str, str] = {}
    for f in FUNCTIONALITIES:
        for case in expand(f):
            if case.text in owner:
                raise ValueError(f"{case.text!r} is in both {owner[case.text]} and {f.id}")
            owner[case.text] = f.id
            cases.append(case)
    return cases


def render(cases: list[Case]) -> str:
    return "".join(json.dumps(c.to_dict(), ensure_ascii=False) + "\n" for c in cases)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with the file")
    args = parser.parse_args(argv)
    text = render(cases := build())
    if args.check:
        same = CASES_PATH.exists() and CASES_PATH.read_text(encoding="utf-8") == text
        print("cases.jsonl is up to date" if same else "cases.jsonl is out of date")
        return 0 if same else 1
    CASES_PATH.write_text(text, encoding="utf-8")
    n_func = len({c.functionality for c in cases})
    print(f"wrote {len(cases)} cases in {n_func} functionalities to {CASES_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
