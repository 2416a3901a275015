"""What the scheduled DAGs (dags/) share: the Amsterdam calendar, no catch-up, one run at a
time. A package module rather than a helper under dags/: Airflow's DagBag does not put the DAG
folder on sys.path, and a DAG file only calls package functions. Only the DAG files import it,
so Airflow is needed where Airflow runs and nowhere else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pendulum
from airflow.sdk import CronTriggerTimetable, dag

from nlp.vocabulary import TIME_ZONE_NAME


def scheduled_dag(dag_id: str, cron: str, *tags: str, doc_md: str | None) -> Callable[..., Any]:
    """The `@dag` decorator for a DAG run by `cron` in Amsterdam time, tagged "oov-signals"
    plus `tags`."""
    return dag(
        dag_id=dag_id,
        schedule=CronTriggerTimetable(cron, timezone=TIME_ZONE_NAME),
        start_date=pendulum.datetime(2026, 1, 1, tz=TIME_ZONE_NAME),
        catchup=False,
        max_active_runs=1,
        tags=["oov-signals", *tags],
        doc_md=doc_md,
    )
