"""Where a stop lands (``securebase.stopping.StopSignal``: ``python -m securebase``'s Ctrl-C handler and every
command's SIGTERM handler): raised in ordinary code; sent again a moment later where Python would lose it or turn it
into another error, anywhere up the stack; and once raised, later ones are ignored. (test_signals.py stops whole commands; a stop that lands inside numba's cache callback was lost there once:
validate ran on to exit 0, stderr "Exception ignored on calling ctypes callback function".)"""

from __future__ import annotations

import signal
import threading
import time
from types import SimpleNamespace

import pytest

from securebase.stopping import StopSignal, Terminated


def frame_in(filename: str, name: str = "f", back: SimpleNamespace | None = None) -> SimpleNamespace:
    return SimpleNamespace(f_code=SimpleNamespace(co_filename=filename, co_name=name), f_back=back)


ORDINARY = "/somewhere/securebase/engine/driver.py"


@pytest.mark.parametrize("stop", [KeyboardInterrupt, Terminated])
def test_in_ordinary_code_it_is_raised_once(stop: type[KeyboardInterrupt]) -> None:
    handler = StopSignal(stop)
    with pytest.raises(stop):
        handler(signal.SIGUSR1, frame_in(ORDINARY, back=frame_in(ORDINARY)))
    # the command is ending from it: a second stop must not replace its exit code by death by the signal
    handler(signal.SIGUSR1, frame_in(ORDINARY))


@pytest.mark.parametrize(
    "frame",
    [
        frame_in("/usr/lib/python3.11/weakref.py"),
        frame_in("<frozen importlib._bootstrap>"),
        frame_in("/venv/lib/python3.11/site-packages/llvmlite/binding/executionengine.py"),
        # a finalizer anywhere (llvmlite's own __del__ printed "Exception ignored in" under SIGTERM)
        frame_in("/venv/lib/python3.11/site-packages/somewhere/objects.py", name="__del__"),
        # an extension module initialising inside an import runs its own module's code under importlib's frames
        # (a SIGTERM there gave "ImportError: initialization failed" from scipy, exit 1)
        frame_in(
            "/venv/lib/python3.11/site-packages/scipy/optimize/_highs_wrapper.py",
            back=frame_in("<frozen importlib._bootstrap>", back=frame_in(ORDINARY)),
        ),
    ],
    ids=["weakref", "import", "llvmlite", "__del__", "inside-an-import"],
)
def test_where_it_would_be_lost_it_is_sent_again(frame: SimpleNamespace) -> None:
    arrived = threading.Event()
    previous = signal.signal(signal.SIGUSR1, lambda signum, frame: arrived.set())
    try:
        StopSignal(KeyboardInterrupt)(signal.SIGUSR1, frame)  # no exception here
        deadline = time.monotonic() + 10
        while not arrived.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)  # the handler runs in the main thread, between bytecodes
        assert arrived.is_set()
    finally:
        signal.signal(signal.SIGUSR1, previous)
