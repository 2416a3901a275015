"""Mondays 07:00 Europe/Amsterdam: the driehoek briefing for the past ISO week."""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import CronTriggerTimetable, dag, task


@task(retries=2, retry_delay=timedelta(minutes=5), execution_timeout=timedelta(minutes=30))
def write_briefing() -> dict:
    from signals.briefing import write_weekly_briefing

    return write_weekly_briefing(week=None)  # None: the past ISO week


@dag(
    dag_id="weekly_briefing",
    schedule=CronTriggerTimetable("0 7 * * 1", timezone="Europe/Amsterdam"),
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/Amsterdam"),
    catchup=False,
    max_active_runs=1,
    tags=["oov-signals"],
    doc_md=__doc__,
)
def weekly_briefing() -> None:
    write_briefing()


weekly_briefing()
