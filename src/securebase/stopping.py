"""Stopping: signals, exit codes, and processes that never outlive the command that started them.

Exit codes (docs/exit-codes.md): 0 done; 1 the work failed; 2 bad input or a place that cannot be used;
130 stopped by Ctrl-C (SIGINT); 143 stopped by SIGTERM. A stopped command keeps what it finished.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import threading
import time
from collections.abc import Iterator

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143

#: prctl(2) option: the signal this process gets when the thread that created it ends
_PR_SET_PDEATHSIG = 1


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C's KeyboardInterrupt so every 'keep what finished' path handles it too."""


def exit_code(error: BaseException) -> int:
    """The exit code of a command stopped by ``error`` (a KeyboardInterrupt or Terminated)."""
    return EXIT_TERMINATED if isinstance(error, Terminated) else EXIT_INTERRUPTED


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """Within the block, SIGTERM raises Terminated in the main thread (as Ctrl-C raises KeyboardInterrupt)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class StopFlag(threading.Event):
    """Set by a stop signal inside :func:`deferred_stop`; ``signum`` is the signal that set it."""

    signum: int = signal.SIGINT

    def check(self) -> None:
        """Raise, at this safe point, the stop a signal asked for (Terminated for SIGTERM, else KeyboardInterrupt)."""
        if self.is_set():
            raise Terminated if self.signum == signal.SIGTERM else KeyboardInterrupt


@contextlib.contextmanager
def deferred_stop(second_stops: bool = True) -> Iterator[StopFlag]:
    """Within the block, Ctrl-C and SIGTERM set a flag the work checks at a safe point (between days, between
    tasks) instead of stopping it mid-write. With ``second_stops``, a second signal stops at once
    (KeyboardInterrupt or Terminated); without, it only sets the flag again (work whose waiting must never be
    broken into: a process pool's locks). Outside the main thread signals cannot be handled: the flag stays unset.
    """
    flag = StopFlag()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    stops = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.getsignal(signum) for signum in stops}

    def handler(signum: int, frame: object) -> None:
        if second_stops and flag.is_set():  # a second Ctrl-C stops at once
            for stop in stops:
                signal.signal(stop, previous[stop])
            raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt
        flag.signum = signum
        flag.set()

    for signum in stops:
        signal.signal(signum, handler)
    try:
        yield flag
    finally:
        for signum in stops:
            signal.signal(signum, previous[signum])


def die_with_parent(parent: int) -> None:
    """Make this (worker) process end when ``parent`` does, whatever ends it (SIGKILL included).

    On Linux the kernel sends SIGKILL on the parent's death (prctl PR_SET_PDEATHSIG); everywhere a
    watchdog thread checks the parent once a second, as a second line.
    """
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(EXIT_FAILED)
    threading.Thread(target=_watch, args=(parent,), name="securebase-parent-watchdog", daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(EXIT_FAILED)
