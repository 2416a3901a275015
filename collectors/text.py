"""Small text helpers shared by the collectors: HTML to text, canonical URLs and decoding
bytes whose declared charset may be wrong. (A post's language: `nlp.language.detect`.)"""

from __future__ import annotations

import codecs
import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import lxml.html
from lxml import etree

_TRACKING_PARAMS = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_[a-z]+|ref|ref_src|igshid)$", re.I)
_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_NEWLINES = re.compile(r"\n\s*\n+")


def canonical_url(url: str) -> str:
    """Stable form of a URL for ids: lower-case host, no fragment, no tracking parameters."""
    parts = urlsplit(url.strip())
    # Sorted, so that the same parameters in another order are the same article.
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not _TRACKING_PARAMS.match(k))
    netloc = parts.netloc.lower()
    if (parts.scheme == "http" and netloc.endswith(":80")) or (
        parts.scheme == "https" and netloc.endswith(":443")
    ):
        netloc = netloc.rsplit(":", 1)[0]
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, urlencode(query), ""))


# Characters no XML/HTML parser accepts (C0 controls except tab/newline/CR, non-characters).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """Drop characters that lxml refuses, so hostile markup degrades instead of crashing."""
    return _XML_INVALID.sub("", text)


def short_hash(value: str, length: int = 16) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:length]


def html_to_text(fragment: str) -> str:
    """Readable plain text from an HTML fragment (feed summaries, Telegram messages)."""
    if not fragment or "<" not in fragment:
        return _tidy(fragment or "")
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return _tidy(re.sub(r"<[^>]+>", " ", fragment))
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    return _tidy(root.text_content())


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _NEWLINES.sub("\n\n", "\n".join(lines)).strip()


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def declared_xml_encoding(body: bytes) -> str | None:
    match = _XML_ENCODING.match(body[:200])
    return match.group(1).decode("ascii").lower() if match else None


def decode_body(body: bytes, declared: str | None) -> tuple[str, str]:
    """Decode bytes whose declared charset may lie. Returns (text, encoding used).

    Valid UTF-8 with non-ASCII bytes is almost never anything else, so it wins over a
    declared single-byte charset; text that is not valid UTF-8 but claims to be is
    nearly always windows-1252 in Dutch-language sources."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(encoding, "replace"), encoding
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidate = (declared or "").lower()
    if candidate and candidate not in ("utf-8", "utf8", "us-ascii", "ascii"):
        try:
            return body.decode(candidate), candidate
        except (LookupError, UnicodeDecodeError):
            pass
    return body.decode("windows-1252", "replace"), "windows-1252"
