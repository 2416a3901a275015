"""The environment dag_harness.py runs in, for the DAG tests and the DAG benchmark alike."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def harness_env(home: Path, sources: Path, base_url: str, **extra: str) -> dict[str, str]:
    """Airflow and the system of record under `home` (airflow/, var/ with a SQLite database),
    the repository's DAGs, the source registry `sources` served at `base_url`, plus `extra`.

    The caller's AIRFLOW* and SIGNALS_* variables are dropped: a developer's own settings
    must not reach the run (another metadata database, a real source registry)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "SIGNALS_"))}
    env.update(
        AIRFLOW_HOME=str(home / "airflow"),
        AIRFLOW__CORE__DAGS_FOLDER=str(REPO / "dags"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__LOGGING__LOGGING_LEVEL="WARNING",
        SIGNALS_VAR_DIR=str(home / "var"),
        SIGNALS_DATABASE_URL=f"sqlite:///{home / 'var' / 'signals.db'}",
        SIGNALS_SOURCES=str(sources),
        SIGNALS_SOURCES_BASE_URL=base_url,
        **extra,
    )
    return env
