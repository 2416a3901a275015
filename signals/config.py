"""Runtime settings, read from the environment (prefix SIGNALS_) with embedded defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# The annotated corpus shipped with the package (nlp.corpus.DEFAULT_CORPUS_DIR).
PACKAGED_CORPUS_DIR = REPO_ROOT / "nlp" / "corpus"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"SIGNALS_{name}")
    return value if value not in (None, "") else default


def _list(name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in (_env(name, "") or "").split(",") if part.strip())


def _optional_path(name: str) -> Path | None:
    value = _env(name)
    return Path(value) if value else None


# How far outside a register entry's start/end a call's time may fall and still match it.
DEFAULT_REGISTER_MARGIN = timedelta(hours=2)


def _minutes(name: str, default: timedelta) -> timedelta:
    """A duration in minutes; unset or unreadable: the default (a typo must not stop matching)."""
    raw = _env(name)
    try:
        return timedelta(minutes=float(raw)) if raw else default
    except ValueError:
        return default


@dataclass(frozen=True, slots=True)
class EsAccess:
    """How to reach Elasticsearch besides its URL: index-name prefix and credentials
    (`SIGNALS_ES_USER`, default `elastic`, with `SIGNALS_ES_PASSWORD` or the image's
    `ELASTIC_PASSWORD`; or `SIGNALS_ES_API_KEY`; `SIGNALS_ES_CA_CERTS` for a private CA)."""

    prefix: str = "signals"
    user: str = "elastic"
    password: str | None = None
    api_key: str | None = None
    ca_certs: str | None = None

    @classmethod
    def from_mapping(cls, env: Mapping[str, str]) -> EsAccess:
        """From an environment: the process's, or another one handed in (tests, a second
        cluster)."""
        return cls(
            prefix=env.get("SIGNALS_ES_PREFIX") or "signals",
            user=env.get("SIGNALS_ES_USER") or "elastic",
            password=env.get("SIGNALS_ES_PASSWORD") or env.get("ELASTIC_PASSWORD") or None,
            api_key=env.get("SIGNALS_ES_API_KEY") or None,
            ca_certs=env.get("SIGNALS_ES_CA_CERTS") or None,
        )


@dataclass(frozen=True, slots=True)
class Settings:
    var_dir: Path
    database_url: str
    sources_path: Path
    sources_base_url: str | None
    pseudonym_key: str | None
    pseudonym_key_dir: Path
    secret_key_path: Path
    es_url: str | None
    autotag: bool
    user_agent: str
    contact: str
    base_url: str
    alert_min_severity: float
    smtp_host: str | None
    smtp_port: int
    smtp_from: str
    smtp_to: tuple[str, ...]
    webhook_url: str | None
    protocol_dir: Path
    briefing_dir: Path
    model_dir: Path
    # The annotated corpus weekly retraining trains on and evaluates with (its frozen test split).
    corpus_dir: Path = PACKAGED_CORPUS_DIR
    # Audit-chain checkpoints (signals/audit_checkpoints.py): written outside the database,
    # signed with a key that is not in the database.
    audit_checkpoint_dir: Path | None = None
    audit_checkpoint_key_path: Path | None = None
    audit_checkpoint_key: str | None = None  # Ed25519 private seed (hex) from a secret store
    audit_checkpoint_public_key: str | None = None  # hex; lets a verify-only host check
    audit_checkpoint_every: int = 100
    audit_checkpoint_syslog: str | None = None  # "/dev/log", "host:port" (UDP) or unset
    audit_checkpoint_webhook: str | None = None
    # Addresses or networks of reverse proxies whose X-Forwarded-For is believed; empty: none.
    trusted_proxies: tuple[str, ...] = ()
    # Who hears about created accounts and role changes (default: smtp_to).
    admin_alert_to: tuple[str, ...] = ()
    # Where reports about one person's radicalisation belong (not in the partner form): the
    # casusoverleg radicalisering of the Zorg- en Veiligheidshuis. Shown on the partner form.
    zvh_casus_url: str = "https://www.zvhflevoland.nl/"
    zvh_casus_phone: str = "088 - 123 45 67"
    # API calls per minute per partner API key.
    partner_api_per_minute: int = 30
    es_access: EsAccess = field(default_factory=EsAccess)
    # `es_mappings/` when not in the source tree (the image sets it).
    es_mappings_dir: Path | None = None
    # The retention policy file instead of config/retention.yml.
    retention_config: Path | None = None
    register_margin: timedelta = DEFAULT_REGISTER_MARGIN
    # Whether the environment set these itself: then they win over the sources file's defaults.
    contact_set: bool = False
    user_agent_set: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> Settings:
        var_dir = Path(_env("VAR_DIR", str(REPO_ROOT / "var")))
        pseudonym_key_dir = Path(_env("PSEUDONYM_KEY_DIR", str(var_dir / "keys")))
        return cls(
            var_dir=var_dir,
            database_url=_env("DATABASE_URL", f"sqlite:///{var_dir / 'signals.db'}"),
            sources_path=Path(_env("SOURCES", str(REPO_ROOT / "config" / "sources.yml"))),
            sources_base_url=_env("SOURCES_BASE_URL"),
            pseudonym_key=_env("PSEUDONYM_KEY"),
            pseudonym_key_dir=pseudonym_key_dir,
            secret_key_path=var_dir / "secret_key",
            es_url=_env("ES_URL"),
            autotag=(_env("AUTOTAG", "on") or "on").lower() not in {"off", "0", "false", "no"},
            user_agent=_env(
                "USER_AGENT", "oov-signals/0.1 (+public-order monitoring; gemeente Almere)"
            ),
            contact=_env("CONTACT", "oov-signals@almere.nl"),
            base_url=_env("BASE_URL", "http://127.0.0.1:8000"),
            alert_min_severity=float(_env("ALERT_MIN_SEVERITY", "0.6")),
            smtp_host=_env("SMTP_HOST"),
            smtp_port=int(_env("SMTP_PORT", "25")),
            smtp_from=_env("SMTP_FROM", "oov-signals@localhost"),
            smtp_to=tuple(filter(None, (_env("SMTP_TO", "") or "").split(","))),
            webhook_url=_env("WEBHOOK_URL"),
            protocol_dir=Path(_env("PROTOCOL_DIR", str(REPO_ROOT / "config" / "protocol"))),
            briefing_dir=Path(_env("BRIEFING_DIR", str(var_dir / "briefings"))),
            # Where retraining promotes models; empty until the first promotion, and then the
            # model the pipeline uses (nlp falls back to the packaged model).
            model_dir=Path(_env("MODEL_DIR", str(var_dir / "models"))),
            corpus_dir=Path(_env("CORPUS_DIR", str(PACKAGED_CORPUS_DIR))),
            trusted_proxies=_list("TRUSTED_PROXIES"),
            admin_alert_to=_list("ADMIN_ALERT_TO"),
            audit_checkpoint_dir=Path(
                _env("AUDIT_CHECKPOINT_DIR", str(var_dir / "audit-checkpoints"))
            ),
            audit_checkpoint_key_path=Path(
                _env("AUDIT_CHECKPOINT_KEY_FILE", str(pseudonym_key_dir / "audit-checkpoint.key"))
            ),
            audit_checkpoint_key=_env("AUDIT_CHECKPOINT_KEY"),
            audit_checkpoint_public_key=_env("AUDIT_CHECKPOINT_PUBLIC_KEY"),
            audit_checkpoint_every=max(1, int(_env("AUDIT_CHECKPOINT_EVERY", "100") or "100")),
            audit_checkpoint_syslog=_env("AUDIT_CHECKPOINT_SYSLOG"),
            audit_checkpoint_webhook=_env("AUDIT_CHECKPOINT_WEBHOOK"),
            zvh_casus_url=_env("ZVH_CASUS_URL", "https://www.zvhflevoland.nl/"),
            zvh_casus_phone=_env("ZVH_CASUS_PHONE", "088 - 123 45 67"),
            partner_api_per_minute=max(1, int(_env("PARTNER_API_PER_MINUTE", "30") or "30")),
            es_access=EsAccess.from_mapping(os.environ),
            es_mappings_dir=_optional_path("ES_MAPPINGS_DIR"),
            retention_config=_optional_path("RETENTION_CONFIG"),
            register_margin=_minutes("REGISTER_MARGIN_MIN", DEFAULT_REGISTER_MARGIN),
            contact_set="SIGNALS_CONTACT" in os.environ,
            user_agent_set="SIGNALS_USER_AGENT" in os.environ,
        )


def get_settings() -> Settings:
    # Read fresh each call: tests and the DAGs change the environment between runs.
    return Settings.from_env()
