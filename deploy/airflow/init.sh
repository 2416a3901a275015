#!/bin/bash
# One-shot init of the Airflow side (service `airflow-init`):
# 1. migrate Airflow's metadata database;
# 2. create one pool with ONE slot per source domain, so that the mapped collect tasks never
#    send two requests to the same site at once (dags/oov_pools.py names them);
# 3. hand the Airflow home to the unprivileged runtime user.
# Idempotent: run it again after changing config/sources.yml (new domains get a pool).
set -euo pipefail

airflow db migrate

python /opt/oov-signals/dags/oov_pools.py | sort -u | while IFS=$'\t' read -r pool domain; do
  airflow pools set "$pool" 1 "one request at a time to ${domain}"
done
airflow pools set default_pool "${AIRFLOW_DEFAULT_POOL_SLOTS:-16}" "Default pool"

mkdir -p /opt/airflow/logs
chown -R 10001:0 /opt/airflow /var/lib/signals
echo "airflow init done"
