"""Figures are drawn for files without touching the user's matplotlib backend."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from securebase.plotting import PNG_SIGNATURE, figure_png, save_figure, subplot_mosaic, subplots

# Import every module of securebase, draw and write figures the way studies and summaries do, and
# print the backend: it must be the one the user chose (here through MPLBACKEND), not Agg.
_SCRIPT = textwrap.dedent(
    """
    import importlib, pkgutil, sys, tempfile
    from pathlib import Path

    import matplotlib

    import securebase

    for module in pkgutil.walk_packages(securebase.__path__, "securebase."):
        if module.name != "securebase.__main__":
            importlib.import_module(module.name)
    from securebase.plotting import figure_png, save_figure, subplots

    fig, ax = subplots()
    ax.plot([0, 1], [1, 0])
    figure_png(fig)
    fig, ax = subplots()
    save_figure(fig, Path(tempfile.mkdtemp()) / "figure.png")
    print(matplotlib.get_backend(), "pyplot" in sys.modules and len(sys.modules["matplotlib.pyplot"].get_fignums()))
    """
)


@pytest.mark.parametrize("backend", ["svg", "pdf"])
def test_importing_and_drawing_leave_the_backend_alone(backend: str) -> None:
    env = {**os.environ, "MPLBACKEND": backend}
    done = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    chosen, open_figures = done.stdout.split()
    assert chosen == backend
    assert open_figures in ("False", "0")  # no figure left open in pyplot (nor pyplot imported at all)


def test_figures_render_to_png_and_files(tmp_path) -> None:
    fig, axes = subplots(1, 2, figsize=(4, 2), layout="constrained")
    axes[0].plot([0, 1], [0, 1])
    assert figure_png(fig).startswith(PNG_SIGNATURE)
    fig, axes = subplot_mosaic([["a", "b"]], figsize=(4, 2))
    assert set(axes) == {"a", "b"}
    path = save_figure(fig, tmp_path / "mosaic.png")
    assert path.read_bytes().startswith(PNG_SIGNATURE)


def test_a_pyplot_figure_is_closed_once_rendered() -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    number = fig.number
    assert figure_png(fig).startswith(PNG_SIGNATURE)
    assert number not in plt.get_fignums()
