"""The security tests run on the shared web fixture stack (tests/webapp.py), with a second
supervisor for the four-eyes cases; their helpers are in sec_helpers.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from sec_helpers import PASSWORD, USERS
from sqlalchemy.orm import Session

from signals.auth import create_user
from tests.webapp import derived_template


@pytest.fixture(scope="session")
def template_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    def seed(session: Session) -> None:
        create_user(session, "supervisor2", PASSWORD, USERS["supervisor2"])

    return derived_template(template_db, tmp_path_factory, seed)
