"""The optional parts of securebase (pyproject.toml's extras) and the modules each needs.

A plain install (``pip install securebase``) simulates: run, check, show, scenarios, sweeps and trials on local
processes, studies, the report, validate and calibrate. The extras add the rest: ``web`` the rehearsal app
(``securebase rehearse``), ``dask`` sweeps and trials on a Dask cluster (``--scheduler``), ``rl`` the Gymnasium
environment (``securebase.rehearse.env``), ``cuda`` the GPU kernel (checked by engine.kernels.kernel_unavailable,
which also asks for a GPU). What needs an extra calls :func:`require` first, so that a missing one is one clear
line naming the extra to install, not an ImportError from deep inside.
"""

from __future__ import annotations

import importlib

#: each extra and the modules that show it is installed (the import names of its packages)
EXTRAS: dict[str, tuple[str, ...]] = {
    # the rehearsal app drives the Gymnasium environment, so the web extra includes rl's gymnasium
    "web": ("starlette", "uvicorn", "python_multipart", "sqlalchemy", "alembic", "gymnasium", "cryptography", "argon2",
            "pyotp"),
    "dask": ("distributed",),
    "rl": ("gymnasium",),
}


class MissingExtra(ImportError):
    """A part of securebase whose extra is not installed; the message names the extra and the pip command."""


def missing(extra: str, what: str, error: ImportError) -> MissingExtra:
    """The error for ``what``, which needs ``extra`` and met ``error`` importing it."""
    return MissingExtra(
        f"{what} needs the {extra} extra ({error}); expected it installed: pip install 'securebase[{extra}]'"
    )


def require(extra: str, what: str) -> None:
    """Import the modules of ``extra``, or raise MissingExtra naming ``what`` needs it and how to install it."""
    for module in EXTRAS[extra]:
        try:
            importlib.import_module(module)
        except ImportError as error:
            raise missing(extra, what, error) from None
