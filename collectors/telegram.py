"""Public Telegram channels through their web preview (`https://t.me/s/<channel>`), parsed
with Scrapy's selectors (parsel). Pages back with `?before=<id>` until the last message
seen on the previous run (kept in `SourceState.cursor`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from parsel import Selector

from collectors.models import CollectResult, ItemSkip, RawPost, SourceConfig, SourceState
from collectors.net import Fetcher, FetchError
from collectors.settings import CollectorSettings
from collectors.text import decode_body, html_to_text, xml_safe


@dataclass(slots=True)
class TelegramMessage:
    channel: str
    message_id: int
    url: str
    text: str
    author: str | None
    published_at: datetime | None


def _parse_datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_preview(html: str, page_url: str) -> list[TelegramMessage]:
    """Messages on one preview page, oldest first (as Telegram renders them)."""
    selector = Selector(text=xml_safe(html))
    messages: list[TelegramMessage] = []
    for node in selector.css(".tgme_widget_message[data-post]"):
        # One attribute by name: `.attrib` builds a dict of all of them, and lxml refuses to read
        # a name that looks like its namespace notation ('{…') that hostile HTML can contain.
        channel, _, number = (node.root.get("data-post") or "").partition("/")
        if not number.isdigit():
            continue
        text_html = node.css(".tgme_widget_message_text").get()
        author = (
            node.css(".tgme_widget_message_from_author::text").get()
            or node.css(".tgme_widget_message_owner_name span::text").get()
            or node.css(".tgme_widget_message_owner_name::text").get()
        )
        link = node.css("a.tgme_widget_message_date::attr(href)").get()
        messages.append(
            TelegramMessage(
                channel=channel,
                message_id=int(number),
                url=link or f"https://t.me/{channel}/{number}",
                text=html_to_text(text_html) if text_html else "",
                author=author.strip() if author else None,
                published_at=_parse_datetime(
                    node.css(".tgme_widget_message_date time::attr(datetime)").get()
                ),
            )
        )
    return messages


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
    cursor = int(state.cursor) if state.cursor and state.cursor.isdigit() else None
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
        messages = parse_preview(decode_body(fetched.body, fetched.charset)[0], fetched.url)
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
