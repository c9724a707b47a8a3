"""Checkpoints of a Simulation: what is saved, the atomic write, and the policy for resuming one.

A checkpoint is the simulation's whole state, pickled (only ever load checkpoints you wrote). Resuming refuses,
with one line naming what differs, a checkpoint of another scenario or seed, other model constants, another
kernel or other model code than the caller expects: the same policy and the same messages for a Python caller of
``Simulation.resume`` and for ``securebase run --resume`` (whose options the messages name).
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

from securebase._version import code_record
from securebase.outputs import atomic_target

if TYPE_CHECKING:
    from securebase.engine.simulation import Simulation
    from securebase.model.parameters import ModelParameters
    from securebase.scenario.schema import Scenario

#: attributes of a Simulation that a checkpoint and a fork leave out: the caller's observer, the driver's
#: arrays and backend (made again on the next day), the day being lived
TRANSIENT = ("on_episode", "_population", "_population_driver", "lived")
#: what every checkpoint holds
REQUIRED = {"scenario", "params", "seed", "rng", "uniforms", "children", "figures", "day", "totals"}


class ResumeRefused(ValueError):
    """A checkpoint that cannot be resumed as asked; the message names what differs and what was expected."""


def saved_state(simulation: Simulation) -> dict[str, Any]:
    """The attributes a checkpoint or a fork keeps (the host's state must be current: Simulation._pull)."""
    return {key: value for key, value in simulation.__dict__.items() if key not in TRANSIENT}


def save(simulation: Simulation, path: Path) -> None:
    """Write the state to ``path`` atomically (a crash mid-write keeps the previous checkpoint), with the code's
    identity (resuming on other model code would not give the numbers of an uninterrupted run)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = saved_state(simulation) | {"code": code_record()}
    with atomic_target(path) as temporary, temporary.open("wb") as handle:
        pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)


def differences(before: ModelParameters, after: ModelParameters, most: int = 3) -> str:
    """The first constants that differ between two ModelParameters, as 'name: a in the checkpoint, b now'."""
    old, new = before.to_dict(), after.to_dict()
    names = [name for name in new if old.get(name) != new[name]]
    shown = ", ".join(f"{name}: {old.get(name)!r} in the checkpoint, {new[name]!r} now" for name in names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def load(
    cls: type[Simulation],
    path: Path,
    *,
    scenario: Scenario | None = None,
    seed: int | None = None,
    params: ModelParameters | None = None,
    params_source: str | None = None,
    kernel: str | None = None,
) -> Simulation:
    """A simulation from its checkpoint, refused (ResumeRefused) when it is not the one expected: each of
    ``scenario``, ``seed``, ``params`` and ``kernel`` that is given must be the checkpoint's, and the model's code
    (the sources the kernels are made from) must be the code that wrote it."""
    with Path(path).open("rb") as handle:
        state = pickle.load(handle)
    if not isinstance(state, dict) or not state.keys() >= REQUIRED:
        raise ValueError("not a securebase checkpoint")
    where = f"the checkpoint at '{path}'"
    if (scenario is not None and state["scenario"] != scenario) or (seed is not None and seed != state["seed"]):
        raise ResumeRefused(
            f"{where} is of another scenario or seed ('{state['scenario'].name}', seed {state['seed']})."
        )
    if params is not None and state["params"] != params:
        raise ResumeRefused(
            f"{where} ran on other model constants than "
            + (f"the calibration {params_source}" if params_source else "those given")
            + f" ({differences(state['params'], params)}); expected the --calibration of the interrupted run "
            "(see its command line)."
        )
    saved_kernel = {"numpy": "cpu", "fused": "cpu"}.get(state.get("kernel", "cpu"), state.get("kernel", "cpu"))
    if kernel is not None and kernel != saved_kernel:
        raise ResumeRefused(
            f"--kernel has value '{kernel}', but {where} was run with the '{saved_kernel}' kernel; expected the same "
            "kernel (a run is continued on the step it started with: leave --kernel out, or start afresh with "
            "--overwrite)."
        )
    code, now = state.pop("code", None), code_record()
    differ = [] if code is None else [key for key in now if code.get(key) != now[key]]  # None: from before the key
    if differ:
        shown = ", ".join(f"{key} {str(code.get(key))[:12]} there, {str(now[key])[:12]} here" for key in differ)
        raise ResumeRefused(
            f"{where} was written by other code ({shown}); expected the code that started the run (other code "
            "could give other numbers than the uninterrupted run's: start afresh with --overwrite)."
        )
    simulation = cls.__new__(cls)
    simulation.precision = "float64"  # checkpoints from before precision was a choice
    simulation.care, simulation.schedules, simulation.measurements, simulation.care_calls = [], [], [], 0
    simulation.__dict__.update(state)
    for name in TRANSIENT:  # an observer is not saved: attach it again after resuming; the GPU's copy is made again
        setattr(simulation, name, None)
    simulation.kernel = saved_kernel  # the kernels before 2026-11-27 ('numpy', 'fused'): the same model, on cpu
    return simulation
