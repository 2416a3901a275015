"""Near-duplicate detection for posts: text normalisation, MinHash signatures and an LSH index.

Reposts of one call differ in small ways (forward prefixes, emoji, typos, a link, a hashtag), so
the text is normalised hard and compared on character shingles: one typo changes only a handful
of shingles, while a word-level comparison would lose whole n-grams per typo.

The index lives in the process and is rebuilt cheaply from the stored signatures of open signals
of the recent window. Keys added in a transaction that rolls back are taken out again (see
`signals.detection.index`), and every hit is checked against the signal row before it is used.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field

from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
SEED = 7
SHINGLE = 4
# Normalised texts shorter than this are not compared on text at all.
MIN_CHARS = 25
# Estimated Jaccard similarity above which two posts count as copies of one text.
LSH_THRESHOLD = 0.5
# Stored signatures are only comparable under one hashing scheme; name it so reloads agree.
SCHEME = "affine32"

_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<!\w)@\w+")
# Prefixes added by forwarding and reposting ("Fwd:", "RT @x:", "Doorgestuurd:", "DELEN!!").
_PREFIX = re.compile(
    r"^\s*(?:(?:fwd?|fw|tr|doorgestuurd|doorgestuurd bericht|forwarded(?: message)?|rt|repost|"
    r"delen|deel|share|gedeeld)\b\s*[:!>\-]*\s*)+",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower-case, accent-free text without links, mentions, forward prefixes, emoji or
    punctuation: what remains is what copies of one call have in common."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = text.lower()
    previous = None
    while previous != text:  # prefixes stack up: "Fwd: RT: Delen!! ..."
        previous = text
        text = _PREFIX.sub("", text)
    text = text.replace("#", " ")
    text = _NON_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    norm = normalise(text)
    if len(norm) <= k:
        return {norm.encode()} if norm else set()
    return {norm[i : i + k].encode() for i in range(len(norm) - k + 1)}


def minhash_of(text: str) -> MinHash:
    """The text's signature; empty (never matching) for texts too short to tell copies from
    coincidences ("Kom allemaal!"), which can still cluster on place and time."""
    mh = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    if len(normalise(text)) < MIN_CHARS:
        return mh
    grams = shingles(text)
    if grams:
        mh.update_batch(list(grams))
    return mh


def to_list(mh: MinHash) -> list[int]:
    return [int(v) for v in mh.hashvalues]


def from_list(values: list[int]) -> MinHash | None:
    if not values or len(values) != NUM_PERM:
        return None  # stored with other parameters: cannot be compared, so it is ignored
    return MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=values, scheme=SCHEME)


def similarity(a: MinHash, b: MinHash) -> float:
    return float(a.jaccard(b))


@dataclass(eq=False)  # identity semantics: an index is a live object, usable as a dict key
class SignalIndex:
    """An LSH index whose keys are `s<signal_id>` (the signal's stored signature) and
    `p<post_id>` (members added in this process), each pointing at a signal id."""

    lsh: MinHashLSH = field(
        default_factory=lambda: MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    )
    owner: dict[str, int] = field(default_factory=dict)
    signatures: dict[str, MinHash] = field(default_factory=dict)
    per_signal: dict[int, int] = field(default_factory=dict)
    max_signal_id: int = 0
    # datasketch's LSH is not thread-safe; detect() holds this while it reads and writes.
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __len__(self) -> int:
        return len(self.owner)

    def add(self, key: str, signal_id: int, mh: MinHash) -> bool:
        """Index `mh` under `key`; False when skipped (known, empty, or the signal already has
        enough members indexed to be found by any further copy)."""
        if key in self.owner or mh.is_empty():
            return False
        if self.per_signal.get(signal_id, 0) >= MAX_KEYS_PER_SIGNAL:
            return False
        self.lsh.insert(key, mh)
        self.owner[key] = signal_id
        self.signatures[key] = mh
        self.per_signal[signal_id] = self.per_signal.get(signal_id, 0) + 1
        return True

    def _drop(self, key: str) -> None:
        self.lsh.remove(key)
        signal_id = self.owner.pop(key)
        del self.signatures[key]
        self.per_signal[signal_id] -= 1
        if not self.per_signal[signal_id]:
            del self.per_signal[signal_id]

    def remove_keys(self, keys: list[str]) -> None:
        """Take out keys whose rows were rolled back. Signal ids at or above a removed one may
        come back for other signals, so the refresh high-water mark drops below them."""
        with self.lock:
            for key in keys:
                if key in self.owner:
                    self._drop(key)
                if key.startswith("s"):
                    self.max_signal_id = min(self.max_signal_id, int(key[1:]) - 1)

    def remove_signal(self, signal_id: int) -> None:
        for key in [k for k, sid in self.owner.items() if sid == signal_id]:
            self._drop(key)

    def candidates(self, mh: MinHash) -> list[tuple[int, float, str]]:
        """(signal_id, estimated similarity, key) for every indexed key similar enough, best
        first. Several keys may name one signal; the caller checks each key it relies on."""
        if mh.is_empty():
            return []
        hits = []
        for key in self.lsh.query(mh):
            sim = similarity(mh, self.signatures[key])
            if sim >= LSH_THRESHOLD:
                hits.append((self.owner[key], sim, key))
        return sorted(hits, key=lambda row: -row[1])


# Members of one signal kept in the index: enough to catch copies that drift from the first
# text (each copy is compared with all of them), few enough to keep lookups cheap.
MAX_KEYS_PER_SIGNAL = 16
# Past this many keys the index is dropped and rebuilt from the stored signatures, which keeps a
# long-running worker's memory bounded (the rebuild only holds open signals of the window).
MAX_KEYS = 200_000

_INDEXES: dict[str, SignalIndex] = {}
_LOCK = threading.Lock()


def index_for(db_key: str) -> SignalIndex:
    """The process-wide index for one database (keyed by its URL)."""
    with _LOCK:
        index = _INDEXES.get(db_key)
        if index is None or len(index) > MAX_KEYS:
            index = _INDEXES[db_key] = SignalIndex()
        return index


def reset_index(db_key: str | None = None) -> None:
    """Forget the in-process index (all of them when no key is given); it rebuilds on demand."""
    with _LOCK:
        if db_key is None:
            _INDEXES.clear()
        else:
            _INDEXES.pop(db_key, None)
