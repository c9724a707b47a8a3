"""``python -m securebase``: the command line."""

import signal
import sys

if __name__ == "__main__":  # spawned worker processes import this module as __mp_main__: they must not run it
    # a stop that comes while the command line is still being imported ends quietly, with the usual exit code
    # (the commands install their own handling once they run: securebase.stopping)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        from securebase.cli import main
    except KeyboardInterrupt:
        sys.exit(130)
    main()
