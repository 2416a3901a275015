"""The `signals` command. Each area registers its own commands; this module only assembles."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    help="oov-signals: public-order signals for municipal analysts.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

# Each module defines `register(app)`. The one exception to "imports at the top": a command
# imports the database, NLP, search and web machinery (SQLAlchemy, spaCy, scikit-learn, the
# Elasticsearch client, uvicorn) inside its function, so that `signals --help` and every other
# command do not load all of it (a second or more each); light modules are imported at the top.
_COMMAND_MODULES = (
    "core_cmds",
    "nlp_cmds",
    "sources_cmds",
    "search_cmds",
    "users_cmds",
    "register_cmds",
    "protocol_cmds",
    "briefing_cmds",
    "privacy_cmds",
    "watch_cmds",
)

for _name in _COMMAND_MODULES:
    importlib.import_module(f"signals.cli.{_name}").register(app)
