"""Loading the annotated corpus and its fixed train/dev/test split (by group)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from nlp.types import LABELS

DEFAULT_CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
SPLITS_FILE = "splits.json"
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
        )


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The annotated files: every *.jsonl directly in the corpus directory."""
    return sorted(p for p in Path(corpus_dir).glob("*.jsonl") if p.is_file())


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
    return posts


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


def assign_splits(posts: list[Post]) -> dict[str, str]:
    """id → split, decided by the (merged) group alone: the rule is what is fixed, splits.json
    is its record for the corpus the model was trained on."""
    keys = split_keys(posts)
    return {p.id: split_of_group(keys[p.id]) for p in posts}


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
        out[splits[p.id]].append(p)
    return out
