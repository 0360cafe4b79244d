"""The `speedmeet` program: the stop handlers are in place before the command line loads, so
Ctrl-C in the first moments exits quietly instead of printing a traceback."""

from __future__ import annotations

from speedmeet import interrupts


def main() -> None:
    interrupts.install()
    interrupts.run(_command_line)


def _command_line() -> None:
    from speedmeet.cli import app

    app()
