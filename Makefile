# oov-signals: `make run` (demo on the embedded default) and `make test` (the whole suite).
# The venv's interpreter: Debian's python3.11 where it can make a venv, else the python3 on PATH.
# Debian builds it with profile-guided and link-time optimisation; the python3 first on PATH on
# these machines is pyenv's, built without either. On a 2-core AMD EPYC with AVX2 only
# (2026-12-08) pure Python ran 22% faster on Debian's, and `make test` took 7 min 35 s against
# 8 min 51 s. An existing .venv keeps the interpreter it was made with (`make clean` to change).
PYTHON ?= $(or $(shell /usr/bin/python3.11 -c 'import ensurepip, venv' 2>/dev/null && echo /usr/bin/python3.11),python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
UV_VERSION := 0.13.9

# Some machines set PYTHONDONTWRITEBYTECODE=1: then every Python process (each test worker,
# pipeline subprocess, Airflow task) compiled scipy, sklearn, spaCy and Airflow from source
# again, which took half of a pipeline run's 18 s. The recipes cache bytecode, and uv compiles
# every installed module once at install (--compile-bytecode, on both cores): otherwise the first
# test run compiled them as they were imported, in each worker at once, about 36 s of it.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install lock run demo-reset test test-fast model lint postgres system-packages security-report benchmarks clean

install: $(STAMP)

# Pinned install: constraints.txt is the lock (regenerate with `make lock`).
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q "uv==$(UV_VERSION)"
	$(BIN)/uv pip install -q --compile-bytecode -p $(BIN)/python -c constraints.txt -e '.[test,airflow]'
	$(BIN)/python -c "from nlp.e5_engine import E5Engine; E5Engine(); E5Engine(student=True)"  # builds the cached encoder graphs
	$(BIN)/python -c "from nlp.deobfuscate_dictionary import default_dictionary as d; d()"  # and the Dutch word list
	touch $(STAMP)

lock:
	$(BIN)/uv pip compile -q pyproject.toml --extra test --extra airflow -p 3.11 -o constraints.txt

run: install
	$(BIN)/signals demo

# Start the demo afresh: deletes the demo's state in var/ (database, index, keys, logins,
# briefings), keeps .venv, trained models and test artefacts (`make clean` deletes everything).
demo-reset: install
	$(BIN)/signals demo-reset

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; \
	  echo "PostgreSQL did not come up on 127.0.0.1:5432" >&2; exit 1

# Debian packages the tests drive: Chromium (Playwright cannot download browsers here) and
# poppler-utils (pdftotext reads the briefing PDF).
system-packages:
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null)

# One worker per core (pytest-xdist); a file's tests stay on one worker so that its module
# fixtures are built once.
PYTEST_WORKERS ?= auto

test: install postgres system-packages
	SIGNALS_REQUIRE_POSTGRES=1 $(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder

# The inner loop: the same setup, without the tests marked slow (training, whole-pipeline runs,
# fuzzing of huge inputs), postgres (the PostgreSQL side of the store tests) or browser.
# CI runs `make test`, the whole suite.
test-fast: install postgres system-packages
	SIGNALS_REQUIRE_POSTGRES=1 $(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder -m "not slow and not postgres and not browser"

# Retrain on the whole corpus into var/model-candidate/, compare with the committed model on the
# test split; `make model PROMOTE=1` makes it the packaged model and records the split.
# The embedding engine uses one OpenMP thread unless told otherwise (nlp/embedding.py); the
# retrain has the machine to itself, so it gets every core.
model: install
	$(BIN)/signals train --compare --threads $$(nproc) $(if $(PROMOTE),--promote,)

lint: install
	$(BIN)/ruff check .

# docs/security-tests.md: fuzz counts, attacks tried and their outcome (runs the suites).
security-report: install
	$(BIN)/python scripts/security_report.py

benchmarks: install
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) var .pytest_cache
