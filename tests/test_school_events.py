"""School events (model/school.py) on hand-made state, and the engine's per-episode observer hook."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from helpers import SHIPPED

from securebase.engine.simulation import Simulation
from securebase.model.school import (
    DRAWS,
    SchoolEventParameters,
    SchoolEvents,
    approach_probability,
    attempt_probability,
)
from securebase.model.state import FIGURE_TRAITS, HOME, SCHOOL, Figures, new_children
from securebase.scenario.schema import Scenario

#: small populations on one thread (conftest.py)
pytestmark = pytest.mark.usefixtures("one_numba_thread")

ALWAYS = SchoolEventParameters(task_rate=1.0, attempt_floor=1.0, peer_rate=0.0)


def children(n: int, anxiety: float = 0.3, competence: float = 0.0, exploration: float = 0.5, security: float = 0.5):
    c = new_children(n, 1, age_days=5 * 365.0)
    c.anxiety[:] = anxiety
    c.competence[:] = competence
    c.exploration[:] = exploration
    c.felt_security[:] = security
    return c


def no_figures(n: int) -> Figures:
    z = np.zeros((n, 1))
    return Figures(
        ("teacher",), **{name: z for name in FIGURE_TRAITS}, availability=np.zeros((1, 2)), active=np.zeros((n, 1), bool)
    )


def test_attempts_rise_with_exploration_and_approaches_with_exploration_and_felt_security() -> None:
    p = SchoolEventParameters()
    low, high = np.array([0.1]), np.array([0.9])
    assert attempt_probability(high, p) > attempt_probability(low, p)
    assert attempt_probability(np.array([0.0]), p) == pytest.approx(p.attempt_floor)
    assert approach_probability(high, low, p) > approach_probability(low, low, p)
    assert approach_probability(high, high, p) > approach_probability(high, low, p)


def test_a_failed_task_is_a_setback_that_raises_anxiety_and_a_mastered_one_teaches() -> None:
    failing = children(4, anxiety=0.2, competence=0.0)
    events = SchoolEvents(4, seed=1, params=ALWAYS)
    events(0, SCHOOL, failing, no_figures(4), None)
    assert (events.setbacks == 1).all()
    assert (events.tasks_mastered == 0).all()
    np.testing.assert_allclose(failing.anxiety, 0.2 + 0.8 * ALWAYS.setback_anxiety)
    assert (failing.competence == 0.0).all()

    mastering = children(4, anxiety=0.2, competence=0.9999999)
    events = SchoolEvents(4, seed=1, params=ALWAYS)
    events(0, SCHOOL, mastering, no_figures(4), None)
    assert (events.tasks_mastered == 1).all()
    assert (events.setbacks == 0).all()
    np.testing.assert_allclose(mastering.anxiety, 0.2)
    assert (mastering.competence > 0.9999999).all()


def test_nothing_happens_at_home_or_before_the_first_day_counted() -> None:
    c = children(5)
    events = SchoolEvents(5, seed=1, params=ALWAYS, from_day=3)
    events(2, SCHOOL, c, no_figures(5), None)
    events(3, HOME, c, no_figures(5), None)
    assert events.school_episodes.sum() == 0
    assert events.tasks_offered.sum() == 0
    np.testing.assert_allclose(c.anxiety, 0.3)


def test_recovery_counts_school_episodes_until_anxiety_is_back_and_censors_at_the_horizon() -> None:
    p = dataclasses.replace(ALWAYS, recovery_horizon_episodes=3)
    c = children(2, anxiety=0.4, competence=0.0)
    events = SchoolEvents(2, seed=1, params=p)
    events(0, SCHOOL, c, no_figures(2), None)  # both fail: setbacks from 0.4
    assert (events.episodes_since_setback == 0).all()
    no_tasks = dataclasses.replace(p, task_rate=0.0)
    events.params = no_tasks
    events(0, HOME, c, no_figures(2), None)  # home episodes do not count
    assert (events.episodes_since_setback == 0).all()
    c.anxiety[:] = [0.35, 0.5]  # child 0 is back below its level; child 1 is not
    events(1, SCHOOL, c, no_figures(2), None)
    assert events.recoveries.tolist() == [1, 0]
    assert events.recovery_episodes.tolist() == [1, 0]
    events(1, SCHOOL, c, no_figures(2), None)
    events(1, SCHOOL, c, no_figures(2), None)  # child 1 reaches the horizon: closed at 3
    assert events.recoveries.tolist() == [1, 1]
    assert events.recovery_episodes.tolist() == [1, 3]
    np.testing.assert_allclose(events.mean_recovery_episodes(), [1.0, 3.0])


def test_attempting_the_next_task_after_a_setback() -> None:
    c = children(1, competence=0.0)
    events = SchoolEvents(1, seed=1, params=ALWAYS)
    events(0, SCHOOL, c, no_figures(1), None)  # a setback
    events(0, SCHOOL, c, no_figures(1), None)  # the next task, attempted (and failed again)
    assert events.tasks_offered_after_setback.tolist() == [1]
    assert events.tasks_attempted_after_setback.tolist() == [1]


def test_more_exploring_and_more_secure_children_attempt_and_approach_more() -> None:
    n = 4000
    p = SchoolEventParameters()
    counts = {}
    for level in (0.2, 0.8):
        c = children(n, exploration=level, security=level)
        events = SchoolEvents(n, seed=3, params=p)
        for _ in range(10):
            events(0, SCHOOL, c, no_figures(n), None)
            c.anxiety[:] = 0.3
        counts[level] = (events.tasks_attempted.sum(), events.peer_approaches.sum(), events.friends_made.sum())
    assert all(high > low for high, low in zip(counts[0.8], counts[0.2], strict=True))


def test_the_events_draw_a_fixed_count_from_their_own_generator() -> None:
    a, b = SchoolEvents(7, seed=11), SchoolEvents(7, seed=11)
    busy = children(7, exploration=1.0, security=1.0)
    idle = children(7, exploration=0.0, security=0.0)
    a(0, SCHOOL, busy, no_figures(7), None)
    b(0, SCHOOL, idle, no_figures(7), None)
    # whatever happened, both drew DRAWS numbers per child: their generators are in the same place
    assert a.rng.random() == b.rng.random()
    assert DRAWS == 8  # task offered, attempted, succeeded; approach; friend; setback noticed, answered, warmly


def test_with_classmates_simulated_the_events_leave_peers_to_the_classroom_and_draw_as_many() -> None:
    n = 50
    plain, classroom = SchoolEvents(n, seed=4), SchoolEvents(n, seed=4, fixed_peers=False)
    a, b = children(n, exploration=1.0, security=1.0), children(n, exploration=1.0, security=1.0)
    for episode in range(20):
        plain(episode, SCHOOL, a, no_figures(n), None)
        classroom(episode, SCHOOL, b, no_figures(n), None)
    assert plain.peer_approaches.sum() > 0
    assert classroom.peer_approaches.sum() == 0
    assert classroom.friends_made.sum() == 0
    np.testing.assert_array_equal(plain.tasks_attempted, classroom.tasks_attempted)  # tasks as before
    assert plain.rng.random() == classroom.rng.random()  # the same numbers drawn


# ---- the engine's observer hook ------------------------------------------------------------------


def school_scenario(n: int = 30) -> Scenario:
    return Scenario(
        name="hook",
        population={"n_children": n, "start_age_years": 0.05, "history": "simulate"},
        figures=[
            {"name": "parent", "caregiving": "mixed-risk", "availability": {"home": 0.9}},
            {"name": "teacher", "role": "teacher", "caregiving": "normative", "availability": {"school": 0.8}},
        ],
        schedule={"days": 14, "school": {"days_per_week": 5, "episodes": [2, 6], "holidays": [[7, 9]]}},
    )


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int, float, int]] = []

    def __call__(self, day, setting, children, figures, record) -> None:
        self.calls.append((day, setting, float(children.anxiety.sum()), int((record.target >= 0).sum())))


@pytest.mark.parametrize("kernel", ["readable", "cpu"])
def test_an_observer_that_only_reads_changes_nothing(kernel: str) -> None:
    plain = Simulation(school_scenario(), seed=4, params=SHIPPED.params, kernel=kernel).run()
    recorder = Recorder()
    observed = Simulation(school_scenario(), seed=4, params=SHIPPED.params, kernel=kernel, on_episode=recorder).run()
    for name in ("summary", "children", "child_figures"):
        assert getattr(plain, name).equals(getattr(observed, name)), name
    scenario = school_scenario()
    days = scenario.history_days + scenario.schedule.days
    assert len(recorder.calls) == days * scenario.schedule.episodes_per_day
    school = [(day, setting) for day, setting, _, _ in recorder.calls if setting == SCHOOL]
    # school days: 0-4 and 9-11 (days 7 and 8 are a holiday), 4 school episodes each
    assert sorted({day for day, _ in school}) == [0, 1, 2, 3, 4, 9, 10, 11]
    assert len(school) == 8 * 4


def test_the_observer_is_called_at_the_same_point_on_both_kernels() -> None:
    calls = {}
    for kernel in ("readable", "cpu"):
        recorder = Recorder()
        Simulation(school_scenario(), seed=4, params=SHIPPED.params, kernel=kernel, on_episode=recorder).run()
        calls[kernel] = recorder.calls
    assert [c[:2] + c[3:] for c in calls["readable"]] == [c[:2] + c[3:] for c in calls["cpu"]]
    np.testing.assert_allclose([c[2] for c in calls["readable"]], [c[2] for c in calls["cpu"]], rtol=0, atol=1e-9)


@pytest.mark.parametrize("kernel", ["readable", "cpu"])
def test_an_observer_that_changes_the_state_changes_the_run(kernel: str) -> None:
    events = SchoolEvents(30, seed=2, params=ALWAYS)
    plain = Simulation(school_scenario(), seed=4, params=SHIPPED.params, kernel=kernel).run()
    with_events = Simulation(school_scenario(), seed=4, params=SHIPPED.params, kernel=kernel, on_episode=events).run()
    assert events.setbacks.sum() > 0
    assert with_events.children["mean_anxiety"].mean() > plain.children["mean_anxiety"].mean()


def test_a_checkpoint_leaves_the_observer_out(tmp_path) -> None:
    simulation = Simulation(school_scenario(), seed=4, params=SHIPPED.params, kernel="cpu", on_episode=Recorder())
    simulation.step()
    simulation.save(tmp_path / "checkpoint.pkl")
    resumed = Simulation.resume(tmp_path / "checkpoint.pkl")
    assert resumed.on_episode is None
    assert resumed.day == simulation.day
