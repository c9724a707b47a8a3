"""The driver around the step (engine/driver.py), the day's plan, checkpoints' resume policy and stopping."""

from __future__ import annotations

import dataclasses
import os
import pickle
import signal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import SHIPPED, small

from securebase.engine import plan
from securebase.engine.checkpoints import ResumeRefused
from securebase.engine.simulation import Simulation
from securebase.stopping import Terminated, deferred_stop

PARAMS = SHIPPED.params


def _run_with(observer) -> pd.DataFrame:
    simulation = Simulation(small("responsive-care", n_children=30, days=3), seed=3, params=PARAMS)
    simulation.on_episode = observer
    return simulation.run().summary


def test_an_observer_that_replaces_an_array_is_seen_by_the_episode_and_the_count_after_it() -> None:
    """An observer may assign a new array (the classroom's school events do): the count of the episode it saw and
    the next episode use the new array, as they use an array changed in place."""

    def calmer(values: np.ndarray) -> np.ndarray:
        return (values * 0.5).astype(values.dtype)

    def replacing(day, setting, children, figures, record) -> None:
        children.anxiety = calmer(children.anxiety)

    def in_place(day, setting, children, figures, record) -> None:
        np.copyto(children.anxiety, calmer(children.anxiety))

    replaced, changed, untouched = _run_with(replacing), _run_with(in_place), _run_with(None)
    pd.testing.assert_frame_equal(replaced, changed, check_exact=True)
    assert not replaced["anxiety"].equals(untouched["anxiety"])  # the observer's change shows


def test_the_plan_lists_the_day_modules_in_the_order_they_run() -> None:
    lines = Simulation.plan(checkpoint_every_days=30)
    names = [work.name for work in plan.BEFORE] + [work.name for work in plan.AFTER]
    positions = [next(i for i, line in enumerate(lines) if line.endswith(name)) for name in names]
    assert positions == sorted(positions)
    day_lines = [i for i, line in enumerate(lines) if line.startswith("day: ")]
    assert positions[len(plan.BEFORE) - 1] < min(day_lines)
    assert max(day_lines) < positions[len(plan.BEFORE)]
    assert "30 days" in lines[-1]


def test_a_day_module_runs_only_when_due_and_in_the_plan_order(monkeypatch: pytest.MonkeyPatch) -> None:
    simulation = Simulation(small("responsive-care", n_children=4, days=2), seed=1, params=PARAMS)
    ran: list[tuple[str, int]] = []

    @dataclasses.dataclass(frozen=True)
    class Spy:
        name: str
        on_day: int

        def due(self, sim, day):
            return day == self.on_day

        def run(self, sim, day):
            ran.append((self.name, day))

    first_day = simulation.day
    monkeypatch.setattr(plan, "BEFORE", (Spy("first", first_day + 1), *plan.BEFORE, Spy("second", first_day + 1)))
    simulation.step()
    assert ran == []
    simulation.step()
    assert ran == [("first", first_day + 1), ("second", first_day + 1)]


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Simulation]:
    simulation = Simulation(small("responsive-care", n_children=6, days=3), seed=5, params=PARAMS)
    simulation.step()
    path = tmp_path_factory.mktemp("checkpoint") / "checkpoint.pkl"
    simulation.save(path)
    return path, simulation


def test_resume_accepts_the_checkpoint_it_is_asked_for(checkpoint) -> None:
    path, simulation = checkpoint
    resumed = Simulation.resume(path, scenario=simulation.scenario, seed=5, params=PARAMS, kernel="cpu")
    assert resumed.day == simulation.day


@pytest.mark.parametrize(
    ("asked", "words"),
    [
        ({"seed": 6}, "another scenario or seed"),
        ({"params": dataclasses.replace(PARAMS, soothing=PARAMS.soothing / 2)}, "other model constants"),
        ({"kernel": "readable"}, "was run with the 'cpu' kernel"),
    ],
)
def test_resume_refuses_a_checkpoint_that_is_not_the_one_asked_for(checkpoint, asked: dict, words: str) -> None:
    path, _ = checkpoint
    with pytest.raises(ResumeRefused) as refused:
        Simulation.resume(path, **asked)
    message = str(refused.value)
    assert words in message
    assert str(path) in message
    assert "\n" not in message


