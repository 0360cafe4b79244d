"""Ctrl-C, SIGTERM and SIGHUP at any moment: a quiet exit that leaves nothing half-written.

Python turns Ctrl-C into KeyboardInterrupt wherever the program happens to be, which prints a
traceback while modules load and lets the command-line framework print "Aborted!". Here every
stop becomes an exception that the `finally` blocks of the atomic writes see (so temporaries
are removed), and then one line and the exit code 128 + the signal's number, as shells expect.
A Ctrl-C while a command runs stays a KeyboardInterrupt: the search stops and keeps its best
plan, the writes are undone.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Callable, Iterator
from types import FrameType

_running_commands = 0


class Terminated(BaseException):
    """The process was asked to stop (SIGTERM, SIGHUP): undo, clean up and exit."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signum)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if signum == signal.SIGINT:
        if _running_commands:
            raise KeyboardInterrupt
        raise SystemExit(128 + signum)  # loading or parsing: nothing to keep, nothing to say
    raise Terminated(signum)


def install() -> None:
    """Route Ctrl-C, SIGTERM and SIGHUP through `_on_signal` (main thread only). A signal the
    user chose to ignore stays ignored: `nohup speedmeet plan ...` must survive a hangup."""
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) is not signal.SIG_IGN:
            signal.signal(number, _on_signal)


@contextlib.contextmanager
def command_running() -> Iterator[None]:
    """While a command runs, Ctrl-C is a KeyboardInterrupt its own handling turns into 0 or 130."""
    global _running_commands
    _running_commands += 1
    try:
        yield
    finally:
        _running_commands -= 1


def quiet_after_stop() -> None:
    """After a stop, let nothing more reach the screen: objects cut off midway (a workbook half
    saved) complain while Python tidies up on the way out, with a traceback the user must not
    see for a stop they asked for."""
    sys.unraisablehook = _ignore


def _ignore(unraisable: object) -> None:
    return None


def run(main: Callable[[], None]) -> None:
    """Call the command-line `main` with no traceback on a stop."""
    try:
        main()
    except Terminated as stop:
        quiet_after_stop()
        raise SystemExit(stop.exit_code) from None
    except KeyboardInterrupt:
        quiet_after_stop()
        sys.stderr.write("Interrupted: nothing was written.\n")
        raise SystemExit(130) from None
