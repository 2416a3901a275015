"""Feeds: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed parsed here
(feedparser 6 does not read it), turned into posts and collected incrementally. Kind-neutral:
the platforms that publish feeds (`collectors.platforms`) add their quirks as an `ItemAdapter`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from collectors.models import CollectResult, ItemSkip, RawPost, SourceConfig, SourceState
from collectors.net import Fetcher, FetchResult
from collectors.seen import SeenItems, keep_new_dated
from collectors.settings import CollectorSettings
from collectors.text import canonical_url, decode_body, html_to_text, short_hash

# feedparser flags these, but the items are fine: it found the right decoding itself.
_BENIGN_BOZO = (
    feedparser.CharacterEncodingOverride,
    feedparser.NonXMLContentType,
    feedparser.CharacterEncodingUnknown,
)
# Single-byte charsets that a valid UTF-8 body with non-ASCII bytes is almost never in.
_LEGACY_CHARSET = re.compile(r"^(windows-125\d|cp125\d|iso-8859-\d+|latin-?1|us-ascii|ascii)$")


@dataclass(slots=True)
class FeedItem:
    """One entry in a kind-neutral form, before dedup and language detection."""

    guid: str | None
    link: str | None
    title: str
    text: str
    author: str | None
    published_at: datetime | None


# A platform's quirk: tidies one item (its text, its author) before it becomes a post.
ItemAdapter = Callable[[FeedItem], FeedItem]


class NotAFeedError(ValueError):
    pass


def collect_feed(
    source: SourceConfig,
    state: SourceState,
    settings: CollectorSettings,
    fetcher: Fetcher,
    result: CollectResult,
    adapt: ItemAdapter | None = None,
) -> None:
    """Fetch the feed (conditionally), keep the new or changed dated items as posts."""
    fetched = fetcher.fetch(
        str(source.url), etag=state.etag, last_modified=state.last_modified
    )
    result.requests += fetched.requests
    if fetched.not_modified:
        result.not_modified = True
        return
    try:
        items, problem = parse_feed(fetched)
    except NotAFeedError as exc:
        result.error = str(exc)
        return
    result.error = problem
    now = datetime.now(UTC)
    posts = items_to_posts(source, items, result, now, adapt)
    seen = SeenItems.from_cursor(state.cursor)
    result.posts = keep_new_dated(posts, seen, settings, result)
    result.state = SourceState(
        source_id=source.id,
        etag=fetched.headers.get("etag"),
        last_modified=fetched.headers.get("last-modified"),
        cursor=seen.to_cursor(settings.seen_limit),
    )


def parse_feed(fetched: FetchResult) -> tuple[list[FeedItem], str | None]:
    """Items of a fetched feed and a source-level problem (None when the feed is sound).

    feedparser gets the raw bytes and the response headers, so its encoding detection
    (HTTP charset, byte-order mark, XML declaration, UTF-16/32 without a BOM, fallbacks)
    and its resolution of relative links (Content-Location, then the feed URL, then
    `xml:base`) apply as they do for feedparser itself."""
    body = fetched.body
    if not body.strip():
        raise NotAFeedError(f"empty response from {fetched.url}")
    head = body.lstrip()[:1]
    if fetched.content_type in ("application/feed+json", "application/json") or head == b"{":
        return parse_json_feed(body, fetched), None
    if fetched.content_type == "text/html":
        sniffed = decode_body(body, fetched.charset)[0].lstrip()[:300].lower()
        if sniffed.startswith("<!doctype html") or sniffed.startswith("<html"):
            raise NotAFeedError(
                f"not a feed: {fetched.url} returned an HTML page (text/html); "
                "has the feed moved?"
            )
    headers = feed_headers(fetched)
    parsed = feedparser.parse(
        body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
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
    entries = list(parsed.entries)
    ids: list[Any] = [entry.get("id") for entry in entries]
    if any(entry.get("id") for entry in entries):
        # feedparser resolves ids (an RSS <guid> without isPermaLink="false", Atom <id>)
        # against the feed's location as if they were links; an opaque id ("t3_1h0abcd")
        # must stay as it is, so ids come from a parse without the feed's location
        # (xml:base in the document still applies, as it always did).
        unresolved = feedparser.parse(
            body,
            response_headers={k: v for k, v in headers.items() if k != "content-location"},
            sanitize_html=False,
            resolve_relative_uris=False,
        )
        if len(unresolved.entries) == len(entries):
            ids = [entry.get("id") for entry in unresolved.entries]
    items = [_from_feedparser(entry, guid) for entry, guid in zip(entries, ids, strict=True)]
    for item in items:
        if item.link:
            # Already absolute when feedparser had a base; a safety net for when it had none.
            item.link = urljoin(fetched.url, item.link)
    return items, problem


def feed_headers(fetched: FetchResult) -> dict[str, str]:
    """The response headers feedparser uses: Content-Type (charset), Content-Location
    (absolute, the base for relative links; the feed's own URL when the server sent none)
    and Content-Language."""
    headers: dict[str, str] = {}
    content_type = fetched.headers.get("content-type")
    if content_type:
        headers["content-type"] = content_type
        charset = fetched.charset
        if (
            charset
            and _LEGACY_CHARSET.match(charset)
            and b"\x00" not in fetched.body[:1024]
            and not fetched.body.isascii()
        ):
            try:
                fetched.body.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                # Valid UTF-8 with non-ASCII bytes is almost never a single-byte charset:
                # the label lies (feedparser would trust it and garble every accent).
                headers["content-type"] = f"{fetched.content_type}; charset=utf-8"
    location = fetched.headers.get("content-location")
    headers["content-location"] = (
        urljoin(fetched.url, location.strip()) if location and location.strip() else fetched.url
    )
    language = fetched.headers.get("content-language")
    if language:
        headers["content-language"] = language
    return headers


def _struct_to_dt(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _from_feedparser(entry: Any, guid: Any = None) -> FeedItem:
    content = entry.get("content") or []
    body = content[0].get("value", "") if content else entry.get("summary", "")
    author = entry.get("author") or (entry.get("author_detail") or {}).get("name")
    return FeedItem(
        guid=str(guid or entry.get("id") or "").strip() or None,
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
        # A field of the wrong type is malformed, not fatal: the item keeps what else it has.
        authors = item.get("authors")
        if not isinstance(authors, list):
            authors = [item["author"]] if item.get("author") else []
        name = authors[0].get("name") if authors and isinstance(authors[0], dict) else None
        author = name if isinstance(name, str) else None
        html = item.get("content_html")
        text = (html_to_text(html) if isinstance(html, str) and html
                else str(item.get("content_text") or ""))
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
    source: SourceConfig,
    items: list[FeedItem],
    result: CollectResult,
    fetched_at: datetime,
    adapt: ItemAdapter | None = None,
) -> list[RawPost]:
    """Turn feed items into posts, skipping (with a reason) what cannot be used. `adapt`
    (the platform's quirk) sees each item with a usable, unique id before it is judged."""
    posts: list[RawPost] = []
    seen_ids: set[str] = set()
    for item in items:
        link = canonical_url(item.link) if item.link else None
        external_id = item.guid or link
        where = item.link or item.guid
        if not external_id:
            key = "untitled:" + short_hash(f"{item.title}\n{item.text}", 16)
            result.skipped.append(ItemSkip(None, "item has neither a GUID nor a link", key=key))
            continue
        if external_id in seen_ids:
            result.skipped.append(ItemSkip(where, f"duplicate GUID {external_id!r} in the feed"))
            continue
        seen_ids.add(external_id)
        if adapt is not None:
            item = adapt(item)
        if not item.title and not item.text:
            result.skipped.append(ItemSkip(where, "item has no title and no text"))
            continue
        url = item.link or (item.guid if (item.guid or "").startswith("http") else str(source.url))
        posts.append(
            RawPost(
                source_id=source.id,
                url=url,
                title=item.title,
                text=item.text,
                external_id=external_id,
                author=item.author,
                published_at=item.published_at,
                fetched_at=fetched_at,
            )
        )
    return posts
