"""Where Ctrl-C lands (``python -m securebase``'s handler, ``securebase.__main__._interrupt``): raised as
KeyboardInterrupt in ordinary code; sent again a moment later where Python would lose it or turn it into another
error. (test_signals.py stops whole commands; a stop that lands inside numba's cache callback was lost there once:
validate ran on to exit 0, stderr "Exception ignored on calling ctypes callback function".)"""

from __future__ import annotations

import signal
import threading
import time
from types import SimpleNamespace

import pytest

from securebase.__main__ import _interrupt


def frame_in(filename: str) -> SimpleNamespace:
    return SimpleNamespace(f_code=SimpleNamespace(co_filename=filename))


def test_in_ordinary_code_it_is_a_keyboard_interrupt() -> None:
    with pytest.raises(KeyboardInterrupt):
        _interrupt(signal.SIGUSR1, frame_in("/somewhere/securebase/engine/driver.py"))


@pytest.mark.parametrize(
    "filename",
    [
        "/usr/lib/python3.11/weakref.py",
        "<frozen importlib._bootstrap>",
        "/venv/lib/python3.11/site-packages/llvmlite/binding/executionengine.py",
    ],
)
def test_where_it_would_be_lost_it_is_sent_again(filename: str) -> None:
    arrived = threading.Event()
    previous = signal.signal(signal.SIGUSR1, lambda signum, frame: arrived.set())
    try:
        _interrupt(signal.SIGUSR1, frame_in(filename))  # no exception here
        deadline = time.monotonic() + 10
        while not arrived.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)  # the handler runs in the main thread, between bytecodes
        assert arrived.is_set()
    finally:
        signal.signal(signal.SIGUSR1, previous)
