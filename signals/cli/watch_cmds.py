"""`signals watch`: the long-lived collector and processor (see signals/watch.py)."""

from __future__ import annotations

import faulthandler
import logging
import os
import signal
import sys

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def watch(
        tick: float = typer.Option(1.0, help="Seconds between looks at which sources are due."),
        max_seconds: float = typer.Option(
            0.0, "--max-seconds", help="Stop after this many seconds (0: run until SIGTERM)."
        ),
    ) -> None:
        """Poll every enabled source by its own poll_interval_minutes and turn each source's
        new posts into signals as soon as they are in; the model is loaded once. Safe beside
        the Airflow DAG (a lease per source). SIGTERM or Ctrl-C: finish the sources in flight,
        store and process their posts, then exit."""
        from signals.watch import Watcher

        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        # One line per HTTP request would drown the watcher's own lines.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("httpcore").setLevel(logging.WARNING)
        # `kill -USR1 <pid>` prints every thread's stack: what is the watcher waiting for?
        faulthandler.register(signal.SIGUSR1, all_threads=True)
        watcher = Watcher(tick_s=tick)
        signal.signal(signal.SIGTERM, watcher.on_signal)
        signal.signal(signal.SIGINT, watcher.on_signal)
        summary = watcher.run(max_seconds=max_seconds or None)
        typer.echo(
            f"watch stopped after {summary.seconds:.0f} s: {summary.polls} polls, "
            f"{summary.new_posts} new posts, {summary.new_signals} new signals, "
            f"model load {summary.model_load_s} s"
        )
        if summary.stuck:
            # A thread that does not return must not keep the process (and its leases' expiry
            # clock) hanging; the stacks are in the log.
            sys.stdout.flush()
            os._exit(1)
