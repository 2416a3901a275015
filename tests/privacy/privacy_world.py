"""Record factories for the privacy tests (a module, so tests can import the constants)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from collectors.models import RawPost
from signals.indexing import index_posts, index_signals
from signals.privacy.pseudonym import Pseudonymizer
from signals.search.fts import FtsBackend
from tests.factories import make_post, make_signal

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
        post = make_post(
            self.session,
            text=f"{text} nummer{n}",
            title=f"Titel {n}",
            source_id=source_id,
            key=f"p/{n}",
            content_hash=f"{n:064d}",
            author=ps[0] if ps else None,
            pseudonym_period=ps[1] if ps else None,
            fetched_at=at,
            enriched=False,
        )
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
        signal = make_signal(
            self.session,
            types=["mobilisation_call"],
            status=status,
            severity=0.0,
            title="Oproep Esplanade",
            post_ids=post_ids,
            first_seen_at=last_activity,
            retain_until=retain_until,
            source_count=1,
        )
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


def raw_post(url: str, text: str, author: str, published_at: datetime, **fields: Any) -> RawPost:
    """A post of source src-a as a collector hands it to intake (author not yet pseudonymised)."""
    return RawPost(source_id="src-a", url=url, title="t", text=text, author=author,
                   published_at=published_at, **fields)


def days(n: float) -> timedelta:
    return timedelta(days=n)
