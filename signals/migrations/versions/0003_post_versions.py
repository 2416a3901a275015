"""post versions and reported skips: an edited item is stored as a new version of the first

Revision ID: 0003_post_versions
Revises: 0002_auth
Create Date: 2026-12-05 13:45:00

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_post_versions"
down_revision: str | Sequence[str] | None = "0002_auth"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("version_of_id", sa.Integer(), nullable=True))
        batch_op.drop_constraint("uq_posts_canonical_url", type_="unique")
        batch_op.create_unique_constraint(
            "uq_posts_canonical_url_version", ["canonical_url", "version"]
        )
        batch_op.create_foreign_key(
            "fk_posts_version_of_id", "posts", ["version_of_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index(batch_op.f("ix_posts_version_of_id"), ["version_of_id"], unique=False)
    with op.batch_alter_table("source_states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reported_skips", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("source_states", schema=None) as batch_op:
        batch_op.drop_column("reported_skips")
    # Later versions of an item cannot keep their URL under the one-row-per-URL constraint.
    op.execute("DELETE FROM posts WHERE version > 1")
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_posts_version_of_id"))
        batch_op.drop_constraint("fk_posts_version_of_id", type_="foreignkey")
        batch_op.drop_constraint("uq_posts_canonical_url_version", type_="unique")
        batch_op.create_unique_constraint("uq_posts_canonical_url", ["canonical_url"])
        batch_op.drop_column("version_of_id")
        batch_op.drop_column("version")
