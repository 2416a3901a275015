"""register status: a closed set of Dutch values, enforced by a CHECK constraint

Until now an entry's status was free text: the form accepted "onzin", and a withdrawn entry still
counted as a notification. Known spellings of the earlier values (English ones from CSV files,
e.g. "confirmed", "withdrawn") are mapped to the Dutch values; an upgrade refuses, naming the
entries, when any other value is found, because only a person can tell what it meant.

Revision ID: 0004_register_status
Revises: 0003_post_versions
Create Date: 2026-12-05 14:30:00

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_register_status"
down_revision: str | Sequence[str] | None = "0003_post_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies, as of this revision: a migration must not change when the vocabulary does.
STATUSES = ("aangemeld", "bevestigd", "ingetrokken", "geannuleerd")
EARLIER = {
    "": "aangemeld",
    "confirmed": "bevestigd",
    "bevestigd": "bevestigd",
    "approved": "bevestigd",
    "notified": "aangemeld",
    "aangemeld": "aangemeld",
    "withdrawn": "ingetrokken",
    "ingetrokken": "ingetrokken",
    "cancelled": "geannuleerd",
    "canceled": "geannuleerd",
    "geannuleerd": "geannuleerd",
    "vervallen": "geannuleerd",
    "expired": "geannuleerd",
}
CONSTRAINT = "ck_register_entries_status"


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, reference, status FROM register_entries")).all()
    unknown = []
    for entry_id, reference, status in rows:
        key = (status or "").strip().lower()
        if key not in EARLIER:
            unknown.append(f"{reference} ({status!r})")
            continue
        if EARLIER[key] != status:
            conn.execute(
                sa.text("UPDATE register_entries SET status = :s WHERE id = :id"),
                {"s": EARLIER[key], "id": entry_id},
            )
    if unknown:
        raise RuntimeError(
            "register entries with a status that is not one of "
            f"{', '.join(STATUSES)}: {', '.join(unknown)}. Set each to one of these values "
            "(UPDATE register_entries SET status = ... WHERE reference = ...) and upgrade again."
        )
    allowed = ", ".join(f"'{s}'" for s in STATUSES)
    with op.batch_alter_table("register_entries", schema=None) as batch_op:
        batch_op.create_check_constraint(CONSTRAINT, f"status IN ({allowed})")


def downgrade() -> None:
    with op.batch_alter_table("register_entries", schema=None) as batch_op:
        batch_op.drop_constraint(CONSTRAINT, type_="check")
