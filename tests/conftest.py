"""Shared fixtures: isolated settings per test; the system of record on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

# The one web-application fixture stack (database with users, env, app, client, browser).
pytest_plugins = ["tests.webapp"]

PG_ADMIN_URL = os.environ.get(
    "SIGNALS_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# A small slice of the annotated corpus (see make_sample.py there): what the training tests train
# on, so that they take seconds instead of the minutes a full-corpus training takes.
NLP_FIXTURE_CORPUS = Path(__file__).resolve().parent / "fixtures" / "nlp_corpus"
# One C instead of the recipe's grid: the tests exercise training, not model selection.
FIXTURE_C_GRID = (4.0,)
# Where a test's subprocess finds the run's store of vectors (shared_embedding_store); only test
# code reads it: the packages read no environment outside signals.config.
EMBEDDING_STORE = "OOV_TEST_EMBEDDING_STORE"


def pytest_configure(config: pytest.Config) -> None:
    """Fewer cyclic garbage collections in each test process. With Python's default (a young
    collection every 700 allocations) a worker walked spaCy's, scikit-learn's, SQLAlchemy's and
    Airflow's objects over and over: a tenth of the suite's CPU (2026-12-07: 381 and 399 s of
    user CPU in two runs without this, 341 and 340 s with it; gc.freeze() added nothing).
    Memory is not short here. Subprocesses (pipelines, Airflow, servers) keep the default."""
    import gc

    gc.set_threshold(50_000, 50, 100)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that asks for the PostgreSQL server is a `postgres` test (`make test-fast` leaves
    those out); `db_engine`'s PostgreSQL parameter carries the mark itself."""
    for item in items:
        if "postgres_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
    # Files with slow tests first: `make test` hands whole files to two workers (xdist
    # --dist loadfile) in this order, so the long ones start at once instead of last, which
    # would leave one worker idle at the end. xdist puts the files with most tests first unless
    # told not to (--no-loadscope-reorder, in the Makefile): without it the Airflow and SIGKILL
    # files, with two or three tests each, ran last.
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)


@pytest.fixture(autouse=True, scope="session")
def shared_embedding_store(tmp_path_factory: pytest.TempPathFactory, worker_id: str
                           ) -> Iterator[None]:
    """Both workers, and the Airflow and pipeline subprocesses that read EMBEDDING_STORE,
    keep the vectors they compute in one store and read the others' (nlp.embedding.use_store):
    the fixture corpus and the probe sentences are embedded once a run instead of once a
    process. Each vector is still computed by the engine in this run; nothing is carried over
    from one run to the next."""
    from nlp.embedding import use_store

    base = tmp_path_factory.getbasetemp()
    root = (base if worker_id == "master" else base.parent) / "embeddings"
    os.environ[EMBEDDING_STORE] = str(root)
    use_store(root)
    yield
    use_store(None)
    os.environ.pop(EMBEDDING_STORE, None)


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing() -> Iterator[None]:
    """argon2 at its production cost takes about 0.1 s a hash, on purpose, and the suite logs in
    and creates accounts hundreds of times. In-process tests hash with minimal parameters, as
    Django's test runner swaps in a fast hasher; a hash carries its own parameters, so it
    verifies the same. The production parameters are checked on their own
    (tests/web/test_cli_users.py), and every subprocess (demo, pipeline, uvicorn) keeps them."""
    from argon2 import PasswordHasher

    import signals.auth

    production = signals.auth._hasher
    signals.auth._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    signals.auth._hasher = production


@pytest.fixture
def signals_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every setting at a fresh var/ directory and SQLite database."""
    # Imported here: tests.webapp is a plugin (`pytest_plugins`), which pytest must import
    # first to rewrite its asserts.
    from tests.webapp import isolate_settings

    var = tmp_path / "var"
    var.mkdir()
    isolate_settings(monkeypatch, var, var / "signals.db")
    return var


@pytest.fixture(scope="session")
def nlp_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A writable copy of the fixture corpus (training records splits.json in its corpus)."""
    target = tmp_path_factory.mktemp("nlp_corpus")
    for path in NLP_FIXTURE_CORPUS.glob("*.jsonl"):
        shutil.copy2(path, target / path.name)
    return target


@pytest.fixture(scope="session")
def nlp_c_grid() -> tuple[float, ...]:
    return FIXTURE_C_GRID


@pytest.fixture(scope="session")
def nlp_model(
    nlp_corpus: Path, nlp_c_grid: tuple[float, ...], tmp_path_factory: pytest.TempPathFactory,
    worker_id: str,
) -> Path:
    """A model trained once per test run on the fixture corpus, through the public training
    entry point, and shared by the xdist workers (training it takes 15 s of a worker). Tests
    must not change it: copy it to promote over it.

    Its probe figures are recorded with it, as promotion records them for a shipped model: every
    retrain test then reads its champion's probes instead of scoring them again (6 s each)."""
    from filelock import FileLock

    from nlp.shipping_rule import record_probes
    from nlp.training import train

    def build(corpus: Path, target: Path) -> None:
        train(corpus, target, c_grid=nlp_c_grid)
        record_probes(target)

    if worker_id == "master":
        model_dir = tmp_path_factory.mktemp("nlp_model")
        build(nlp_corpus, model_dir)
        return model_dir
    shared = tmp_path_factory.getbasetemp().parent
    model_dir, corpus = shared / "nlp_model", shared / "nlp_model_corpus"
    with FileLock(shared / "nlp_model.lock"):
        if not model_dir.exists():
            building = shared / "nlp_model.building"
            for left in (building, corpus):  # by a worker that failed
                shutil.rmtree(left, ignore_errors=True)
            shutil.copytree(nlp_corpus, corpus)
            build(corpus, building)
            building.rename(model_dir)
    # This worker's corpus as training leaves it (the split it recorded).
    shutil.copy2(corpus / "splits.json", nlp_corpus / "splits.json")
    return model_dir


def _postgres_available() -> bool:
    try:
        with create_engine(PG_ADMIN_URL).connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throw-away PostgreSQL database on the local server. In CI a missing server fails."""
    if not _postgres_available():
        if os.environ.get("SIGNALS_REQUIRE_POSTGRES") == "1" or os.environ.get("CI"):
            pytest.fail("PostgreSQL is required on 127.0.0.1:5432 but is not reachable")
        pytest.skip("PostgreSQL not reachable (set SIGNALS_REQUIRE_POSTGRES=1 to fail instead)")
    name = f"signals_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty system of record on each supported database."""
    from signals.db.models import Base
    from signals.db.session import make_engine, migrate

    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
        migrate(engine)
        yield engine
        engine.dispose()
        return
    url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    migrate(engine)
    yield engine
    # Leave an empty schema for the next test on the same database.
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()
