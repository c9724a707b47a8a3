"""``python -m securebase``: the command line."""

import signal
import sys

if __name__ == "__main__":  # spawned worker processes import this module as __mp_main__: they must not run it
    # A stop that comes while the command line is still being imported is noted, not raised (an exception
    # raised inside the import machinery or a finalizer prints a traceback), and ends the program quietly
    # with the usual exit code once the imports are done; then the commands' own handling takes over
    # (securebase.stopping).
    stops: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda number, frame: stops.append(number))
    from securebase.cli import main
    from securebase.stopping import StopSignal

    if stops:
        sys.exit(128 + stops[0])
    # Ctrl-C as KeyboardInterrupt, sent again a moment later where it would be lost or turned into another error
    signal.signal(signal.SIGINT, StopSignal(KeyboardInterrupt))
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
