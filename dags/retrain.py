"""Weekly (Sunday 02:00 Europe/Amsterdam): train a challenger from the corpus plus analysts'
label corrections, evaluate it on the frozen test split and promote it only if it is not
worse on any label; the decision and both scores are audited by the function."""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import task

from signals.dag_schedule import scheduled_dag


@task(retries=1, retry_delay=timedelta(minutes=30), execution_timeout=timedelta(hours=3))
def retrain_and_promote() -> dict:
    from signals.retrain import retrain_and_promote as run

    return run()


@scheduled_dag("retrain", "0 2 * * 0", "model", doc_md=__doc__)
def retrain() -> None:
    retrain_and_promote()


retrain()
