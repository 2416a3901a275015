"""Runs Airflow in its own process for the DAG tests and the DAG benchmark.

Airflow reads AIRFLOW_HOME and its config when first imported, so the tests call this script
as a subprocess with the environment prepared, and read one JSON line from stdout:

    python dag_harness.py inspect            # DagBag: import errors, schedules, dependencies
    python dag_harness.py run DAG_ID [SITE]  # dag.test() of one DAG (collect_and_detect against
                                             # the local demo site), then the outcome
    python dag_harness.py run-each DAG_ID... # dag.test() of each DAG in one process (one
                                             # Airflow start-up), the outcomes by DAG id
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# HARNESS_DAGS_FOLDER: run another copy of the DAGs (e.g. an older one, to compare).
DAGS = Path(os.environ.get("HARNESS_DAGS_FOLDER") or REPO / "dags")


def _share_in_process_api() -> None:
    """Speed only, not a fix: dag.test() builds a new in-process execution API for every task
    instance (seconds of cadwyn route generation each); one instance serves the whole run alike.

    Holding on to the instance also keeps its lifespan open for the run. Nothing else needs
    patching with the locked versions (constraints.txt; see the fastapi/svcs bounds in
    pyproject.toml)."""
    import airflow.sdk.execution_time.supervisor as supervisor

    supervisor.in_process_api_server = functools.cache(supervisor.in_process_api_server)


def _dagbag():  # type: ignore[no-untyped-def]
    try:  # Airflow 3.2 moved it; the old path warns (DeprecatedImportWarning)
        from airflow.dag_processing.dagbag import DagBag
    except ImportError:  # pragma: no cover - older Airflow 3
        from airflow.models.dagbag import DagBag
    return DagBag(dag_folder=str(DAGS), include_examples=False)


def _tz_name(tz: object) -> str | None:
    if tz is None:
        return None
    return getattr(tz, "name", None) or str(tz)


def _timetable(dag) -> dict:  # type: ignore[no-untyped-def]
    timetable = dag.timetable
    return {
        "class": type(timetable).__name__,
        "expression": getattr(timetable, "expression", None),
        "timezone": _tz_name(getattr(timetable, "timezone", None)),
    }


def inspect() -> dict:
    bag = _dagbag()
    dags = {}
    for dag_id, dag in bag.dags.items():
        dags[dag_id] = {
            "fileloc": Path(dag.fileloc).name,
            "timetable": _timetable(dag),
            "catchup": dag.catchup,
            "max_active_runs": dag.max_active_runs,
            "tasks": {
                t.task_id: {
                    "upstream": sorted(t.upstream_task_ids),
                    "downstream": sorted(t.downstream_task_ids),
                    "pool": t.pool,
                    "retries": t.retries,
                    "retry_exponential_backoff": bool(t.retry_exponential_backoff),
                    "trigger_rule": str(getattr(t.trigger_rule, "value", t.trigger_rule)),
                    "mapped": "Mapped" in type(t).__name__,
                    "map_index_template": getattr(t, "map_index_template", None),
                }
                for t in dag.tasks
            },
        }
    from airflow.utils.file import list_py_file_paths

    return {"import_errors": {Path(k).name: v for k, v in bag.import_errors.items()},
            "dags": dags,
            "dag_files": sorted(Path(p).name for p in list_py_file_paths(str(DAGS)))}


def run(dag_id: str, site: Path | None) -> dict:
    import signals.pipeline as pipeline
    from collectors.replay import serve_directory

    _share_in_process_api()
    original = pipeline.collector_settings

    def local_settings(settings, **overrides):  # type: ignore[no-untyped-def]
        # Politeness delays protect real sites; the local fixture server needs none.
        from dataclasses import replace

        return replace(original(settings, **overrides), per_domain_delay_s=0.0,
                       backoff_base_s=0.05)

    pipeline.collector_settings = local_settings
    if os.environ.get("HARNESS_IMPORT_REGISTER"):
        from signals.config import get_settings
        from signals.demo import import_demo_register

        import_demo_register(get_settings())
    dag = _dagbag().get_dag(dag_id)
    for task in dag.tasks:
        # dag.test() sleeps through retry delays; a test wants the first failure, not minutes.
        task.retries = 0
    server = None
    if dag_id == "collect_and_detect":
        if site is None:
            # The demo as `signals demo` serves it: moved to this week, like the register that
            # import_demo_register reads (signals.demo.demo_dir).
            from signals.demo import demo_dir

            site = demo_dir() / "site"
        port = int(os.environ.get("HARNESS_PORT", "8765"))
        deadline = time.monotonic() + 60
        while True:  # another process (a demo) may still hold the demo port for a moment
            try:
                server = serve_directory(site, port=port)
                server.__enter__()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    try:
        started = time.perf_counter()
        dag_run = dag.test()
        seconds = time.perf_counter() - started
    finally:
        if server is not None:
            server.__exit__(None, None, None)
    return {"state": str(dag_run.state), "seconds": round(seconds, 2),
            "tasks": _task_states(dag_run), "xcom": _xcoms(dag_run), "signals": _signals()}


def _xcoms(dag_run) -> dict:  # type: ignore[no-untyped-def]
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = session.query(XComModel).filter(XComModel.run_id == dag_run.run_id).all()
        return {f"{x.task_id}[{x.map_index}]": x.value for x in rows if x.key == "return_value"}


def _task_states(dag_run) -> dict:  # type: ignore[no-untyped-def]
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        tis = session.query(TaskInstance).filter(TaskInstance.run_id == dag_run.run_id).all()
        return {f"{ti.task_id}[{ti.map_index}]": {"state": str(ti.state),
                                                  "label": ti.rendered_map_index}
                for ti in tis}


def _signals() -> dict:
    from sqlalchemy import select

    from signals.config import get_settings
    from signals.db.models import Post, Signal, SignalPost, SourceStateRow
    from signals.db.session import get_engine, session_scope

    with session_scope(get_engine(get_settings().database_url)) as session:
        rows = session.execute(
            select(Post.url, SignalPost.signal_id).outerjoin(
                SignalPost, SignalPost.post_id == Post.id
            )
        ).all()
        notification = {
            s.id: s.notification_status for s in session.scalars(select(Signal)).all()
        }
        source_errors = {
            row.source_id: row.last_error for row in session.scalars(select(SourceStateRow))
        }
    return {"signal_of_url": {url: sid for url, sid in rows}, "notification": notification,
            "source_errors": source_errors}


if __name__ == "__main__":
    if store := os.environ.get("OOV_TEST_EMBEDDING_STORE"):  # the run's vectors (conftest.py)
        from nlp.embedding import use_store

        use_store(Path(store))
    command = sys.argv[1]
    if command == "inspect":
        result = inspect()
    elif command == "run":  # run DAG_ID [SITE_DIR]
        result = run(sys.argv[2], Path(sys.argv[3]) if len(sys.argv) > 3 else None)
    elif command == "run-each":  # run-each DAG_ID...
        result = {dag_id: run(dag_id, None) for dag_id in sys.argv[2:]}
    else:
        raise SystemExit(f"unknown command {command}")
    sys.stdout.flush()
    print("HARNESS-RESULT " + json.dumps(result, default=str))
