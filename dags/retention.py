"""Daily: purge what the retention policy says must go, from the database and the index; and
re-score the open signals so that their urgency follows the calendar."""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import CronTriggerTimetable, dag, task


@task(retries=2, retry_delay=timedelta(minutes=10), execution_timeout=timedelta(hours=2))
def purge() -> dict:
    from signals.retention import purge_due

    return purge_due(dry_run=False)


@task(retries=2, retry_delay=timedelta(minutes=10), execution_timeout=timedelta(hours=1))
def refresh() -> dict:
    from signals.pipeline import refresh_open_signals

    return refresh_open_signals()


@dag(
    dag_id="retention",
    schedule=CronTriggerTimetable("15 3 * * *", timezone="Europe/Amsterdam"),
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/Amsterdam"),
    catchup=False,
    max_active_runs=1,
    tags=["oov-signals", "privacy"],
    doc_md=__doc__,
)
def retention() -> None:
    purge() >> refresh()


retention()
