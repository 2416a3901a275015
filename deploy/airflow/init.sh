#!/bin/bash
# One-shot init of the Airflow side (service `airflow-init`):
# 1. migrate Airflow's metadata database (idempotent);
# 2. size the built-in default_pool (AIRFLOW_DEFAULT_POOL_SLOTS);
# 3. hand the Airflow home and the signals state directory to the unprivileged runtime user.
# Nothing else: the DAGs need no pools, connections or variables made by hand (politeness per
# domain lives in the collectors; see docs/production.md).
set -euo pipefail

: "${AIRFLOW_HOME:?AIRFLOW_HOME must be set}"
: "${SIGNALS_VAR_DIR:?SIGNALS_VAR_DIR must be set}"
RUNTIME_UID="${RUNTIME_UID:-10001}"

airflow db migrate
# Size Airflow's built-in default_pool (it always exists; no DAG needs any other pool).
airflow pools set default_pool "${AIRFLOW_DEFAULT_POOL_SLOTS:-16}" "Default pool"

mkdir -p "${AIRFLOW_HOME}/logs" "${SIGNALS_VAR_DIR}"
chown -R "${RUNTIME_UID}:0" "${AIRFLOW_HOME}" "${SIGNALS_VAR_DIR}"
echo "airflow init done"
