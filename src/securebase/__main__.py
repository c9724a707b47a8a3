"""``python -m securebase``: the command line."""

from securebase.cli import main

if __name__ == "__main__":  # spawned worker processes import this module as __mp_main__: they must not run it
    main()
