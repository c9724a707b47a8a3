"""Every kernel runs the one step of model/step.py: the compiled CPU loops, the GPU's, and the readable path agree.

Property tests draw random constants (no two equal, so that a kernel that used one
constant in place of another would disagree) and random states, and compare the
compiled CPU kernel with the same functions run uncompiled. The GPU kernels are
checked against the CPU under numba's CUDA simulator in a subprocess (the
simulator must be chosen before numba is imported), at tiny sizes.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import SHIPPED, small
from hypothesis import given, settings
from hypothesis import strategies as st

from securebase.engine import records
from securebase.engine.days import developmental_day
from securebase.engine.driver import Driver
from securebase.engine.simulation import Simulation
from securebase.engine.uniforms import UniformStream, draw
from securebase.model.parameters import ModelParameters
from securebase.model.state import FIGURE_TRAITS, Children, Figures, new_children
from securebase.model.tally import COUNT_ROW

#: constants that are probabilities or shares, kept below 1 when drawn
UNIT_CONSTANTS = {
    "security_buffering", "self_regulation", "base_calming", "internalisation_max", "soothing", "fit_floor",
    "unanswered_distress", "lapse_attention", "learning_rate", "max_learning_weight", "plasticity_floor",
    "rupture_anxiety", "tantrum_anxiety", "repair_soothing", "repair_trust_gain", "unrepaired_trust_cost",
    "fear_learning_rate", "fear_extinction", "exploration_floor", "intrusion_rate", "intrusion_cost",
    "prior_rate_per_day", "prototype_pull_per_day", "tantrum_reference_anxiety",
    # model v3 part 2: memory
    "prototype_plasticity_floor", "miscue",
}  # fmt: skip


def distinct_parameters(seed: int) -> ModelParameters:
    """Constants near the defaults, each scaled at random, no two alike."""
    rng = np.random.default_rng(seed)
    values = {}
    for index, field in enumerate(dataclasses.fields(ModelParameters)):
        value = field.default * rng.uniform(0.6, 1.4) + (index + 1) * 1.37e-4
        values[field.name] = min(value, 0.95 - index * 1e-4) if field.name in UNIT_CONSTANTS else value
    params = ModelParameters(**values)
    assert len(set(values.values())) == len(values)
    return params


def random_population(seed: int, n: int, k: int) -> tuple[Children, Figures]:
    """Children part-way through life (working models, pending ruptures) with figures of random traits."""
    rng = np.random.default_rng(seed)
    children = new_children(n, k, age_days=0.0)
    children.age_days[:] = rng.uniform(0, 20 * 365.25, n)
    for name in ("anxiety", "felt_security", "exploration", "competence", "prior_trust", "prior_unpredictability",
                 "prior_fear"):  # fmt: skip
        getattr(children, name)[:] = rng.random(n)
    children.prior_gain[:] = rng.uniform(-1, 1, n)
    for name in ("prior_rejection", "prior_unavailability"):
        getattr(children, name)[:] = rng.random(n)
    children.negative_emotionality[:] = rng.uniform(0.5, 1.5, n)
    children.soothability[:] = rng.uniform(0.5, 1.5, n)
    children.known[:] = rng.random((n, k)) < 0.8
    for name in ("trust", "unpredictability", "fear", "rejection", "unavailability", "familiarity"):
        getattr(children, name)[:] = rng.random((n, k))
    children.gain[:] = rng.uniform(-1.5, 1.5, (n, k))
    children.rupture_kind[:] = rng.integers(0, 3, (n, k))
    children.rupture_elapsed_days[:] = rng.uniform(0, 2, (n, k))
    children.rupture_due_days[:] = rng.uniform(0, 2, (n, k))
    children.rupture_will_repair[:] = rng.random((n, k)) < 0.5
    # model v3 part 2: a history of alarm (slowing extinction) and care drifted either way
    children.alarm_history[:] = rng.uniform(0.0, 100.0, (n, k))
    children.care_drift[:] = rng.normal(0.0, 0.5, (n, k))
    children.rupture_alarm[:] = rng.uniform(0.0, 1.0, (n, k))
    # model v3 part 2: memory (evidence of the prototype in days, of each relationship in outcomes)
    children.prior_evidence[:] = rng.uniform(0, 1500, n)
    children.evidence[:] = rng.uniform(0, 50, (n, k))
    traits = {name: rng.random((n, k)) for name in FIGURE_TRAITS}
    traits["rupture_rate"] *= 3.0
    traits["repair_latency_days"] *= 2.0
    traits["anomalous_rate"] *= 2.0
    figures = Figures(
        names=tuple(f"figure{j}" for j in range(k)),
        availability=rng.random((k, 2)),
        active=rng.random((n, k)) < 0.9,
        **traits,
    )
    return children, figures


def assert_same_state(expected: Children, got: Children, tolerance: float = 1e-12) -> None:
    for name in expected.__dataclass_fields__:
        x, y = getattr(expected, name), getattr(got, name)
        assert x.dtype == y.dtype, name
        if np.issubdtype(x.dtype, np.floating):
            np.testing.assert_allclose(y, x, rtol=0, atol=tolerance, err_msg=name)
        else:
            np.testing.assert_array_equal(y, x, err_msg=name)


def assert_same_record(expected, got, tolerance: float = 1e-12) -> None:
    for name, x, y in zip(expected._fields, expected, got, strict=True):
        if np.issubdtype(x.dtype, np.floating):
            np.testing.assert_allclose(y, x, rtol=0, atol=tolerance, err_msg=name)
        else:
            np.testing.assert_array_equal(y, x, err_msg=name)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 4), moment=st.booleans())
def test_the_compiled_step_is_the_readable_step(seed: int, k: int, moment: bool) -> None:
    params = distinct_parameters(seed)
    children, figures = random_population(seed, 40, k)
    rng = np.random.default_rng(seed)
    expected, got = copy.deepcopy(children), copy.deepcopy(children)
    steps_per_episode = 240.0 if moment else 1.0
    for _ in range(3):
        draws = draw(rng, children.n, k)
        present = rng.random((children.n, k)) < 0.7
        need = rng.random(children.n) * 0.6
        attention = np.where(rng.random((children.n, k)) < 0.8, 1.0, params.lapse_attention)
        dt_days = 1.0 / 8.0 / steps_per_episode
        args = (figures, present, attention, need, draws.child, params, dt_days, steps_per_episode)
        slow = Driver("readable").step(expected, *args)
        fast = Driver("cpu").step(got, *args)
        assert_same_record(slow, fast)
        assert_same_state(expected, got)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 3))
def test_the_compiled_day_is_the_readable_day(seed: int, k: int) -> None:
    """The developmental day's timeline (attention, two episodes with their counting, the end of the day and the
    read-out) on the driver, with the compiled loops and the readable ones."""
    params = distinct_parameters(seed)
    # 80 children: with model v3's lower-bound reading, 30 random children can pass two episodes without a bid
    children, figures = random_population(seed, 80, k)
    results = {}
    for name in ("readable", "cpu"):
        state = copy.deepcopy(children)
        driver = Driver(name)
        totals = records.ChildTotals.empty(state.n)
        population = driver.population(state, figures, totals)
        settings = np.array([1, 0], np.int8)
        day, readout = driver.drive(
            developmental_day(population, settings, UniformStream(key=seed), params, True)
        )
        results[name] = (state, population.record, day.count_row, totals, population.attention, readout,
                         population.day_sums)  # fmt: skip
    (a, ra, ca, sa, aa, oa, da), (b, rb, cb, sb, ab, ob, db) = results["readable"], results["cpu"]
    assert_same_state(a, b)
    assert_same_record(ra, rb)
    assert ca.shape == (COUNT_ROW,)
    np.testing.assert_array_equal(cb, ca)
    np.testing.assert_array_equal(sb.count_matrix, sa.count_matrix)
    np.testing.assert_allclose(db, da, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(ab, aa)
    np.testing.assert_allclose(ob, oa, rtol=1e-12, atol=1e-12)
    # the totals count both episodes: every bid of the population is in the count row and in the children's totals
    assert ca[:5].sum() == sa.count_matrix[:5].sum() > 0


def test_a_swapped_constant_is_caught() -> None:
    """The sameness tests can fail: the readable path with two constants swapped disagrees with the compiled one."""
    params = distinct_parameters(7)
    swapped = dataclasses.replace(params, rupture_anxiety=params.tantrum_anxiety, tantrum_anxiety=params.rupture_anxiety)
    children, figures = random_population(7, 200, 2)
    draws = draw(np.random.default_rng(7), children.n, 2)
    present = np.ones((children.n, 2), bool)
    a, b = copy.deepcopy(children), copy.deepcopy(children)
    args = (figures, present, np.ones((children.n, 2)), np.full(children.n, 0.3), draws.child)
    Driver("readable").step(a, *args, params, 0.5)
    Driver("cpu").step(b, *args, swapped, 0.5)
    with pytest.raises(AssertionError):
        assert_same_state(a, b)


def test_float32_state_keeps_the_figures_close() -> None:
    """Single-precision state: the same run's daily summaries move by little (docs/model.md §1 gives the figures)."""
    scenario = small("school-year", n_children=400, days=20, start_age_years=0.5)
    double = Simulation(scenario, seed=5, params=SHIPPED.params).run()
    single = Simulation(scenario, seed=5, params=SHIPPED.params, precision="float32").run()
    assert single.children["anxiety"].dtype == np.float32
    for column in ("anxiety", "felt_security", "exploration", "competence", "share_secure"):
        gap = np.abs(double.summary[column] - single.summary[column]).max()
        assert gap < 0.02, (column, gap)


