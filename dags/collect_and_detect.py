"""Every 5 minutes: collect each enabled source that is due by its `poll_interval_minutes`
(one mapped task per host, whose sources are polled one after another so that no site gets
two requests at once), then enrich, detect, index and alert for the new posts.

- No Airflow pool or other hand-made state is needed: politeness per domain lives in the
  collectors, and a source on a new domain simply gets its own mapped task.
- A source that fails (unreachable, 404, unparsable) fails its host's task, after the other
  sources of that host are stored; `process` still runs for everyone (trigger rule ALL_DONE)
  and the error also shows on the web app's source health page.
- A source that `signals watch` is polling at the same moment (it holds the source's lease)
  is left to the watcher; processing takes the `_process` lease, so nothing is processed twice.

The DAG only schedules: every task calls public functions of the packages."""

from __future__ import annotations

import warnings
from datetime import timedelta

import pendulum
from airflow.sdk import TriggerRule, dag, get_current_context, task

RETRIES = {
    "retries": 3,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=5),
}


def quiet_model_loading() -> None:
    """skops looks every restored function up in every loaded module (whichmodule), and each
    of Airflow's deprecated module attributes answers with a DeprecatedImportWarning: some
    1,160 log lines per task that loads the classifier. Only those are silenced."""
    from airflow.utils.deprecation_tools import DeprecatedImportWarning

    warnings.filterwarnings("ignore", category=DeprecatedImportWarning, module=r"skops(\.|$)")


def _holder() -> str:
    ti = get_current_context()["ti"]
    return f"airflow:{ti.dag_id}:{ti.run_id}:{ti.task_id}:{ti.map_index}"[:128]


@task(retries=2, retry_delay=timedelta(seconds=30), execution_timeout=timedelta(minutes=2))
def plan() -> list[dict]:
    # Read at run time, not parse time: a new source is collected on the next run, and a
    # broken sources file fails this task visibly instead of breaking the DAG's import.
    from signals.collect_and_detect import source_groups

    return source_groups()


@task(
    execution_timeout=timedelta(minutes=20),
    map_index_template="{{ task.op_kwargs['group']['host'] }}",
    **RETRIES,
)
def collect(group: dict) -> dict:
    # A source's own problem fails the task without retries (the next run polls it again);
    # only a crash of our code raises otherwise and is retried.
    from airflow.sdk.exceptions import AirflowFailException

    from signals.collect_and_detect import collect_sources

    outcome = collect_sources(group["source_ids"], holder=_holder())
    outcome.host = group["host"]
    if outcome.failed:
        failed = "; ".join(f"{sid}: {error}" for sid, error in sorted(outcome.failed.items()))
        stored = len(outcome.outcomes) - len(outcome.failed)
        raise AirflowFailException(
            f"{len(outcome.failed)} source(s) failed ({stored} other(s) of this host stored, "
            f"their posts are processed as backlog): {failed}"
        )
    return outcome.as_dict()


@task(trigger_rule=TriggerRule.ALL_DONE, execution_timeout=timedelta(minutes=20), **RETRIES)
def process(collected: object) -> dict:
    # ALL_DONE: a failed source never holds back the others' posts. Posts of a failed task's
    # other sources are stored untagged and picked up here as backlog.
    quiet_model_loading()
    from signals.collect_and_detect import flatten_outcomes, process_new_posts

    return process_new_posts(flatten_outcomes(collected), holder=_holder())


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
    process(collect.expand(group=plan()))


collect_and_detect()
