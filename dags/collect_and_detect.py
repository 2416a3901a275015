"""Every 5 minutes: collect each enabled source (one mapped task per source, in a one-slot pool
per domain), then enrich, detect, index and alert for the new posts only.

The DAG only schedules: every task calls one public function of the packages."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.sdk import TriggerRule, dag, task

# The DAG processor puts the DAG folder on sys.path; DagBag/dag.test() in tests may not.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.append(str(Path(__file__).resolve().parent))
from oov_pools import sources_by_pool  # noqa: E402

RETRIES = {
    "retries": 3,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=5),
}


@task(execution_timeout=timedelta(minutes=10), **RETRIES)
def collect(source_id: str) -> dict:
    # Source problems come back as {"error": ...}; only a crash raises (and is retried).
    from signals.pipeline import collect_source_task

    return collect_source_task(source_id)


@task(trigger_rule=TriggerRule.ALL_DONE, execution_timeout=timedelta(minutes=20), **RETRIES)
def process(outcomes: list) -> dict:
    # ALL_DONE: a source that crashed after its retries must not hold back the others' posts.
    from signals.pipeline import process_collected

    return process_collected(outcomes)


@dag(
    dag_id="collect_and_detect",
    schedule="*/5 * * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(minutes=30),
    tags=["oov-signals"],
    doc_md=__doc__,
)
def collect_and_detect() -> None:
    collected = [
        collect.override(task_id=f"collect_{pool}", pool=pool, pool_slots=1).expand(
            source_id=source_ids
        )
        for pool, source_ids in sources_by_pool().items()
    ]
    process(collected)


collect_and_detect()
