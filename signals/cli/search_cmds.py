"""`signals es setup` and `signals reindex`: the search index's operator commands."""

from __future__ import annotations

import json

import typer

from signals.config import get_settings


def _es_backend():  # -> ElasticsearchBackend
    from signals.search.es_client import ElasticsearchBackend

    settings = get_settings()
    if not settings.es_url:
        raise typer.BadParameter("SIGNALS_ES_URL is not set: there is no Elasticsearch to set up")
    return ElasticsearchBackend.from_url(settings.es_url)


def _policy_days() -> dict[str, int]:
    """ILM bounds from the retention policy (config/retention.yml, SIGNALS_RETENTION_CONFIG)."""
    from signals.retention import load_policy

    policy = load_policy()
    return {
        "posts": policy.unsignalled_posts_days,
        # ILM cannot see a signal's status: the longest signal retention is the outer bound.
        "signals": max(
            policy.dismissed_days,
            policy.monitoring_days,
            policy.untriaged_days,
            policy.escalated_default_days,
        ),
        "audit": policy.audit_days,
    }


def es_setup(
    posts_days: int | None = typer.Option(None, help="Days a post stays in the posts index."),
    signals_days: int | None = typer.Option(None, help="Outer bound for signals in the index."),
    audit_days: int | None = typer.Option(None, help="Days audit events stay (at least 183)."),
) -> None:
    """Apply the index templates, the Dutch analyzer and the ILM policies from es_mappings/.
    Retention defaults come from the retention policy; the options override them."""
    from signals.search.base import SearchError
    from signals.search.es_admin import setup

    backend = _es_backend()
    days = _policy_days()
    overrides = {"posts": posts_days, "signals": signals_days, "audit": audit_days}
    days.update({k: v for k, v in overrides.items() if v is not None})
    try:
        report = setup(backend, retention_days=days)
    except (SearchError, ValueError) as exc:
        typer.echo(f"es setup failed: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(
        json.dumps(
            {
                "component_templates": report.component_templates,
                "ilm_delete_after_days": report.policies,
                "index_templates": report.index_templates,
                "indices": report.indices,
            },
            indent=2,
        )
    )


def reindex(
    swap: bool = typer.Option(
        True,
        help="Elasticsearch only: build a new index version and move the alias when done "
        "(searches keep working meanwhile). Pause the DAGs while it runs.",
    ),
) -> None:
    """Rebuild the configured search index from the system of record."""
    from signals.audit import record
    from signals.db.session import get_engine, session_scope
    from signals.indexing import reindex as rebuild
    from signals.search import get_backend
    from signals.search.base import SearchError

    settings = get_settings()
    backend = get_backend(settings)
    engine = get_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            if swap and settings.es_url:
                from signals.search.es_admin import swap_reindex

                report = swap_reindex(backend, lambda b: rebuild(session, b))  # type: ignore[arg-type]
                written = report.written
                detail = f" (version {report.old_version} -> {report.new_version})"
            else:
                written = rebuild(session, backend)
                detail = ""
            record(
                session,
                actor="system:cli",
                action="search.reindex",
                target_type="search_index",
                purpose="rebuild the search index from the system of record",
                details={"documents": written, "backend": type(backend).__name__},
            )
    except SearchError as exc:
        typer.echo(f"reindex failed: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"reindexed {written} documents{detail}")


def register(app: typer.Typer) -> None:
    es_app = typer.Typer(help="Elasticsearch (production search index).", no_args_is_help=True)
    es_app.command("setup")(es_setup)
    app.add_typer(es_app, name="es")
    app.command("reindex")(reindex)
