"""Build nlp/data/dutch_words.tsv.gz: the Dutch words of `wordfreq` with their Zipf frequency.

De-obfuscation reads it to tell a word run together from its neighbours ("iksteekje") from a word
it does not know, and to choose where to split (nlp/deobfuscate_rules.py, "joined"). wordfreq is
not a dependency of the project: its wheel is 57 MB for every language, and this list is the only
part used. Run once, when the list should change:

    pip install --target /tmp/wordfreq wordfreq==3.1.1
    PYTHONPATH=/tmp/wordfreq .venv/bin/python nlp/data/build_dutch_words.py

Licence: wordfreq's data is CC BY-SA 4.0 (Robyn Speer, https://github.com/rspeer/wordfreq); so is
this list derived from it.
"""

from __future__ import annotations

import gzip
import re
from importlib.metadata import version
from pathlib import Path

OUT = Path(__file__).with_name("dutch_words.tsv.gz")
MIN_ZIPF = 1.5  # about one in 30 million words; below that the list is mostly names and typos
WORD_RE = re.compile(r"[a-zà-öø-ÿ]+")


def main() -> None:
    import wordfreq

    rows = []
    for bucket in wordfreq.get_frequency_list("nl", wordlist="large"):
        for word in bucket:
            if WORD_RE.fullmatch(word):
                zipf = wordfreq.zipf_frequency(word, "nl", wordlist="large")
                if zipf >= MIN_ZIPF:
                    rows.append(f"{word}\t{zipf:.1f}\n")
    header = (f"# wordfreq {version('wordfreq')} 'large' Dutch list, Zipf >= {MIN_ZIPF}; "
              "CC BY-SA 4.0, https://github.com/rspeer/wordfreq\n")
    # mtime=0: the same list gives the same bytes.
    with OUT.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write((header + "".join(rows)).encode("utf-8"))
    print(f"{OUT}: {len(rows)} words")


if __name__ == "__main__":
    main()
