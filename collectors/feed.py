"""Feeds: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed parsed here
(feedparser 6 does not read it). Also serves the Mastodon tag and Reddit RSS sources."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from collectors.models import CollectResult, ItemSkip, RawPost, SourceConfig, SourceKind
from collectors.net import FetchResult
from collectors.text import canonical_url, declared_xml_encoding, decode_body, html_to_text

# feedparser flags these, but the items are fine: we fixed the decoding ourselves.
_BENIGN_BOZO = (
    feedparser.CharacterEncodingOverride,
    feedparser.NonXMLContentType,
    feedparser.CharacterEncodingUnknown,
)
_XML_DECL = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([A-Za-z0-9._-]+)(["'])""")
_REDDIT_TRAILER = re.compile(r"\s*submitted by\s+/u/\S+.*$", re.S | re.I)
_MASTODON_HANDLE = re.compile(r"^https?://([^/]+)/@([A-Za-z0-9_.]+)(@[^/]+)?/\d+")


@dataclass(slots=True)
class FeedItem:
    """One entry in a kind-neutral form, before dedup and language detection."""

    guid: str | None
    link: str | None
    title: str
    text: str
    author: str | None
    published_at: datetime | None


class NotAFeedError(ValueError):
    pass


def parse_feed(fetched: FetchResult) -> tuple[list[FeedItem], str | None]:
    """Items of a fetched feed and a source-level problem (None when the feed is sound)."""
    body = fetched.body
    if not body.strip():
        raise NotAFeedError(f"empty response from {fetched.url}")
    head = body.lstrip()[:1]
    if fetched.content_type in ("application/feed+json", "application/json") or head == b"{":
        return parse_json_feed(body, fetched), None
    text, _ = decode_body(body, fetched.charset or declared_xml_encoding(body))
    stripped = text.lstrip()[:300].lower()
    if fetched.content_type == "text/html" and (
        stripped.startswith("<!doctype html") or stripped.startswith("<html")
    ):
        raise NotAFeedError(
            f"not a feed: {fetched.url} returned an HTML page (text/html); "
            "has the feed moved?"
        )
    # Hand feedparser clean UTF-8 and say so, so it does not second-guess a wrong label.
    text = _XML_DECL.sub(lambda m: m.group(1) + "utf-8" + m.group(3), text, count=1)
    parsed = feedparser.parse(
        text.encode("utf-8"),
        # No content-location: feedparser would also "resolve" opaque GUIDs against it.
        response_headers={"content-type": "application/xml; charset=utf-8"},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    problem = None
    if parsed.bozo and not isinstance(parsed.get("bozo_exception"), _BENIGN_BOZO):
        reason = str(parsed.get("bozo_exception", "unknown error"))
        if not parsed.entries:
            if not parsed.version:
                raise NotAFeedError(f"not a valid feed at {fetched.url}: {reason}")
            raise NotAFeedError(f"feed XML is malformed at {fetched.url}: {reason}")
        problem = (
            f"feed XML is malformed at {fetched.url} ({reason}); "
            f"kept the {len(parsed.entries)} items the parser could recover"
        )
    elif not parsed.version and not parsed.entries:
        raise NotAFeedError(f"not a feed: nothing RSS, Atom or JSON Feed at {fetched.url}")
    items = [_from_feedparser(entry) for entry in parsed.entries]
    for item in items:
        if item.link:
            item.link = urljoin(fetched.url, item.link)
    return items, problem


def _struct_to_dt(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _from_feedparser(entry: Any) -> FeedItem:
    content = entry.get("content") or []
    body = content[0].get("value", "") if content else entry.get("summary", "")
    author = entry.get("author") or (entry.get("author_detail") or {}).get("name")
    return FeedItem(
        guid=(entry.get("id") or "").strip() or None,
        link=(entry.get("link") or "").strip() or None,
        title=html_to_text(entry.get("title", "")),
        text=html_to_text(body or ""),
        author=author or None,
        published_at=_struct_to_dt(entry.get("published_parsed"))
        or _struct_to_dt(entry.get("updated_parsed"))
        or _struct_to_dt(entry.get("created_parsed")),
    )


def _iso(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_json_feed(body: bytes, fetched: FetchResult) -> list[FeedItem]:
    try:
        document = json.loads(decode_body(body, fetched.charset)[0])
    except ValueError as exc:
        raise NotAFeedError(f"JSON Feed at {fetched.url} is not valid JSON: {exc}") from exc
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(
        "https://jsonfeed.org/version/"
    ):
        raise NotAFeedError(f"not a JSON Feed at {fetched.url} (no jsonfeed.org version)")
    items = document.get("items")
    if not isinstance(items, list):
        raise NotAFeedError(f"JSON Feed at {fetched.url} has no 'items' list")
    result: list[FeedItem] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        author = authors[0].get("name") if authors and isinstance(authors[0], dict) else None
        html = item.get("content_html")
        text = html_to_text(html) if html else str(item.get("content_text") or "")
        result.append(
            FeedItem(
                guid=str(item["id"]).strip() if item.get("id") is not None else None,
                link=urljoin(fetched.url, str(item.get("url") or item.get("external_url") or ""))
                or None,
                title=html_to_text(str(item.get("title") or "")),
                text=text or html_to_text(str(item.get("summary") or "")),
                author=author,
                published_at=_iso(item.get("date_published")) or _iso(item.get("date_modified")),
            )
        )
    return result


def items_to_posts(
    source: SourceConfig, items: list[FeedItem], result: CollectResult, fetched_at: datetime
) -> list[RawPost]:
    """Turn feed items into posts, skipping (with a reason) what cannot be used."""
    posts: list[RawPost] = []
    seen_ids: set[str] = set()
    for item in items:
        link = canonical_url(item.link) if item.link else None
        external_id = item.guid or link
        where = item.link or item.guid
        if not external_id:
            result.skipped.append(ItemSkip(None, "item has neither a GUID nor a link"))
            continue
        if external_id in seen_ids:
            result.skipped.append(ItemSkip(where, f"duplicate GUID {external_id!r} in the feed"))
            continue
        seen_ids.add(external_id)
        text = item.text
        if source.kind == SourceKind.REDDIT:
            text = _REDDIT_TRAILER.sub("", text).strip()
        author = item.author
        if source.kind == SourceKind.MASTODON_TAG and not author and item.link:
            match = _MASTODON_HANDLE.match(item.link)
            if match:
                # A remote account's URL carries its own domain; a local one gets the host's.
                author = f"@{match.group(2)}" + (match.group(3) or f"@{match.group(1)}")
        if not item.title and not text:
            result.skipped.append(ItemSkip(where, "item has no title and no text"))
            continue
        url = item.link or (item.guid if (item.guid or "").startswith("http") else str(source.url))
        posts.append(
            RawPost(
                source_id=source.id,
                url=url,
                title=item.title,
                text=text,
                external_id=external_id,
                author=author,
                published_at=item.published_at,
                fetched_at=fetched_at,
            )
        )
    return posts
