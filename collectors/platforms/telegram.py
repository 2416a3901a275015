"""`telegram_public` sources: public Telegram channels through their web preview
(`https://t.me/s/<channel>`), parsed with Scrapy's selectors (parsel). Pages back with
`?before=<id>` until the last message seen on the previous run (kept in
`SourceState.cursor`).

Each message block is cut out of the page at its own `data-post` start tag and parsed on its
own, so a message whose markup is cut off cannot swallow the next one. Message ids are
checked (a positive integer below 2**53, not implausibly far ahead of the cursor or of the
page) before they can become the cursor."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector

from collectors.base import PlatformCollector
from collectors.errors import FetchError
from collectors.models import CollectResult, ItemSkip, RawPost, SourceConfig, SourceState
from collectors.net import Fetcher
from collectors.settings import CollectorSettings
from collectors.text import decode_body, html_to_text, xml_safe

# Larger ids lose precision in JSON numbers and JavaScript; no channel gets near them.
MAX_MESSAGE_ID = 2**53
# A channel does not post this many messages between two polls: such an id is corrupt.
MAX_ID_JUMP = 100_000
# The start tag of an element carrying a message id: where one message block begins.
_BLOCK_START = re.compile(
    r"""<(?:div|article|section)\b[^>]*?\sdata-post\s*=\s*(?:"[^"]*"|'[^']*')[^>]*>""",
    re.I,
)


@dataclass(slots=True)
class TelegramMessage:
    channel: str
    message_id: int
    url: str
    text: str
    author: str | None
    published_at: datetime | None


@dataclass(slots=True)
class PreviewPage:
    messages: list[TelegramMessage] = field(default_factory=list)
    # (where, why) for blocks that could not be used, e.g. an invalid message id.
    rejected: list[tuple[str | None, str]] = field(default_factory=list)


def _parse_datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _message_blocks(html: str) -> list[str]:
    """The page cut at each message's start tag: block i runs to where block i+1 starts."""
    starts = [m.start() for m in _BLOCK_START.finditer(html)]
    if not starts:
        return []
    return [html[a:b] for a, b in zip(starts, [*starts[1:], len(html)], strict=True)]


def _own_link(link: str | None, page_url: str, channel: str, number: str) -> str | None:
    """The message's date link, only when it points at this very message."""
    if not link:
        return None
    absolute = urljoin(page_url, link.strip())
    path = urlsplit(absolute).path.rstrip("/")
    return absolute if path.endswith(f"/{channel}/{number}") else None


def parse_preview(html: str, page_url: str) -> list[TelegramMessage]:
    """Messages on one preview page, oldest first (as Telegram renders them)."""
    return parse_preview_page(html, page_url).messages


def parse_preview_page(html: str, page_url: str) -> PreviewPage:
    page = PreviewPage()
    for block in _message_blocks(xml_safe(html)):
        selector = Selector(text=block)
        node = next(iter(selector.xpath("//*[@data-post]")), None)
        if node is None:
            continue
        # One attribute by name: `.attrib` builds a dict of all of them, and lxml refuses to read
        # a name that looks like its namespace notation ('{…') that hostile HTML can contain.
        post = (node.root.get("data-post") or "").strip()
        channel, _, number = post.partition("/")
        fallback = f"https://t.me/{channel}/{number}" if channel and number else None
        if not channel or not number.isascii() or not number.isdigit():
            page.rejected.append((fallback, f"invalid message id {post[:80]!r}"))
            continue
        # Length first: int() of thousands of digits is slow or refused outright.
        message_id = int(number) if len(number) <= 16 else MAX_MESSAGE_ID
        if not 0 < message_id < MAX_MESSAGE_ID:
            page.rejected.append(
                (fallback, f"implausible message id {number[:40]} (not between 1 and 2**53)")
            )
            continue
        text_html = node.css(".tgme_widget_message_text").get()
        author = (
            node.css(".tgme_widget_message_from_author::text").get()
            or node.css(".tgme_widget_message_owner_name span::text").get()
            or node.css(".tgme_widget_message_owner_name::text").get()
        )
        date = node.css("a.tgme_widget_message_date")
        href = date[0].root.get("href") if date else None
        link = _own_link(href, page_url, channel, number)
        page.messages.append(
            TelegramMessage(
                channel=channel,
                message_id=message_id,
                url=link or f"https://t.me/{channel}/{number}",
                text=html_to_text(text_html) if text_html else "",
                author=author.strip() if author else None,
                # A date only from this message's own date link.
                published_at=_parse_datetime(
                    date.css("time::attr(datetime)").get() if link else None
                ),
            )
        )
    return page


