"""Article text and the page's own publication date, with trafilatura.

Scripts are removed first (except JSON-LD, which is the page's stated metadata): build
stamps, analytics timestamps and "now" values in scripts are not publication dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import lxml.html
import trafilatura
from lxml import etree

from nlp.vocabulary import TZ

# Naive dates on Dutch sites are local time.
_LOCAL = TZ
_DATE_PARAMS = {
    "extensive_search": False,  # no guessing from free text when nothing is stated
    "original_date": True,  # publication, not last modification
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}
# Explicit publication markup, to recover the time of day htmldate drops for <time>.
_STATED_XPATHS = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//*[@itemprop='datePublished']/@datetime",
    "//article//time[@datetime]/@datetime",
    "//time[@pubdate or contains(@class, 'published')]/@datetime",
)
MIN_TEXT_CHARS = 200
# When extraction here finds text it used to miss, bump
# collectors.platforms.web_page.EXTRACTOR_VERSION: pages remembered as "no article text" are
# then fetched once more.
# C0 control characters other than tab, newline and carriage return, and DEL. libxml2 stops
# or drops text at them, so a page holding one looked like a page without article text.
# Vertical tab and form feed separate words: they become a space; the others are dropped.
_CONTROL_SPACE = re.compile("[\x0b\x0c]")
_CONTROL_DROP = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_SPACE_B = re.compile(b"[\x0b\x0c]")
_CONTROL_DROP_B = re.compile(b"[\x00-\x08\x0e-\x1f\x7f]")


def clean_controls(html: str | bytes) -> str | bytes:
    """`html` without C0 control characters (tab, newline and carriage return are kept)."""
    if isinstance(html, bytes):
        if html.startswith((b"\xff\xfe", b"\xfe\xff")):
            return html  # UTF-16: its bytes are not characters
        return _CONTROL_DROP_B.sub(b"", _CONTROL_SPACE_B.sub(b" ", html))
    return _CONTROL_DROP.sub("", _CONTROL_SPACE.sub(" ", html))


@dataclass(slots=True)
class Article:
    title: str
    text: str
    author: str | None
    published_at: datetime | None
    canonical_url: str | None


def _parse_iso(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    if len(value) >= 5 and value[-5] in "+-" and value[-4:].isdigit() and value[-3] != ":":
        value = value[:-2] + ":" + value[-2:]  # +0100 -> +01:00 for fromisoformat
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_LOCAL)
    return parsed.astimezone(UTC)


def _stated_dates(root: etree._Element) -> list[datetime]:
    found: list[datetime] = []
    for xpath in _STATED_XPATHS:
        for value in root.xpath(xpath):
            parsed = _parse_iso(str(value))
            if parsed is not None:
                found.append(parsed)
    return found


def extract_article(html: str | bytes, url: str) -> Article | None:
    """The article on a page, or None when the page holds no article text."""
    try:
        root = lxml.html.document_fromstring(clean_controls(html))
    except (etree.ParserError, ValueError):
        return None
    for node in root.xpath("//script[not(@type='application/ld+json')]|//noscript"):
        node.drop_tree()
    canonical = next(iter(root.xpath("//link[@rel='canonical']/@href")), None)
    stated = _stated_dates(root)
    document = trafilatura.bare_extraction(
        root,
        url=url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params=dict(_DATE_PARAMS),
    )
    if document is None or len(document.text or "") < MIN_TEXT_CHARS:
        return None
    published = _parse_iso(document.date) if document.date else None
    # trafilatura (htmldate) decides the day; explicit markup on the same day adds the time.
    for candidate in stated:
        if published is None or candidate.astimezone(_LOCAL).date() == published.astimezone(
            _LOCAL
        ).date():
            published = candidate
            break
    text = document.text or ""
    title = (document.title or "").strip()
    # trafilatura repeats the headline as the first line of the text.
    if title and text.startswith(title):
        text = text[len(title):].lstrip()
    return Article(
        title=title,
        text=text.strip(),
        author=(document.author or None),
        published_at=published,
        canonical_url=str(canonical).strip() if canonical else None,
    )
