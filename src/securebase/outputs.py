"""Output folders: checked before the work, never clobbered, never written by two commands at once.

- ``usable_folder(out, option)``: the folder can be made and written (not under a file, not read-only);
  otherwise one clear error (OutputError) before any work is done;
- ``locked(out, command)``: an advisory lock (``fcntl.flock``) on ``out/.securebase.lock`` held for the whole
  command; the file names the holder's PID and command, so a second command is told who is writing there;
- ``write_atomically``: every file is written under a temporary name and renamed into place, so a crash
  leaves the previous file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shlex
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

LOCK_NAME = ".securebase.lock"


class OutputError(OSError):
    """An output folder that cannot be used; the message names it, what is wrong, and what to do instead."""


def command_line() -> str:
    """This process's command, shell-quoted (for lock files and hints)."""
    args = [Path(sys.argv[0]).name if sys.argv else "securebase", *sys.argv[1:]]
    if args[0] in ("__main__.py", "-m", "-c"):
        args[0] = "securebase"
    return shlex.join(args)


def describe_os_error(error: OSError) -> str:
    """An OSError in words: 'No space left on device', 'Read-only file system'..."""
    return error.strerror or (os.strerror(error.errno) if error.errno else str(error)) or type(error).__name__


def usable_folder(out: Path, option: str = "--out") -> Path:
    """Make ``out`` (and its parents) and prove it writable, or raise OutputError saying why and what to do."""
    out = Path(out)
    for parent in [out, *out.parents]:
        if parent.exists() and not parent.is_dir():
            raise OutputError(
                f"{option} '{out}' cannot be a folder: '{parent}' is a file; expected a folder path (choose another)"
            )
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".securebase-probe-", delete=True) as probe:
            probe.write(b"probe")
            probe.flush()
    except OSError as error:
        raise OutputError(
            f"{option} '{out}' cannot be written ({describe_os_error(error)}); "
            "expected a folder this user can write to, on a disk with free space (choose another)"
        ) from None
    return out


@contextlib.contextmanager
def locked(out: Path, command: str | None = None, option: str = "--out") -> Iterator[Path]:
    """Hold the advisory lock of ``out`` for the block; raise OutputError at once if another command holds it."""
    out = usable_folder(out, option)
    path = out / LOCK_NAME
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise OutputError(f"{option} '{out}': cannot open its lock file ({describe_os_error(error)})") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise OutputError(f"{option} '{out}': cannot lock it ({describe_os_error(error)})") from None
            holder = " ".join(Path(path).read_text(encoding="utf-8", errors="replace").split())[:300]
            raise OutputError(
                f"{option} '{out}' is in use by another securebase command ({holder or 'unknown'}); "
                "expected a folder no other command is writing (wait for that one to end, or choose another --out)"
            ) from None
        os.ftruncate(handle, 0)
        os.write(handle, f"pid {os.getpid()}: {command or command_line()}\n".encode())
        yield out
    finally:
        os.close(handle)  # closing releases the lock; the file stays (removing it would race a waiting command)


def write_atomically(path: Path, content: bytes | str) -> Path:
    """Write ``content`` to ``path`` through a hidden temporary file renamed into place (:func:`atomic_target`)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with atomic_target(path) as temporary:
        temporary.write_bytes(data)
    return Path(path)


@contextlib.contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """A temporary path to write (by any library) that becomes ``path`` when the block ends without error: the
    package's one atomic writer (a crash mid-write leaves the previous file, and a hidden '.name.tmp' that readers
    of a folder skip and that is removed when the block fails)."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


#: the files ``securebase run`` writes in its --out folder (and nothing else: --overwrite removes only these)
RUN_FILES = (
    "summary.parquet",
    "relationships.parquet",
    "children.parquet",
    "child_figures.parquet",
    "trajectories.parquet",
    "run.json",
    "summary.html",
    "checkpoint.pkl",
    "checkpoint.tmp",
)


def run_files(out: Path) -> list[Path]:
    """The files of a run (finished or interrupted) in ``out``, including temporary ones cut short."""
    out = Path(out)
    if not out.is_dir():
        return []
    found = [out / name for name in RUN_FILES if (out / name).is_file()]
    return found + [out / f".{name}.tmp" for name in RUN_FILES if (out / f".{name}.tmp").is_file()]


def check_resumable(
    out: Path,
    manifest: Path,
    record: dict,
    resume: bool,
    *,
    kind: str,
    results: Path,
    informative: tuple[str, ...],
    same: str,
    error: type[Exception],
) -> None:
    """Whether ``out`` is the place for the ``kind`` of work (a sweep, a trial) that ``record`` describes.

    With ``resume``, ``manifest`` must hold the same record (its ``informative`` keys aside, compared as they read
    back from JSON); without, ``out`` must hold no such work (no manifest, no ``results/*.parquet``). Raises
    ``error`` saying which, and what was expected (``same``: what must be the same to resume).
    """
    if resume:
        if not manifest.is_file():
            raise error(f"--resume: no {kind} at '{manifest}'; expected the --out folder of an interrupted {kind}.")
        try:
            saved = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as problem:
            raise error(f"--resume: '{manifest}' cannot be read ({problem}); expected one written by securebase.") from None
        changed = [k for k in record if k not in informative and json.loads(json.dumps(record[k])) != saved.get(k)]
        if changed:
            raise error(
                f"--resume: the {kind} in '{out}' differs from this one in {', '.join(changed)}; expected the same "
                f"{same} (use another --out to start afresh)."
            )
    elif manifest.exists() or any(results.glob("*.parquet")):
        raise error(
            f"--out '{out}' already holds a {kind}; expected an empty or new folder "
            f"(add --resume to continue that {kind}, or choose another --out)."
        )

