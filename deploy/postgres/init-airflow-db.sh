#!/bin/bash
# Runs once, when the PostgreSQL volume is first initialised: a separate database and role
# for Airflow's metadata, so that the system of record and the scheduler never share tables.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v airflow_user="$AIRFLOW_DB_USER" -v airflow_password="$AIRFLOW_DB_PASSWORD" \
  -v airflow_db="$AIRFLOW_DB_NAME" <<'SQL'
CREATE ROLE :"airflow_user" LOGIN PASSWORD :'airflow_password';
CREATE DATABASE :"airflow_db" OWNER :"airflow_user";
SQL
