"""Mondays 07:00 Europe/Amsterdam: the driehoek briefing for the past ISO week."""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import task

from signals.dag_schedule import scheduled_dag


@task(retries=2, retry_delay=timedelta(minutes=5), execution_timeout=timedelta(minutes=30))
def write_briefing() -> dict:
    from signals.briefing import write_weekly_briefing

    return write_weekly_briefing(week=None)  # None: the past ISO week


@scheduled_dag("weekly_briefing", "0 7 * * 1", doc_md=__doc__)
def weekly_briefing() -> None:
    write_briefing()


weekly_briefing()