def test_resume_refuses_a_checkpoint_of_other_code(checkpoint, tmp_path: Path) -> None:
    """A checkpoint holds the code record every resumable work holds (run.json, sweeps', trials' manifests)."""
    from securebase._version import code_record

    path, _ = checkpoint
    state = pickle.loads(path.read_bytes())
    assert state["code"] == code_record()
    state["code"] = state["code"] | {"securebase_source": "0" * 64}
    other = tmp_path / "checkpoint.pkl"
    other.write_bytes(pickle.dumps(state))
    with pytest.raises(ResumeRefused, match=r"other code \(securebase_source 000000000000 there"):
        Simulation.resume(other)
    del state["code"]  # a checkpoint from before the code was recorded: resumed
    other.write_bytes(pickle.dumps(state))
    assert Simulation.resume(other).day == checkpoint[1].day


def test_a_stop_signal_sets_the_flag_and_a_second_stops_at_once() -> None:
    with deferred_stop() as flag:
        os.kill(os.getpid(), signal.SIGTERM)
        assert flag.is_set()
        assert flag.signum == signal.SIGTERM
        with pytest.raises(Terminated):
            flag.check()
        with pytest.raises(Terminated):
            os.kill(os.getpid(), signal.SIGTERM)
    with deferred_stop(second_stops=False) as flag:
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGINT)  # noted again, not raised
        assert flag.signum == signal.SIGINT
        with pytest.raises(KeyboardInterrupt):
            flag.check()


def test_a_day_reads_its_counts_back_once_whatever_its_episodes() -> None:
    """The backend's arrays are read by the host once a day (the counts and the read-out), never between the day's
    episodes: on a GPU a read waits for the device, and a wait per episode idles it."""
    from securebase.engine import records
    from securebase.engine.days import developmental_day
    from securebase.engine.driver import Driver
    from securebase.engine.uniforms import UniformStream

    simulation = Simulation(small("responsive-care", n_children=8, days=1), seed=2, params=PARAMS)
    driver = Driver("cpu")
    reads: list[object] = []
    take = driver.backend.get
    driver.backend.get = lambda values: reads.append(values) or take(values)
    population = driver.population(simulation.children, simulation.figures, records.ChildTotals.empty(8))
    for episodes in (2, 8):
        reads.clear()
        settings = np.zeros(episodes, np.int8)
        day, _ = driver.drive(developmental_day(population, settings, UniformStream(key=1), PARAMS, True))
        assert day.episodes == episodes
        assert len(reads) == 2


def test_the_gpu_day_kernel_makes_the_uniforms_the_cpu_reads() -> None:
    """The GPU's episode kernel makes each child's uniforms itself (kernels/cuda.py uniform_generated, in place of
    model.step.uniform): the very numbers the CPU fills at the same positions of the stream, and the stream moves on
    by as many."""
    from securebase.engine.kernels.cuda import Device, uniform_generated
    from securebase.engine.uniforms import UniformStream
    from securebase.model.step import CHILD_DRAWS, uniform

    n = 37
    filled, made = UniformStream(key=0xBEEF, position=1234), UniformStream(key=0xBEEF, position=1234)
    memory = filled.fill(np.empty((CHILD_DRAWS, n), np.float32))
    u = Device.child_uniforms(None, made, n)  # the stream's key and start: the GPU needs nothing else
    assert made.position == filled.position
    with np.errstate(over="ignore"):  # SplitMix64 wraps its uint64 products, as compiled
        made_here = [[uniform_generated(u, row, i) for i in range(n)] for row in range(CHILD_DRAWS)]
    assert made_here == [[uniform(memory, row, i) for i in range(n)] for row in range(CHILD_DRAWS)]
    assert made_here[0][1] != uniform(memory, 0, 0)  # a wrong position would be seen


def test_docs_show_the_plan_as_it_is() -> None:
    """docs/model.md prints the day's plan; it is the plan Simulation.plan() gives (an edit of either shows)."""
    docs = (Path(__file__).parents[1] / "docs" / "model.md").read_text(encoding="utf-8")
    assert "\n".join(Simulation.plan()) in docs
