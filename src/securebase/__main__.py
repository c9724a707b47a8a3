"""``python -m securebase``: the command line."""

import os
import signal
import sys
import threading

#: the signals sent again by :func:`_interrupt`, not yet sent
_resends: list[threading.Timer] = []


#: where a KeyboardInterrupt would be lost: a finalizer (a weakref callback) and llvmlite's callbacks from C (numba
#: storing a compiled kernel in its cache: "Exception ignored on calling ctypes callback function"), where Python
#: prints the exception and carries on; an import (a lazy import of matplotlib, say), where an extension module
#: interrupted in its initialisation raises ImportError instead
_NOT_HERE = ("weakref", "importlib", "llvmlite")


def _interrupt(signum: int, frame: object) -> None:
    """Ctrl-C as KeyboardInterrupt, except where it would be lost or turned into another error (``_NOT_HERE``):
    there the signal is sent again a moment later, to land outside it. Once one lands, the others still waiting
    are cancelled: a second KeyboardInterrupt while the command ends from the first would replace its exit 130 by
    death by SIGINT (-2)."""
    code = getattr(frame, "f_code", None)
    if code is not None and any(place in code.co_filename for place in _NOT_HERE):
        again = threading.Timer(0.05, os.kill, (os.getpid(), signum))
        again.daemon = True  # never keeps a finished program alive
        _resends.append(again)
        again.start()
        return
    while _resends:
        _resends.pop().cancel()
    raise KeyboardInterrupt


if __name__ == "__main__":  # spawned worker processes import this module as __mp_main__: they must not run it
    # A stop that comes while the command line is still being imported is noted, not raised (an exception
    # raised inside the import machinery or a finalizer prints a traceback), and ends the program quietly
    # with the usual exit code once the imports are done; then the commands' own handling takes over
    # (securebase.stopping).
    stops: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda number, frame: stops.append(number))
    from securebase.cli import main

    if stops:
        sys.exit(128 + stops[0])
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        main()
    except KeyboardInterrupt:
        # a Ctrl-C that lands after the command has already handled one (while it ends): the same stop
        sys.exit(130)
    finally:
        # the command is over, whatever its outcome: a stop that comes while Python shuts down (or a re-sent
        # one) changes nothing and must not turn a finished command into one killed by the signal
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
