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
from signals.privacy.urls import strip_handles

_SPACE = re.compile(r"\s+")
SUPPORTED_LANGUAGES = frozenset({"nl", "en"})

# Called with (post, plaintext handle) for sources that keep an encrypted escrow.
EscrowHook = Callable[[Session, Post, str], None]


def content_hash(title: str, text: str) -> str:
    normalised = unicodedata.normalize("NFKC", f"{title}\n{text}").casefold()
    return hashlib.sha256(_SPACE.sub(" ", normalised).strip().encode()).hexdigest()


@dataclass(slots=True)
class IntakeResult:
    new_post_ids: list[int] = field(default_factory=list)
    duplicates: int = 0


def store_raw_posts(
    session: Session,
    raw_posts: Iterable[RawPost],
    pseudonymizer: Pseudonymizer,
    *,
    escrow: EscrowHook | None = None,
) -> IntakeResult:
    """Insert the posts not seen before (by canonical URL, or same content from the same source)."""
    result = IntakeResult()
    batch = list(raw_posts)
    if not batch:
        return result
    # Handles in URLs (e.g. Mastodon's /@name/123) are personal data too: never stored.
    for raw in batch:
        raw.url = strip_handles(raw.url)
    keyed = [(raw, canonical_url(raw.url), content_hash(raw.title, raw.text)) for raw in batch]
    urls = {c for _, c, _ in keyed}
    pairs = {(raw.source_id, h) for raw, _, h in keyed}
    seen_urls = set(session.scalars(select(Post.canonical_url).where(Post.canonical_url.in_(urls))))
    seen_pairs = set(
        session.execute(
            select(Post.source_id, Post.content_hash).where(
                tuple_(Post.source_id, Post.content_hash).in_(list(pairs))
            )
        )
    )
    for raw, curl, chash in keyed:
        if curl in seen_urls or (raw.source_id, chash) in seen_pairs:
            result.duplicates += 1
            continue
        seen_urls.add(curl)
        seen_pairs.add((raw.source_id, chash))
        fetched = raw.fetched_at or utcnow()
        pseudonym = period = None
        if raw.author:
            pseudonym, period = pseudonymizer.pseudonym(
                raw.author, raw.source_id, raw.published_at or fetched
            ) or (None, None)
        language = raw.language
        post = Post(
            source_id=raw.source_id,
            external_id=raw.external_id,
            url=raw.url,
            canonical_url=curl[:1024],
            content_hash=chash,
            title=raw.title or "",
            text=raw.text or "",
            author_pseudonym=pseudonym,
            pseudonym_period=period,
            published_at=raw.published_at,
            fetched_at=fetched,
            language=language,
            language_supported=language is None or language in SUPPORTED_LANGUAGES,
        )
        session.add(post)
        session.flush()
        if escrow is not None and raw.author:
            escrow(session, post, raw.author)
        result.new_post_ids.append(post.id)
    return result
