"""What a plain install gives, and what the extras add: every command's --help loads nothing heavy, the simulate
path needs no extra, and a command whose extra is missing says which to install (one line, exit 2)."""

from __future__ import annotations

import subprocess
import sys
import typing

import pytest
from test_newcomer import HEAVY

from securebase.cli import main

#: the packages of the extras, by import name (none is needed to simulate)
EXTRA_PACKAGES = ("dask", "distributed", "gymnasium", "starlette", "uvicorn", "sqlalchemy", "alembic")


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_commands_help_imports_no_heavy_module(command: str) -> None:
    code = (
        "import sys\nfrom securebase.cli import main\n"
        f"try:\n    main([{command!r}, '--help'])\nexcept SystemExit as stop:\n    assert not stop.code, stop.code\n"
        f"print('loaded:', [m for m in {HEAVY + EXTRA_PACKAGES!r} if m in sys.modules])"
    )
    done = _python(code)
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout
    assert done.stdout.splitlines()[-1] == "loaded: []"


def test_the_options_choices_are_the_ones_the_engine_takes() -> None:
    from securebase import choices
    from securebase.engine import kernels, simulation
    from securebase.model import state
    from securebase.studies import STUDY_NAMES, get_study
    from securebase.sweep.spec import SweepSpec
    from securebase.trials.spec import TrialSpec

    assert kernels.KERNELS is simulation.KERNELS is choices.KERNELS
    assert state.PRECISIONS is choices.PRECISIONS
    assert STUDY_NAMES is choices.STUDY_NAMES
    assert all(get_study(name).name == name for name in STUDY_NAMES)
    for spec in (SweepSpec, TrialSpec):  # a sweep's or a trial's `kernel` field offers the same kernels
        assert typing.get_args(spec.model_fields["kernel"].annotation) == choices.KERNELS
    parameters = {p.name: p for p in main.commands["run"].params}
    assert tuple(parameters["kernel"].type.choices) == choices.KERNELS
    assert tuple(parameters["precision"].type.choices) == choices.PRECISIONS
    assert tuple(main.commands["study"].params[0].type.choices) == choices.STUDY_NAMES
