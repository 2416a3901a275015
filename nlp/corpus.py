"""Loading the annotated corpus and its fixed train/dev/test split (by group)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from nlp.types import LABELS

DEFAULT_CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
SPLITS_FILE = "splits.json"
# Label corrections after the guidelines were sharpened (nlp/corpus/RELABEL.md): applied on load,
# so the part files stay exactly as their builders write them and every change is on record.
RELABELS_FILE = "relabels.jsonl"
SPLIT_SALT = "oov-signals-split-v1"


@dataclass(slots=True)
class Post:
    id: str
    text: str
    labels: dict[str, bool]
    places: list[str] = field(default_factory=list)
    in_almere: bool | None = None
    when: str = ""
    register: str = ""
    hard_negative: str | None = None
    group: str = ""
    source: str = ""
    # Training-only expansions of templates (aug_*.jsonl): never in dev or test.
    augmented: bool = False
    # Where a real-register text comes from: its kind ("policy", "press_release" …) and the
    # document with its licence, or "invented (oov-signals team)".
    source_kind: str = ""
    provenance: str = ""

    @classmethod
    def from_dict(cls, d: dict, source: str = "") -> Post:
        labels = {name: bool(d["labels"].get(name, False)) for name in LABELS}
        return cls(
            id=str(d["id"]),
            text=str(d["text"]),
            labels=labels,
            places=list(d.get("places") or []),
            in_almere=d.get("in_almere"),
            when=d.get("when") or "",
            register=d.get("register") or "",
            hard_negative=d.get("hard_negative"),
            group=str(d.get("group") or d["id"]),
            source=source,
            augmented=bool(d.get("augmented", False)),
            source_kind=str(d.get("source_kind") or ""),
            provenance=str(d.get("source") or ""),
        )


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The annotated files: every *.jsonl directly in the corpus directory (but the relabels)."""
    return sorted(p for p in Path(corpus_dir).glob("*.jsonl")
                  if p.is_file() and p.name != RELABELS_FILE)


def load_corpus(corpus_dir: Path = DEFAULT_CORPUS_DIR) -> list[Post]:
    posts: list[Post] = []
    seen: set[str] = set()
    for path in corpus_files(corpus_dir):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                post = Post.from_dict(json.loads(line), source=path.stem)
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"{path.name}:{n}: {exc}") from exc
            if post.id in seen:
                raise ValueError(f"{path.name}:{n}: duplicate id {post.id}")
            seen.add(post.id)
            posts.append(post)
    apply_relabels(posts, Path(corpus_dir) / RELABELS_FILE)
    return posts


def apply_relabels(posts: list[Post], path: Path) -> int:
    """Apply recorded label changes; a change whose id or old value does not match is an error,
    so a rebuilt part file cannot silently drift away from the record."""
    if not path.exists():
        return 0
    by_id = {p.id: p for p in posts}
    n = 0
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        change = json.loads(line)
        post = by_id.get(str(change["id"]))
        if post is None:
            raise ValueError(f"{path.name}:{line_no}: no post {change['id']}")
        field_name = change["field"]
        current = post.in_almere if field_name == "in_almere" else post.labels.get(field_name)
        if field_name not in (*LABELS, "in_almere") or current != change["old"]:
            raise ValueError(f"{path.name}:{line_no}: {change['id']} {field_name} is {current!r}, "
                             f"not {change['old']!r}")
        if field_name == "in_almere":
            post.in_almere = change["new"]
        else:
            post.labels[field_name] = bool(change["new"])
        n += 1
    return n


def split_of_group(group: str) -> str:
    """70/15/15 by a salted hash of the group: stable as the corpus grows, and every repost or
    paraphrase of one message lands in the same split."""
    bucket = int(hashlib.sha256(f"{SPLIT_SALT}:{group}".encode()).hexdigest(), 16) % 100
    return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


def text_key(text: str) -> str:
    return hashlib.sha1(" ".join(text.lower().split()).encode()).hexdigest()[:16]


def split_keys(posts: list[Post]) -> dict[str, str]:
    """id → the key its split is drawn from. Groups that share a text are merged (a duplicate must
    not sit on both sides), and a merged group's key is the smallest text hash of its members:
    stable when the corpus builders renumber their group ids."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in posts:
        a, b = find("g:" + p.group), find("t:" + text_key(p.text))
        if a != b:
            parent[a] = b
    members: dict[str, list[str]] = {}
    for p in posts:
        members.setdefault(find("g:" + p.group), []).append(text_key(p.text))
    return {p.id: min(members[find("g:" + p.group)]) for p in posts}


EXCLUDED = "excluded"


def assign_splits(posts: list[Post]) -> dict[str, str]:
    """id → split, decided by the (merged) group alone: the rule is what is fixed, splits.json
    is its record for the corpus the model was trained on.

    Augmented posts are training-only and take no part in the grouping, so adding them never moves
    an annotated post to another split; one whose text equals an annotated post's is EXCLUDED."""
    annotated = [p for p in posts if not p.augmented]
    keys = split_keys(annotated)
    splits = {p.id: split_of_group(keys[p.id]) for p in annotated}
    taken = {text_key(p.text) for p in annotated}
    for p in posts:
        if p.augmented:
            splits[p.id] = EXCLUDED if text_key(p.text) in taken else "train"
    return splits


def read_splits(corpus_dir: Path = DEFAULT_CORPUS_DIR) -> dict[str, str]:
    path = Path(corpus_dir) / SPLITS_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def write_splits(splits: dict[str, str], corpus_dir: Path = DEFAULT_CORPUS_DIR) -> Path:
    path = Path(corpus_dir) / SPLITS_FILE
    path.write_text(json.dumps(dict(sorted(splits.items())), indent=0) + "\n", encoding="utf-8")
    return path


def by_split(posts: list[Post], splits: dict[str, str]) -> dict[str, list[Post]]:
    out: dict[str, list[Post]] = {"train": [], "dev": [], "test": []}
    for p in posts:
        if splits[p.id] != EXCLUDED:
            out[splits[p.id]].append(p)
    return out
