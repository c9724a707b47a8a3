"""The school study (S7): the quick size's findings, the contract, and the shared history (fork)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import SHIPPED, clear_of_zero

from securebase.engine.simulation import Simulation
from securebase.model.state import FIGURE_TRAITS
from securebase.studies import check_result, get_study
from securebase.studies.base import NoProgress
from securebase.studies.running import KERNEL, run_until
from securebase.studies.school import fork, scenario


@pytest.fixture(scope="module")
def result(one_numba_thread, quick_study):
    return quick_study("school", seed=0)


def finding(result, words: str):
    (match,) = [f for f in result.findings if f.statistic.startswith(words)]
    return match


def test_the_result_keeps_the_contract(result) -> None:
    check_result(get_study("school"), result)
    assert {"children", "arms"} <= result.tables.keys()
    children = result.tables["children"]
    assert set(children["arm"]) == {"integration teacher", "ordinary teacher"}
    # the arms are paired: the same children enter school with the same competence
    by_arm = [rows["competence_at_entry"].to_numpy() for _, rows in children.groupby("arm")]
    np.testing.assert_array_equal(*by_arm)


@pytest.mark.parametrize(
    "words",
    [
        "hard tasks attempted",
        "peer approaches",
        "made a new friend",
        "next hard task attempted after a setback",
        "competence gained",
    ],
)
def test_an_integration_teacher_frees_the_child_to_try(result, words: str) -> None:
    # the direction (a new friend: clear of zero, but its interval reaches below the 5-point minimum at quick size)
    assert clear_of_zero(finding(result, words))


def test_recovery_from_setbacks_is_measured_but_not_shown_at_quick_size(result) -> None:
    # NOT SUPPORTED by the model: recovery (school episodes until anxiety is back to its level
    # before the setback) hardly differs between the arms. Full size: -0.07 [-0.14, -0.01]
    # episodes at seed 0 (just supported), -0.01 [-0.07, +0.06] at seed 1 (not shown); quick
    # size: not shown at seeds 0-2. The measure is relative to each child's own level, which is
    # lower with the integration teacher. Here only that it is measured, with its sign.
    recovery = finding(result, "school episodes to recover from a setback")
    assert recovery.expected == -1
    assert np.isfinite(recovery.estimate.value)


def test_the_fork_at_school_entry_shares_the_history_and_draws_the_arms_teacher(one_numba_thread) -> None:
    def small(arm: str):
        full = scenario(arm, 12)
        population = full.population.model_copy(update={"start_age_years": 0.1})
        schedule = full.schedule.model_copy(update={"days": 21})
        return full.model_copy(update={"population": population, "schedule": schedule})

    history = Simulation(small("integration teacher"), seed=3, params=SHIPPED.params, kernel=KERNEL)
    run_until(history, 0, NoProgress())
    arms = {arm: fork(history, arm) for arm in ("ordinary teacher", "integration teacher")}
    again = fork(history, "ordinary teacher")
    teacher = history.figures.index("teacher")
    home = history.figures.index("parent")
    for name in ("anxiety", "felt_security", "competence", "prior_trust"):
        np.testing.assert_array_equal(getattr(arms["ordinary teacher"].children, name), getattr(history.children, name))
    for name in ("trust", "fear", "gain"):  # the relationship with the parent is the one lived so far
        forked = getattr(arms["ordinary teacher"].children, name)[:, home]
        np.testing.assert_array_equal(forked, getattr(history.children, name)[:, home])
    # the teacher is a new person for the child, met on day 0 from its general prior
    np.testing.assert_array_equal(arms["ordinary teacher"].children.trust[:, teacher], history.children.prior_trust)
    assert not np.array_equal(arms["ordinary teacher"].figures.warmth[:, teacher], history.figures.warmth[:, teacher])
    for name in FIGURE_TRAITS:  # the home caregiver is the same person in every arm
        np.testing.assert_array_equal(getattr(arms["integration teacher"].figures, name)[:, home],
                                      getattr(history.figures, name)[:, home])  # fmt: skip
    for simulation in (*arms.values(), again):
        run_until(simulation, simulation.end_day, NoProgress())
    assert arms["ordinary teacher"].results().summary.equals(again.results().summary)  # same seed, same numbers
    assert not arms["ordinary teacher"].results().summary.equals(arms["integration teacher"].results().summary)
