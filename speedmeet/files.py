"""Writing outputs so that nothing is ever lost: a temporary file beside the target, moved into
place only when complete, so an interrupted run leaves the old file or the new one, never half."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path

from speedmeet.errors import OutputError


def _describe_os_error(path: Path, error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return f"cannot write {path}: the disk is full"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write {path}: the folder is read-only or not yours"
    return f"cannot write {path}: {error.strerror or error}"


def _current_umask() -> int:
    """The process umask (read by setting and restoring it: there is no getter)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


_PENDING: ContextVar[list[tuple[Path, Path]] | None] = ContextVar("_PENDING", default=None)
"""Inside `all_or_nothing()`: finished temporaries waiting to replace their targets."""

_CREATED: ContextVar[list[Path] | None] = ContextVar("_CREATED", default=None)
"""Inside `all_or_nothing()`: the folders this group created, removed again if it fails."""

_COMMITTED: list[Path] = []
"""Every output moved into place since `start_run()`: what a late Ctrl-C must not deny."""

_SWEPT: set[Path] = set()
"""Folders already cleared of stale temporaries since `start_run()`."""

# `.plan.json.<pid>.<random>.part`, and the older `.plan.json.<random>.part` without the pid;
# only for the kinds of file speedmeet writes, so that an organiser's own file is never touched.
_TEMPORARY = re.compile(
    r"\.(?P<target>.+?\.(?:json|xlsx|pdf|csv|txt))\.(?:(?P<pid>[0-9]+)\.)?[a-z0-9_]{8}\.part"
)


def start_run() -> None:
    """Forget what earlier commands of this process wrote and swept (tests run many commands in
    one process)."""
    _COMMITTED.clear()
    _SWEPT.clear()


def committed() -> list[Path]:
    """The outputs moved into place since `start_run()`."""
    return list(_COMMITTED)


def sweep_stale_temporaries(folder: Path) -> list[Path]:
    """Remove temporaries that a killed run (SIGKILL, power cut) left in `folder`.

    They hold names and e-mails, so they must not linger. A temporary is stale when the run
    that made it is gone: its name carries that run's process id. One without an id comes from
    an older speedmeet and is stale too; a live run of this one always writes the id.
    """
    folder = Path(folder)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        pid = match.group("pid")
        if pid is not None and int(pid) != os.getpid() and _running(int(pid)):
            continue  # another run writing into the same folder right now
        if pid is not None and int(pid) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(folder / entry.name)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process, or an id we cannot ask about: leave its files
    return True


def _make_folders(folder: Path) -> None:
    """Create `folder` and missing parents, noting the new ones for removal on failure."""
    missing: list[Path] = []
    for candidate in [folder, *folder.parents]:
        if candidate.exists():
            break
        missing.append(candidate)
    folder.mkdir(parents=True, exist_ok=True)
    created = _CREATED.get()
    if created is not None:
        created.extend(missing)  # deepest first: the order they must be removed in
    key = folder.resolve()
    if key not in _SWEPT:
        _SWEPT.add(key)
        sweep_stale_temporaries(folder)


def _remove_created(folders: list[Path]) -> None:
    """Remove the folders a failed group created, if nothing else was put in them meanwhile."""
    for folder in sorted(set(folders), key=lambda path: len(path.parts), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()


@contextlib.contextmanager
def all_or_nothing() -> Iterator[None]:
    """Group atomic writes so that a failure or Ctrl-C midway leaves every previous file as it
    was: each file is written to its temporary, and all are moved into place only at the end."""
    if _PENDING.get() is not None:  # already inside a group: join it
        yield
        return
    pending: list[tuple[Path, Path]] = []
    created: list[Path] = []
    token = _PENDING.set(pending)
    created_token = _CREATED.set(created)
    done = False
    try:
        yield
        for temporary, target in pending:
            try:
                os.replace(temporary, target)
            except OSError as error:
                raise OutputError(_describe_os_error(target, error)) from None
            _COMMITTED.append(target)
        done = True
    finally:
        _PENDING.reset(token)
        _CREATED.reset(created_token)
        for temporary, _ in pending:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
        if not done and not any(target in _COMMITTED for _, target in pending):
            _remove_created(created)


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target` in one step
    (inside `all_or_nothing()`, together with the group's other files at its end)."""
    target = Path(target)
    try:
        _make_folders(target.parent)
        # The process id in the name tells the next run whether this file's writer is gone.
        fd, name = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=".part", dir=target.parent
        )
        os.close(fd)
    except OSError as error:
        raise OutputError(_describe_os_error(target, error)) from None
    temporary = Path(name)
    pending = _PENDING.get()
    deferred = False
    try:
        yield temporary
        os.chmod(temporary, 0o666 & ~_current_umask())
        if pending is not None:
            pending.append((temporary, target))
            deferred = True
        else:
            os.replace(temporary, target)
            _COMMITTED.append(target)
    except OSError as error:
        raise OutputError(_describe_os_error(target, error)) from None
    finally:
        if not deferred:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()


def write_bytes_atomically(target: Path, content: bytes) -> None:
    with atomic_path(target) as temporary, open(temporary, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def write_text_atomically(target: Path, text: str) -> None:
    write_bytes_atomically(target, text.encode("utf-8"))


def refuse_overwriting_inputs(
    folder: Path, inputs: Iterable[Path], output_names: Iterable[str]
) -> None:
    """Refuse an output folder where writing would replace an input file (the input is sacred)."""
    folder = Path(folder)
    names = set(output_names)
    for source in inputs:
        if not source.exists():
            continue
        if folder.exists() and folder.resolve() == source.resolve():
            raise OutputError(
                f"the output folder {folder} is the input file itself; choose another --out"
            )
        if source.name in names and source.resolve().parent == folder.resolve():
            raise OutputError(
                f"writing to {folder} would overwrite the input {source.name}; choose another --out"
            )


def check_output_folder(folder: Path) -> None:
    """Fail before any work if the output folder could not be created or written to."""
    folder = Path(folder)
    for ancestor in [folder, *folder.parents]:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise OutputError(f"cannot write to {folder}: {ancestor} is a file, not a folder")
            if not os.access(ancestor, os.W_OK | os.X_OK):
                raise OutputError(f"cannot write to {folder}: {ancestor} is read-only")
            return


def make_output_folder(folder: Path) -> Path:
    """Create the output folder (and its parents) or say clearly why it cannot be."""
    folder = Path(folder)
    try:
        _make_folders(folder)
    except FileExistsError:
        raise OutputError(
            f"cannot use {folder} as the output folder: a file has that name"
        ) from None
    except OSError as error:
        raise OutputError(_describe_os_error(folder, error)) from None
    return folder
