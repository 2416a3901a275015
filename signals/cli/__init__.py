"""The `signals` command. Each area registers its own commands; this module only assembles."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    help="oov-signals: public-order signals for municipal analysts.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

# Each module defines `register(app)`; heavy imports stay inside the commands so that
# `signals --help` is fast.
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