def _plausible(
    messages: list[TelegramMessage], cursor: int | None
) -> tuple[list[TelegramMessage], list[TelegramMessage]]:
    """(plausible, implausible): an id far beyond the cursor (or, without one, beyond the
    page's median id) is corrupt, not news."""
    if not messages:
        return [], []
    reference = cursor if cursor is not None else int(
        statistics.median_low(m.message_id for m in messages)
    )
    good = [m for m in messages if m.message_id <= reference + MAX_ID_JUMP]
    bad = [m for m in messages if m.message_id > reference + MAX_ID_JUMP]
    return good, bad


def _with_before(url: str, before: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "before"]
    query.append(("before", str(before)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def collect_telegram(
    source: SourceConfig,
    state: SourceState,
    settings: CollectorSettings,
    fetcher: Fetcher,
    result: CollectResult,
) -> None:
    cursor = _cursor(state.cursor)
    # Without a cursor (first run) only a short backfill: we watch what is new.
    page_limit = source.max_pages if cursor is not None else min(
        source.max_pages, settings.telegram_backfill_pages
    )
    now = datetime.now(UTC)
    collected: dict[int, TelegramMessage] = {}
    url: str | None = str(source.url)
    pages = 0
    oldest_seen: int | None = None
    while url and pages < page_limit:
        try:
            fetched = fetcher.fetch(url)
        except FetchError as exc:
            if pages == 0:
                raise
            result.error = f"stopped paging back at {url}: {exc}"
            break
        pages += 1
        result.requests += fetched.requests
        page = parse_preview_page(decode_body(fetched.body, fetched.charset)[0], fetched.url)
        for where, why in page.rejected:
            result.skipped.append(ItemSkip(where, why))
        messages, implausible = _plausible(page.messages, cursor)
        for message in implausible:
            result.skipped.append(
                ItemSkip(
                    message.url,
                    f"implausible message id {message.message_id}: more than {MAX_ID_JUMP} "
                    "beyond the last seen message",
                )
            )
        if not messages:
            if pages == 1:
                result.error = (
                    f"no messages found at {fetched.url}: not the public web preview of a "
                    "channel (t.me/s/<name>), or the channel is empty"
                )
            break
        page_oldest = min(m.message_id for m in messages)
        for message in messages:
            if cursor is None or message.message_id > cursor:
                collected.setdefault(message.message_id, message)
        if oldest_seen is not None and page_oldest >= oldest_seen:
            break  # the page did not go further back: nothing older to fetch
        oldest_seen = page_oldest
        if cursor is not None and page_oldest <= cursor + 1:
            break  # reached what we saw last time
        url = _with_before(str(source.url), page_oldest)

    # Only ids of messages actually seen (and found plausible) can become the cursor.
    newest = max([cursor or 0, *collected])
    for message in sorted(collected.values(), key=lambda m: m.message_id):
        if not message.text:
            result.skipped.append(ItemSkip(message.url, "message has no text (media only)"))
            continue
        if message.published_at is None and not settings.keep_undated:
            result.skipped.append(ItemSkip(message.url, "item has no publication date"))
            continue
        result.posts.append(
            RawPost(
                source_id=source.id,
                url=message.url,
                title="",
                text=message.text,
                external_id=f"telegram:{message.channel}/{message.message_id}",
                author=message.author,
                published_at=message.published_at,
                fetched_at=now,
            )
        )
    result.state = SourceState(
        source_id=source.id,
        etag=state.etag,
        last_modified=state.last_modified,
        cursor=str(newest) if newest else state.cursor,
    )


def _cursor(value: str | None) -> int | None:
    """The stored cursor, if it is a valid message id (an absurd one from before the checks
    is dropped: the channel is then read as on a first poll)."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number < MAX_MESSAGE_ID else None


class TelegramCollector(PlatformCollector):
    run = staticmethod(collect_telegram)
