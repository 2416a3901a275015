"""Marking a post's quote for the weekly driehoek briefing (SignalPost.briefing_snippet).

The briefing quotes nothing else. A quote is taken from the post's own text (the analyst may
shorten it, not rewrite it) and stored with pseudonyms, @handles and links blanked, so the
briefing never carries an author's identity."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from nlp.vocabulary import ANALYST, SUPERVISOR
from signals.db.models import Post, SignalPost
from signals.errors import DomainError, NotAllowed, NotFound
from signals.privacy.mentions import blank_author_mentions
from signals.services import Actor, record_as

MAX_QUOTE = 280
SNIPPET_ROLES = frozenset({ANALYST, SUPERVISOR})
_SPACE = re.compile(r"\s+")


class SnippetRefused(DomainError):
    status_code = 422


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text or "").strip()


def default_quote(post: Post) -> str:
    """The post's text, cut at a word boundary to fit the briefing."""
    text = _flat(post.text) or _flat(post.title)
    if len(text) <= MAX_QUOTE:
        return text
    cut = text[: MAX_QUOTE - 1].rsplit(" ", 1)[0]
    return cut + "…"


def quote_for(post: Post, chosen: str | None) -> str:
    chosen = _flat(chosen or "")
    if not chosen:
        return blank_author_mentions(default_quote(post))
    if len(chosen) > MAX_QUOTE:
        raise SnippetRefused(f"Een citaat is maximaal {MAX_QUOTE} tekens.")
    source = _flat(f"{post.title} {post.text}").casefold()
    if chosen.removesuffix("…").casefold() not in source:
        raise SnippetRefused(
            "Het citaat moet letterlijk uit het bericht komen; u mag het inkorten, "
            "niet herschrijven."
        )
    return blank_author_mentions(chosen)


def mark_snippet(
    session: Session,
    actor: Actor,
    signal_id: int,
    post_id: int,
    include: bool,
    chosen: str | None = None,
) -> SignalPost:
    """Include the post's quote in the briefing (or take it out again)."""
    if actor.role not in SNIPPET_ROLES:
        raise NotAllowed("Alleen analisten en supervisors kiezen citaten voor de briefing.")
    link = session.get(SignalPost, (signal_id, post_id))
    if link is None:
        raise NotFound(f"Bericht {post_id} hoort niet bij signaal {signal_id}.")
    before = link.briefing_snippet is not None
    link.briefing_snippet = quote_for(link.post, chosen) if include else None
    session.flush()
    record_as(
        session, actor, action="briefing.snippet.set" if include else "briefing.snippet.clear",
        target_type="signal", target_id=signal_id, purpose="briefing: citaat kiezen",
        details={
            "post_id": post_id,
            "was_marked": before,
            "length": len(link.briefing_snippet or ""),
        },
    )
    return link
