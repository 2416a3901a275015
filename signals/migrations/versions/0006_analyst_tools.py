"""analyst tools: notes on a signal, assignment to a colleague, indexes for the queue's sorts

Revision ID: 0006
Revises: 0005_source_leases
Create Date: 2026-12-05 16:00:00

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005_source_leases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signal_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signal_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["signal_id"], ["signals.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_signal_notes_signal_id", "signal_notes", ["signal_id"], unique=False)
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assigned_to", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("assigned_at", sa.DateTime(), nullable=True))
        # "Aan mij toegewezen": one colleague's signals of a status, in the queue's order.
        batch_op.create_index(
            "ix_signals_assigned",
            ["assigned_to", "status", "severity", "event_time", "id"],
            unique=False,
        )
        # The queue's sorts walk one status at a time in the sorted column's order; the trailing
        # columns make the date and district filters answerable from the index alone.
        batch_op.create_index(
            "ix_signals_status_event", ["status", "event_time", "first_seen_at"], unique=False
        )
        batch_op.create_index(
            "ix_signals_status_first_seen", ["status", "first_seen_at"], unique=False
        )
        batch_op.create_index(
            "ix_signals_status_district",
            ["status", "district", "severity", "event_time", "id", "first_seen_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.drop_index("ix_signals_status_district")
        batch_op.drop_index("ix_signals_status_first_seen")
        batch_op.drop_index("ix_signals_status_event")
        batch_op.drop_index("ix_signals_assigned")
        batch_op.drop_column("assigned_at")
        batch_op.drop_column("assigned_to")
    op.drop_index("ix_signal_notes_signal_id", table_name="signal_notes")
    op.drop_table("signal_notes")