def test_the_gpu_kernels_agree_with_the_cpu_under_the_simulator() -> None:
    script = Path(__file__).parents[1] / "benchmarks" / "gpu_check.py"
    environment = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1"}
    done = subprocess.run(
        [sys.executable, str(script), "--children", "6", "--days", "3", "--exact"],
        check=False, env=environment, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "GPU kernels agree with the CPU" in done.stdout


def test_a_checkpoint_of_the_old_kernels_resumes_on_the_cpu(tmp_path: Path) -> None:
    """Checkpoints written before 2026-11-27 name the kernels 'numpy' or 'fused' and hold no precision."""
    import pickle

    simulation = Simulation(small("school-year", n_children=20, days=3), seed=1, params=SHIPPED.params)
    simulation.step()
    path = tmp_path / "checkpoint.pkl"
    simulation.save(path)
    state = pickle.loads(path.read_bytes())
    state["kernel"] = "fused"
    del state["precision"]
    path.write_bytes(pickle.dumps(state))
    resumed = Simulation.resume(path)
    assert (resumed.kernel, resumed.precision) == ("cpu", "float64")
    resumed.run()
    assert resumed.finished


def test_the_kernel_cache_key_covers_every_function_the_kernels_compile() -> None:
    """The compiled kernels' on-disk cache is keyed on the sources in _version.KERNEL_SOURCES alone, so every
    function that retarget compiles into a kernel must be defined there (else an edit to it would not recompile)."""
    from securebase._version import KERNEL_SOURCES
    from securebase.engine.kernels import loops
    from securebase.engine.kernels.retarget import retarget

    reached: dict = {}
    for loop in loops.LOOPS:
        retarget(loop, lambda f: f, lambda f: f, reached)
    packages = tuple("securebase." + folder.replace("/", ".") + "." for folder in KERNEL_SOURCES)
    modules = {function.__module__ for function in reached}
    assert modules, "retarget reached no function"
    assert {m for m in modules if not m.startswith(packages)} == set()


def test_an_edit_outside_the_kernels_sources_keeps_the_cache_key(tmp_path: Path) -> None:
    """Editing the web app or the CLI changes the package's source hash, not the kernels' cache key."""
    import shutil

    import securebase

    package = Path(securebase.__file__).parent
    copy_root = tmp_path / "securebase"
    shutil.copytree(package, copy_root, ignore=shutil.ignore_patterns("__pycache__"))
    script = "import securebase._version as v; print(v.kernel_source_hash(), v.source_hash())"

    def hashes() -> list[str]:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)})  # fmt: skip
        return done.stdout.split()

    kernel_before, source_before = hashes()
    (copy_root / "cli.py").write_text((copy_root / "cli.py").read_text() + "\n# an edit\n")
    kernel_after, source_after = hashes()
    assert source_after != source_before
    assert kernel_after == kernel_before
    (copy_root / "model" / "step.py").write_text((copy_root / "model" / "step.py").read_text() + "\n# an edit\n")
    assert hashes()[0] != kernel_before
