"""Work-arounds that let Airflow 3.2.2 run `dag.test()` with the pinned web stack
(pydantic 2.14, fastapi 0.165, cadwyn 9, starlette 1.10). Used by tests and benchmarks only.

1. apache-airflow-core 3.2.2 declares the task-state payload union with
   `Field(discriminator=<function>)`; pydantic only accepts a callable wrapped in
   `Discriminator(...)`, so building the execution API fails ("needs a discriminator field").
2. The execution API's service container reads `request.app.state.svcs_registry`; under cadwyn's
   versioned routing `request.app` is not the app whose lifespan filled that state.
3. `dag.test()` builds a new in-process execution API (seconds of route generation) per task;
   one shared instance is enough for a test run.

Call `apply()` before the first `dag.test()`. Each patch checks the condition it fixes first.
"""

from __future__ import annotations

import threading
import time
import typing

_lock = threading.Lock()
_applied = False


def _fix_discriminator() -> None:
    import airflow.api_fastapi.execution_api.datamodels.taskinstance as ti
    from pydantic import Discriminator
    from pydantic.fields import FieldInfo

    union, *meta = typing.get_args(ti.TIStateUpdate)
    fixed = []
    for item in meta:
        if isinstance(item, FieldInfo) and callable(item.discriminator):
            fixed.append(Discriminator(item.discriminator))
        else:
            fixed.append(item)
    ti.TIStateUpdate = typing.Annotated[(union, *fixed)]  # type: ignore[assignment]


def _shared_in_process_api() -> None:
    import airflow.sdk.execution_time.supervisor as supervisor
    import svcs

    original = supervisor.in_process_api_server
    cache: dict[str, object] = {}

    def in_process_api_server():  # type: ignore[no-untyped-def]
        with _lock:
            if "api" in cache:
                return cache["api"]
            from airflow.api_fastapi.execution_api.deps import _container

            api = original()
            _ = api.transport  # starts the app's lifespan on a2wsgi's loop
            deadline = time.monotonic() + 30
            while not hasattr(api.app.state, "svcs_registry"):
                if time.monotonic() > deadline:
                    raise RuntimeError("execution API lifespan did not start")
                time.sleep(0.005)
            registry = api.app.state.svcs_registry

            async def container():  # type: ignore[no-untyped-def]
                async with svcs.Container(registry) as services:
                    yield services

            api.app.dependency_overrides[_container] = container
            cache["api"] = api
            return api

    supervisor.in_process_api_server = in_process_api_server


def apply() -> None:
    global _applied
    with _lock:
        if _applied:
            return
        _applied = True
    _fix_discriminator()
    _shared_in_process_api()
