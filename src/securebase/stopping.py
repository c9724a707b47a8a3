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


#: where a stop raised as an exception would be lost or turned into another error: a finalizer (a weakref callback,
#: a ``__del__``: Python prints "Exception ignored in ..." and carries on), llvmlite's callbacks from C (numba storing
#: a compiled kernel in its cache: "Exception ignored on calling ctypes callback function"), and an import (scipy's
#: extension modules interrupted in their initialisation raise "ImportError: initialization failed")
NOT_HERE = ("weakref", "importlib", "llvmlite")
#: how long a stop that came at such a place waits before it is sent again
RESEND_SECONDS = 0.05


def stoppable(frame: object) -> bool:
    """Whether a stop may be raised where ``frame`` runs: nowhere up its stack is a finalizer, an import or one of
    llvmlite's callbacks (``NOT_HERE``; the innermost frame alone is not enough: an extension module initialising
    inside an import runs its own module's code, under importlib's frames)."""
    while frame is not None:
        code = getattr(frame, "f_code", None)
        if code is not None and (
            getattr(code, "co_name", "") == "__del__" or any(place in code.co_filename for place in NOT_HERE)
        ):
            return False
        frame = getattr(frame, "f_back", None)
    return True


class StopSignal:
    """A signal handler that raises ``stop`` (KeyboardInterrupt or Terminated) where :func:`stoppable`, and elsewhere
    sends the signal again ``RESEND_SECONDS`` later, to land outside. Once it has raised, the command is ending:
    the re-sends still waiting are cancelled and later signals are ignored (a second stop raised while the command
    ends from the first would replace its exit code by death by the signal: -2, -15)."""

    def __init__(self, stop: type[KeyboardInterrupt]) -> None:
        self.stop = stop
        self.raised = False
        self._resends: list[threading.Timer] = []

    def __call__(self, signum: int, frame: object) -> None:
        if self.raised:
            return
        if not stoppable(frame):
            again = threading.Timer(RESEND_SECONDS, os.kill, (os.getpid(), signum))
            again.daemon = True  # never keeps a finished program alive
            self._resends.append(again)
            again.start()
            return
        while self._resends:
            self._resends.pop().cancel()
        self.raised = True
        raise self.stop


def exit_code(error: BaseException) -> int:
    """The exit code of a command stopped by ``error`` (a KeyboardInterrupt or Terminated)."""
    return EXIT_TERMINATED if isinstance(error, Terminated) else EXIT_INTERRUPTED


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """Within the block, SIGTERM raises Terminated in the main thread (as Ctrl-C raises KeyboardInterrupt)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    previous = signal.signal(signal.SIGTERM, StopSignal(Terminated))
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
