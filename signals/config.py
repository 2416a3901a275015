"""Runtime settings, read from the environment (prefix SIGNALS_) with embedded defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"SIGNALS_{name}")
    return value if value not in (None, "") else default


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
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> Settings:
        var_dir = Path(_env("VAR_DIR", str(REPO_ROOT / "var")))
        return cls(
            var_dir=var_dir,
            database_url=_env("DATABASE_URL", f"sqlite:///{var_dir / 'signals.db'}"),
            sources_path=Path(_env("SOURCES", str(REPO_ROOT / "config" / "sources.yml"))),
            sources_base_url=_env("SOURCES_BASE_URL"),
            pseudonym_key=_env("PSEUDONYM_KEY"),
            pseudonym_key_dir=Path(_env("PSEUDONYM_KEY_DIR", str(var_dir / "keys"))),
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
        )


def get_settings() -> Settings:
    # Read fresh each call: tests and the DAGs change the environment between runs.
    return Settings.from_env()
