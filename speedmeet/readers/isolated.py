"""Run a reader in a child process, so that a file that makes a compiled library abort (a damaged
.xls asking calamine for terabytes of memory) ends in one clear message, not in a dead program.

Rust aborts the whole process when an allocation fails, and no Python code can catch that; in
a child, only the child dies, and the parent says which file could not be read. The child gets
the standard signal handling back (the parent's handlers clean up the parent's files) and
ignores Ctrl-C, which the parent receives too and answers by stopping the child.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

Result = TypeVar("Result")


class ReaderStopped(Exception):
    """The child ended without an answer: killed by the system or aborted by the library."""


def run_isolated(function: Callable[..., Result], *args: Any) -> Result:
    """`function(*args)` in a child process; its exceptions are raised here as they were there
    (so they must pickle), and a child that dies raises `ReaderStopped`."""
    methods = multiprocessing.get_all_start_methods()
    context: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    receiver, sender = context.Pipe(duplex=False)
    # A daemon child dies with its parent; a daemon parent (a worker) may not have one.
    daemon = not multiprocessing.current_process().daemon
    child = context.Process(target=_child, args=(sender, function, args), daemon=daemon)
    child.start()
    sender.close()
    try:
        try:
            outcome, value = receiver.recv()
        except EOFError:
            child.join()
            raise ReaderStopped(_how_it_ended(child.exitcode)) from None
        child.join()
    finally:
        if child.is_alive():  # Ctrl-C or an error here: the child must not outlive the read
            child.kill()
            child.join()
        receiver.close()
    if outcome == "raised":
        raise value
    result: Result = value
    return result


def _child(sender: Connection, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    # What a library prints as it dies (Rust's "memory allocation of ... failed", a panic's
    # "thread panicked at ...") is for its developers; the parent says it in the user's words.
    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), 2)
    try:
        answer: tuple[str, object] = ("returned", function(*args))
    except BaseException as error:  # sent back whole: the parent raises it
        answer = ("raised", error)
    try:
        sender.send(answer)
    except Exception as error:  # an answer that does not pickle: say what it was
        sender.send(("raised", RuntimeError(f"{answer[1]!r} could not be sent back ({error})")))
    sender.close()


def _how_it_ended(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"the reader was stopped by {signal.Signals(-exitcode).name}"
        except ValueError:
            pass
    return f"the reader stopped with exit code {exitcode}"
