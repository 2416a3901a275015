"""Properties of the small text helpers every collector relies on."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collectors.seen import SeenItems
from collectors.text import canonical_url, decode_body, html_to_text
from nlp.language import detect

_paths = st.lists(st.text("abcdefghij-0123456789", min_size=1, max_size=8), max_size=4)
_params = st.dictionaries(
    st.sampled_from(["id", "page", "utm_source", "utm_medium", "fbclid", "q"]),
    st.text("abc123", max_size=5),
    max_size=4,
)


@given(_paths, _params, st.sampled_from(["", "#x", "#reacties"]))
def test_canonical_url_is_idempotent_and_drops_tracking(path, params, fragment) -> None:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    url = f"HTTPS://Www.Example.NL/{'/'.join(path)}" + (f"?{query}" if query else "") + fragment
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert "utm_" not in once and "fbclid" not in once and "#" not in once
    assert once.startswith("https://www.example.nl/")


@given(st.binary(max_size=400), st.sampled_from([None, "utf-8", "windows-1252", "bogus"]))
def test_decode_body_never_raises(body, declared) -> None:
    text, encoding = decode_body(body, declared)
    assert isinstance(text, str) and encoding


@given(st.text(max_size=300))
@settings(max_examples=200)
def test_html_to_text_never_raises_and_strips_tags(fragment) -> None:
    assert "<script" not in html_to_text(f"<p>{fragment}</p><script>x()</script>").lower()


@given(st.text("abcdef0123", min_size=1, max_size=10), st.text(max_size=50))
def test_seen_items_survive_the_cursor_round_trip(item_id, content) -> None:
    seen = SeenItems()
    seen.remember(item_id, content)
    restored = SeenItems.from_cursor(seen.to_cursor(limit=10))
    assert not restored.is_new_or_changed(item_id, content)
    assert restored.is_new_or_changed(item_id, content + "!")


def test_seen_items_keep_only_the_newest() -> None:
    seen = SeenItems()
    for i in range(30):
        seen.remember(f"id-{i}", "x")
    restored = SeenItems.from_cursor(seen.to_cursor(limit=10))
    assert restored.knows("id-29") and not restored.knows("id-5")


def test_short_dutch_text_keeps_the_source_language() -> None:
    assert detect("Zaterdag verzamelen", expected="nl") == "nl"
    assert detect("Die Bürgerinitiative protestiert heute gegen die Windräder") == "de"


# -- issue 16: control characters in pages -----------------------------------------------

_ARTICLE = Path(__file__).parents[1] / "fixtures/web/site/nieuws/demonstratie-stadhuisplein.html"


@pytest.mark.parametrize("control", ["\x01", "\x0b", "\x0c", "\x00\x1b\x7f"])
def test_control_characters_do_not_hide_the_article(control: str) -> None:
    from collectors.extract import extract_article

    html = _ARTICLE.read_text(encoding="utf-8")
    clean = extract_article(html, "https://example.org/a")
    assert clean is not None and len(clean.text) > 500
    dirty = html.replace("<p>", f"<p>{control}", 2).replace("</h1>", f"</h1>{control}")
    dirty = dirty.replace(". ", f".{control} ", 3)

    article = extract_article(dirty, "https://example.org/a")
    assert article is not None, "page with control characters lost its article text"
    assert article.title == clean.title
    assert abs(len(article.text) - len(clean.text)) <= 5
    assert not any(c in article.text for c in "\x00\x01\x0b\x0c\x1b\x7f")
    as_bytes = extract_article(dirty.encode("utf-8"), "https://example.org/a")
    assert as_bytes is not None and as_bytes.text == article.text
