"""Daily: purge what the retention policy says must go, from the database and the index; and
re-score the open signals so that their urgency follows the calendar."""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import task

from signals.dag_schedule import scheduled_dag


@task(retries=2, retry_delay=timedelta(minutes=10), execution_timeout=timedelta(hours=2))
def purge() -> dict:
    from signals.retention import purge_due

    return purge_due(dry_run=False)


@task(retries=2, retry_delay=timedelta(minutes=10), execution_timeout=timedelta(hours=1))
def refresh() -> dict:
    from signals.pipeline import refresh_open_signals

    return refresh_open_signals()


@scheduled_dag("retention", "15 3 * * *", "privacy", doc_md=__doc__)
def retention() -> None:
    purge() >> refresh()


retention()
