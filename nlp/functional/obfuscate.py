"""Deterministic obfuscations of a word, as people use them to slip past filters."""

from __future__ import annotations

from collections.abc import Callable

_LEET: tuple[dict[str, str], ...] = (
    {"o": "0", "i": "1"},
    {"a": "@", "e": "3"},
    {"s": "$", "o": "0"},
    {"a": "4", "i": "1", "o": "0", "e": "3"},
    {"e": "€", "i": "!"},
)
_VOWELS = "aeiouy"


def digits(word: str, variant: int) -> str:
    """Digits and symbols for letters: m0sl1ms, @sielzoekers."""
    for k in range(len(_LEET)):
        table = _LEET[(variant + k) % len(_LEET)]
        out = "".join(table.get(c.lower(), c) for c in word)
        if out != word:
            return out
    return word


def spaced(word: str, variant: int) -> str:
    """Letters spaced out: m o s l i m s (variant 1: with dots)."""
    sep = "." if variant % 3 == 1 else " "
    return sep.join(c for c in word if c != " ")


def repeated(word: str, variant: int) -> str:
    """Letters repeated: mosliiiims, asielzoekerssss."""
    n = 3 + variant % 3
    vowels = [i for i, c in enumerate(word) if c.lower() in _VOWELS]
    if variant % 2 == 0 and vowels:
        i = vowels[len(vowels) // 2]
        return word[:i] + word[i] * n + word[i + 1:]
    return word + word[-1] * (n - 1)


def joined(word: str, variant: int) -> str:
    """Run-together forms are written into the templates themselves; the word stays as is."""
    return word


TRANSFORMS: dict[str, Callable[[str, int], str]] = {
    "digits": digits,
    "spaced": spaced,
    "repeated": repeated,
    "joined": joined,
}
