"""Intake: raw collected items become stored posts. The plaintext author handle stops here."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from collectors.models import RawPost
from collectors.text import canonical_url
from signals.db.models import Post
from signals.db.types import utcnow
from signals.privacy.pseudonym import Pseudonymizer
from signals.privacy.urls import (
    strip_external_id,
    strip_handles,
    strip_segment,
    telegram_channel,
)

_SPACE = re.compile(r"\s+")

# Called with (post, plaintext handle) for sources that keep an encrypted escrow.
EscrowHook = Callable[[Session, Post, str], None]


def content_hash(title: str, text: str) -> str:
    normalised = unicodedata.normalize("NFKC", f"{title}\n{text}").casefold()
    return hashlib.sha256(_SPACE.sub(" ", normalised).strip().encode()).hexdigest()


@dataclass(slots=True)
class IntakeResult:
    new_post_ids: list[int] = field(default_factory=list)  # new items and new versions
    duplicates: int = 0
    new_versions: int = 0  # of the new posts, how many are edits of an item stored before


@dataclass(slots=True)
class _Latest:
    """The newest stored version of the item at one canonical URL."""

    post_id: int
    first_id: int
    version: int
    source_id: str
    external_id: str | None


def _same_item(latest: _Latest, raw: RawPost) -> bool:
    return latest.source_id == raw.source_id and (latest.external_id or None) == (
        raw.external_id or None
    )


def store_raw_posts(
    session: Session,
    raw_posts: Iterable[RawPost],
    pseudonymizer: Pseudonymizer,
    *,
    escrow: EscrowHook | None = None,
) -> IntakeResult:
    """Insert the posts not seen before. Seen before: the same content from the same source,
    or the canonical URL of another item (another source's, or another id's). The same item
    (source, canonical URL and id) with other content is an edit: stored as a new version,
    linked to the first, and returned with the new posts so that it is enriched and detected."""
    result = IntakeResult()
    batch = list(raw_posts)
    if not batch:
        return result
    # Handles in URLs (e.g. Mastodon's /@name/123) are personal data too: never stored.
    for raw in batch:
        raw.url = strip_handles(raw.url)
        channel = telegram_channel(raw.external_id)
        if channel:
            raw.url = strip_segment(raw.url, channel)
        raw.external_id = strip_external_id(raw.external_id)
    keyed = [
        (raw, canonical_url(raw.url)[:1024], content_hash(raw.title, raw.text)) for raw in batch
    ]
    urls = {c for _, c, _ in keyed}
    pairs = {(raw.source_id, h) for raw, _, h in keyed}
    latest: dict[str, _Latest] = {}
    for post_id, curl, version, first_id, source_id, external_id in session.execute(
        select(
            Post.id,
            Post.canonical_url,
            Post.version,
            Post.version_of_id,
            Post.source_id,
            Post.external_id,
        )
        .where(Post.canonical_url.in_(urls))
        .order_by(Post.canonical_url, Post.version)
    ):
        # Ordered by version: the newest wins. A purged first version leaves first_id unset.
        latest[curl] = _Latest(post_id, first_id or post_id, version, source_id, external_id)
    seen_pairs = set(
        session.execute(
            select(Post.source_id, Post.content_hash).where(
                tuple_(Post.source_id, Post.content_hash).in_(list(pairs))
            )
        )
    )
    for raw, curl, chash in keyed:
        if (raw.source_id, chash) in seen_pairs:
            result.duplicates += 1
            continue
        previous = latest.get(curl)
        if previous is not None and not _same_item(previous, raw):
            result.duplicates += 1
            continue
        seen_pairs.add((raw.source_id, chash))
        fetched = raw.fetched_at or utcnow()
        pseudonym = period = None
        if raw.author:
            pseudonym, period = pseudonymizer.pseudonym(
                raw.author, raw.source_id, raw.published_at or fetched
            ) or (None, None)
        post = Post(
            source_id=raw.source_id,
            external_id=raw.external_id,
            url=raw.url,
            canonical_url=curl,
            content_hash=chash,
            title=raw.title or "",
            text=raw.text or "",
            author_pseudonym=pseudonym,
            pseudonym_period=period,
            published_at=raw.published_at,
            fetched_at=fetched,
            language=raw.language,
            version=previous.version + 1 if previous else 1,
            version_of_id=previous.first_id if previous else None,
        )
        session.add(post)
        session.flush()
        if escrow is not None and raw.author:
            escrow(session, post, raw.author)
        result.new_post_ids.append(post.id)
        if previous is not None:
            result.new_versions += 1
        latest[curl] = _Latest(
            post.id, post.version_of_id or post.id, post.version, raw.source_id, raw.external_id
        )
    return result
