"""Processes as /proc shows them (Linux; psutil is not a dependency): a process's descendants, and which still live."""

from __future__ import annotations

import time
from pathlib import Path


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of ``pid``, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])


def descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (children, their children...)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            found = _stat(int(entry.name))
            if found is not None and found[0] != "Z":
                parents[int(entry.name)] = found[1]
    below: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - below
        below |= frontier
    return below


def alive(pids: set[int]) -> set[int]:
    """Those of ``pids`` still running (a zombie is not running)."""
    return {pid for pid in pids if (found := _stat(pid)) is not None and found[0] != "Z"}


def wait_gone(pids: set[int], seconds: float = 10.0) -> set[int]:
    """Wait up to ``seconds`` for ``pids`` to end; returns those still alive."""
    deadline = time.monotonic() + seconds
    while (left := alive(pids)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left
