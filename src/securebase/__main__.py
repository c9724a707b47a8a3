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

    if stops:
        sys.exit(128 + stops[0])
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    main()
