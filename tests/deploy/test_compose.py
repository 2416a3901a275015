"""docker-compose.yml is valid per the Compose Specification, names every service that
the README's Production section names, and wires health checks, start order and volumes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
# The Compose Specification's schema, vendored with its attribution (tests/fixtures/schemas).
SCHEMA = REPO / "tests" / "fixtures" / "schemas" / "compose-spec.json"
COMPOSE = REPO / "docker-compose.yml"
ONE_SHOT = {"kibana-setup", "kibana-import", "migrate", "es-setup", "airflow-init"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def _docs_services() -> set[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    production = text.split("\n## Production", 1)[1]
    section = production.split("### Services", 1)[1].split("###", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9\-]+)` \|", section, flags=re.MULTILINE))


def test_compose_file_validates_against_the_compose_specification(compose: dict) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(compose), key=str)
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []
    # `docker compose config` validates without an engine, where the compose plugin exists.
    docker = shutil.which("docker")
    has_compose = bool(docker) and subprocess.run(
        [docker, "compose", "version"], capture_output=True
    ).returncode == 0
    if has_compose:
        env_file = REPO / ".env.example"
        checked = subprocess.run(
            [docker, "compose", "--env-file", str(env_file), "-f", str(COMPOSE), "config", "-q"],
            capture_output=True, text=True, cwd=REPO,
        )
        assert checked.returncode == 0, checked.stderr


def test_every_service_the_docs_name_exists(compose: dict) -> None:
    named = _docs_services()
    assert {"postgres", "elasticsearch", "kibana", "web", "airflow-apiserver",
            "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer"} <= named
    assert named == set(compose["services"])


def test_health_checks_and_start_order(compose: dict) -> None:
    services = compose["services"]
    for name, service in services.items():
        if name not in ONE_SHOT:
            assert "healthcheck" in service, name
            assert service.get("restart") == "unless-stopped", name
        for dependency, condition in (service.get("depends_on") or {}).items():
            assert dependency in services, (name, dependency)
            expected = ("service_completed_successfully" if dependency in ONE_SHOT
                        else "service_healthy")
            assert condition["condition"] == expected, (name, dependency)
    assert services["web"]["depends_on"]["migrate"]
    assert "airflow-init" in services["airflow-scheduler"]["depends_on"]
    assert services["kibana-import"]["depends_on"]["kibana"]["condition"] == "service_healthy"


def test_elasticsearch_is_single_node_with_security_and_password_from_env(compose: dict) -> None:
    env = compose["services"]["elasticsearch"]["environment"]
    assert env["discovery.type"] == "single-node"
    assert env["xpack.security.enabled"] == "true"
    assert env["ELASTIC_PASSWORD"].startswith("${ELASTIC_PASSWORD")


def test_named_volumes_are_declared(compose: dict) -> None:
    declared = set(compose["volumes"])
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if not source.startswith((".", "/")):
                assert source in declared, (name, source)
            else:
                assert (REPO / source).exists(), (name, source)
    assert {"pgdata", "esdata"} <= declared


def test_web_and_airflow_run_the_project_image(compose: dict) -> None:
    services = compose["services"]
    web = services["web"]
    assert web["build"]["dockerfile"] == "Dockerfile"
    assert web["command"][:3] == ["uvicorn", "signals.web.app:create_app", "--factory"]
    commands = {n: services[n]["command"] for n in services if n.startswith("airflow-")}
    assert commands["airflow-apiserver"] == ["airflow", "api-server"]
    assert commands["airflow-scheduler"] == ["airflow", "scheduler"]
    assert commands["airflow-dag-processor"] == ["airflow", "dag-processor"]
    assert commands["airflow-triggerer"] == ["airflow", "triggerer"]
    assert all(services[n]["image"] == web["image"] for n in commands)
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in dockerfile
    assert 'pip install -c constraints.txt ".[airflow]"' in dockerfile
    # The image cannot write .pyc at run time: without them every Airflow task compiled its
    # dependencies from source again.
    assert "UV_COMPILE_BYTECODE=1" in dockerfile
    assert "compileall -q collectors nlp signals dags" in dockerfile
    # Both encoders' graphs, as `make install` builds them: the screen reads the student's.
    assert "E5Engine(); E5Engine(student=True)" in dockerfile


def test_env_example_holds_every_setting_the_stack_reads(compose: dict) -> None:
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    defined = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    # `$${X}` is the container's own variable, not one from .env.
    used = set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]+)", COMPOSE.read_text(encoding="utf-8")))
    assert used - defined == set()
    settings_src = (REPO / "signals" / "config.py").read_text(encoding="utf-8")
    read = {f"SIGNALS_{n}" for n in re.findall(r'_env\(\s*"([A-Z_]+)"', settings_src)}
    assert read and read - defined == set()
    for required in ("SIGNALS_DATABASE_URL", "SIGNALS_ES_URL", "SIGNALS_PSEUDONYM_KEY_DIR",
                     "SIGNALS_SECRET_KEY", "SIGNALS_AUTOTAG", "SIGNALS_USER_AGENT",
                     "SIGNALS_CONTACT", "SIGNALS_SMTP_HOST", "SIGNALS_WEBHOOK_URL",
                     "ELASTIC_PASSWORD", "AIRFLOW_FERNET_KEY"):
        assert required in defined, required


def test_kibana_dashboard_objects_reference_each_other() -> None:
    lines = (REPO / "deploy" / "kibana" / "dashboard.ndjson").read_text().splitlines()
    objects = [json.loads(line) for line in lines]
    ids = {(o["type"], o["id"]) for o in objects}
    for obj in objects:
        for ref in obj.get("references", []):
            assert (ref["type"], ref["id"]) in ids, ref
    (dashboard,) = [o for o in objects if o["type"] == "dashboard"]
    assert len(json.loads(dashboard["attributes"]["panelsJSON"])) == 3
    fields = {json.loads(o["attributes"]["visState"])["aggs"][1]["params"]["field"]
              for o in objects if o["type"] == "visualization"}
    assert fields == {"first_seen", "types", "district"}
    mapping = json.loads((REPO / "es_mappings" / "signals.template.json").read_text())
    props = mapping["template"]["mappings"]["properties"]
    assert all(props[f]["type"] in {"date", "keyword"} for f in fields)
    (data_view,) = [o for o in objects if o["type"] == "index-pattern"]
    assert data_view["attributes"]["title"] == "signals-signals"  # the alias, survives reindex
