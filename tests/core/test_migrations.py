from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from signals.db.models import Base
from signals.db.session import migrate


def test_upgrade_from_empty_matches_models(db_engine):
    tables = set(inspect(db_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    with db_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_is_idempotent(db_engine):
    migrate(db_engine)
    with db_engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() is not None
