"""The code's version (from the package metadata) and, in a git checkout, its commit; read once, when first asked."""

from __future__ import annotations

import subprocess
from functools import cache
from importlib import metadata
from pathlib import Path


@cache
def version() -> str:
    """The installed package's version (pyproject.toml's ``version``), or "unknown" if it is not installed."""
    try:
        return metadata.version("securebase")
    except metadata.PackageNotFoundError:
        return "unknown"


def commit() -> str | None:
    """The git commit of the source tree the package runs from, or None (an installed wheel, no git).

    Asked afresh each time (one ``git rev-parse``, milliseconds): a long session outlives commits.
    """
    root = Path(__file__).resolve().parents[2]  # src/securebase/_version.py -> the repository
    if not (root / ".git").exists() or not (root / "pyproject.toml").is_file():
        return None
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    text = done.stdout.strip()
    return text if done.returncode == 0 and len(text) == 40 else None


@cache
def source_hash() -> str:
    """A SHA-256 of the package's Python sources (names and contents): tells apart two trees of one version.

    Read once per process, when first asked (results and checkpoints record it; the compiled kernels' cache is
    keyed on :func:`kernel_source_hash`).
    """
    import hashlib

    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


#: the folders the compiled kernels are made from (kernels/retarget.py compiles only functions defined here:
#: tests/test_kernels.py checks it), relative to the package
KERNEL_SOURCES = ("model", "engine/kernels")


@cache
def kernel_source_hash() -> str:
    """A SHA-256 of what the compiled kernels are made from: the sources in KERNEL_SOURCES and numba's version.

    The on-disk cache of compiled kernels is keyed on it, so an edit elsewhere (the web app, the CLI, a
    docstring of a study) never recompiles them. Read once per process, when first asked.
    """
    import hashlib

    import numba

    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"numba {numba.__version__}".encode())
    for folder in KERNEL_SOURCES:
        for path in sorted((package / folder).rglob("*.py")):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def code_identity() -> dict[str, str | None]:
    """Which code made a result or a checkpoint, the one record of it: the package ``version``, the git
    ``commit`` (None outside a checkout), ``source`` (every Python source: two trees of one version differ here),
    ``model`` (what the kernels are made from) and ``label`` ('version+source[:12]', what run.json shows)."""
    source = source_hash()
    return {"version": version(), "commit": commit(), "source": source, "model": kernel_source_hash(),
            "label": f"{version()}+{source[:12]}"}  # fmt: skip


def code_record() -> dict[str, str | None]:
    """The code as every file that records it writes it (run.json, a sweep's or a trial's manifest, a checkpoint):
    one shape, and the key of resuming: work resumes only on the same version, commit and sources (other
    sources could give other numbers than the uninterrupted work's)."""
    code = code_identity()
    return {
        "securebase_version": code["version"],
        "securebase_commit": code["commit"],
        "securebase_source": code["source"],
    }
