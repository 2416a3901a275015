"""Record factories for the privacy tests (a module, so tests can import the constants)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from signals.db.models import Post, Signal, SignalPost
from signals.indexing import index_posts, index_signals
from signals.privacy.pseudonym import Pseudonymizer
from signals.search.fts import FtsBackend

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
_n = itertools.count(1)


@dataclass
class World:
    session: Session
    backend: FtsBackend
    pseudo: Pseudonymizer

    def post(
        self,
        *,
        at: datetime = T0,
        handle: str | None = "@jan_almere",
        source_id: str = "src-a",
        text: str = "Bericht over de Esplanade",
    ) -> int:
        n = next(_n)
        ps = self.pseudo.pseudonym(handle, source_id, at) if handle else None
        post = Post(
            source_id=source_id,
            url=f"https://example.org/p/{n}",
            canonical_url=f"https://example.org/p/{n}",
            content_hash=f"{n:064d}",
            title=f"Titel {n}",
            text=f"{text} nummer{n}",
            author_pseudonym=ps[0] if ps else None,
            pseudonym_period=ps[1] if ps else None,
            published_at=at,
            fetched_at=at,
        )
        self.session.add(post)
        self.session.flush()
        index_posts(self.session, self.backend, [post.id])
        return post.id

    def signal(
        self,
        post_ids: list[int],
        *,
        status: str = "new",
        last_activity: datetime = T0,
        retain_until: datetime | None = None,
    ) -> int:
        signal = Signal(
            types=["mobilisation_call"],
            status=status,
            title="Oproep Esplanade",
            first_seen_at=last_activity,
            last_activity_at=last_activity,
            retain_until=retain_until,
            post_count=len(post_ids),
            source_count=1,
        )
        self.session.add(signal)
        self.session.flush()
        for pid in post_ids:
            self.session.add(SignalPost(signal_id=signal.id, post_id=pid))
        self.session.flush()
        index_signals(self.session, self.backend, [signal.id])
        return signal.id

    def in_index(self, kind: str, doc_id: int) -> bool:
        with self.backend.engine.connect() as conn:
            return (
                conn.exec_driver_sql(
                    f"SELECT count(*) FROM {kind}_fts WHERE rowid = ?", (doc_id,)
                ).scalar_one()
                == 1
            )


def days(n: float) -> timedelta:
    return timedelta(days=n)
