"""A classroom of simulated children (model/classroom.py and its mechanisms) on hand-made states.

Each outcome moves in its documented direction (docs/model.md §10, "Classmates and school outcomes"); classes are
validated; the same seed gives the same numbers; the engine's own streams are untouched by the classroom.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from helpers import SHIPPED

from securebase.engine.simulation import Simulation, draw_figures
from securebase.model import externalising as ext
from securebase.model import peers
from securebase.model.ability import DEFAULT_ABILITY, draw_ability, mastery_rate, success_probability
from securebase.model.classes import ClassLayout
from securebase.model.classroom import COLUMNS, Classroom, classroom_for
from securebase.model.school import SchoolEventParameters, SchoolEvents
from securebase.model.state import FIGURE_TRAITS, HOME, SCHOOL, Figures, new_children
from securebase.scenario.load import ScenarioError, load_scenario, parse_scenario
from securebase.scenario.schema import Scenario

SIZE = 20
TEACHER = 0
#: small populations on one thread (conftest.py)
pytestmark = pytest.mark.usefixtures("one_numba_thread")


def children(n: int, anxiety=0.2, security=0.5, exploration=0.6, competence=0.3, trust=0.5, rejection=0.2, fear=0.0):
    c = new_children(n, 1, age_days=5 * 365.0)
    c.anxiety[:], c.felt_security[:], c.exploration[:], c.competence[:] = anxiety, security, exploration, competence
    c.trust[:, TEACHER] = trust
    c.prior_rejection[:], c.prior_fear[:], c.prior_unavailability[:] = rejection, fear, 0.3
    return c


def figures(n: int) -> Figures:
    z = np.zeros((n, 1))
    return Figures(
        ("teacher",), **{name: z for name in FIGURE_TRAITS}, availability=np.zeros((1, 2)), active=np.ones((n, 1), bool)
    )


def record(n: int, teacher_there: bool = True, relieved: bool = False) -> SimpleNamespace:
    """An episode's record as the engine leaves it: whom the child turned to, and whether a bid was answered warmly."""
    return SimpleNamespace(
        target=np.full(n, TEACHER if teacher_there else -1),
        answered=np.full(n, relieved),
        warm=np.full(n, relieved),
    )


def school_year(classroom: Classroom, c, episodes: int = 300, keep_state: bool = True, **record_kw) -> Classroom:
    """``episodes`` school episodes on a hand-made state (kept as made: the engine's step is not run)."""
    n = c.anxiety.size
    fixed = {name: getattr(c, name).copy() for name in ("anxiety", "felt_security", "exploration", "competence")}
    f, r = figures(n), record(n, **record_kw)
    for episode in range(episodes):
        classroom(episode // 4, SCHOOL, c, f, r)
        if keep_state:
            for name in ("anxiety", "felt_security", "exploration"):
                getattr(c, name)[:] = fixed[name]
    return classroom


def halves(n: int, name: str, low: float, high: float, **kw):
    """A population whose every class has ``name`` low in its first half of seats and high in the second."""
    c = children(n, **kw)
    seat = np.arange(n) % SIZE
    value = np.where(seat < SIZE // 2, low, high)
    if name in ("prior_rejection", "prior_fear"):
        getattr(c, name)[:] = value
    elif name == "trust":
        c.trust[:, TEACHER] = value
    else:
        getattr(c, name)[:] = value
    return c, seat >= SIZE // 2


# ---- the mechanisms' functions ---------------------------------------------------------------


def test_acceptance_depends_on_both_children() -> None:
    p = peers.DEFAULT_PEERS
    low, high = np.array([0.1]), np.array([0.8])
    assert peers.acceptance_probability(high, low, p) > peers.acceptance_probability(low, low, p)
    assert peers.acceptance_probability(low, high, p) > peers.acceptance_probability(low, low, p)
    assert peers.social_approach(high, np.array([1.0]), p) < peers.social_approach(high, np.array([0.0]), p)
    assert peers.openness(high, low) > peers.openness(low, low) > peers.openness(low, high)
    assert peers.receptiveness(low, high) > peers.receptiveness(low, low)
    assert peers.approach_factor(high, p) > peers.approach_factor(low, p)


def test_expected_acceptance_comes_from_the_general_prior() -> None:
    secure = peers.expected_acceptance(np.array([0.2]), np.array([0.1]))
    rejected = peers.expected_acceptance(np.array([0.2]), np.array([0.6]))
    unanswered = peers.expected_acceptance(np.array([0.7]), np.array([0.1]))
    assert secure > rejected
    assert secure > unanswered


def test_a_classmate_is_chosen_by_liking_and_never_oneself() -> None:
    rng = np.random.default_rng(0)
    n, size = 4000, 5
    ties = np.zeros((n, size))
    ties[:, 3] = 0.8  # everyone likes seat 3
    seat = np.arange(n) % size
    chosen = peers.choose_classmate(ties, seat, rng.random(n), peers.DEFAULT_PEERS)
    assert not (chosen == seat).any()
    others = seat != 3
    share = (chosen[others] == 3).mean()
    expected = 9.0 / (9.0 + 3.0)  # weight 1 + 10 x 0.8 against three classmates of weight 1
    assert share == pytest.approx(expected, abs=0.03)


def test_a_friendship_is_a_reciprocated_tie_and_liking_is_sociometric() -> None:
    p = peers.DEFAULT_PEERS
    ties = np.zeros((1, 3, 3))
    ties[0, 0, 1], ties[0, 1, 0] = 0.5, 0.7  # 0 and 1: both ties above friend_level
    ties[0, 0, 2], ties[0, 2, 0] = 0.9, 0.05  # 0 likes 2, 2 does not like 0: no friendship
    count, quality = peers.friendships(ties, p)
    np.testing.assert_array_equal(count, [1, 1, 0])
    assert quality[0] == pytest.approx(0.6)
    assert quality[1] == pytest.approx(0.6)
    assert np.isnan(quality[2])
    liked = peers.liked_by(ties, p)
    np.testing.assert_allclose(liked, [0.5, 0.5, 0.5])  # 0 liked by 1; 1 by 0; 2 by 0 (0.05 < like_level)


def test_hostile_attribution_and_opposition_rise_as_documented() -> None:
    p = ext.DEFAULT_EXTERNALISING
    low, high = np.array([0.1]), np.array([0.7])
    assert ext.aggression_probability(high, low, p) > ext.aggression_probability(low, low, p)
    assert ext.aggression_probability(low, high, p) > ext.aggression_probability(low, low, p)
    assert ext.hostile_attribution_probability(np.array([0.0]), np.array([0.0]), p) == pytest.approx(p.hostile_floor)
    assert ext.opposition_probability(high, low, p) > ext.opposition_probability(low, low, p)
    assert ext.opposition_probability(high, low, p) > ext.opposition_probability(high, high, p)


def test_ability_raises_success_and_learning_and_is_neutral_at_zero() -> None:
    p = DEFAULT_ABILITY
    competence = np.array([0.0, 0.2, 0.5, 0.9])
    np.testing.assert_array_equal(success_probability(competence, np.zeros(4), p), competence)
    assert (success_probability(competence[1:], np.ones(3), p) > competence[1:]).all()
    assert (success_probability(competence[1:], -np.ones(3), p) < competence[1:]).all()
    assert mastery_rate(0.002, np.array([1.0]), p) > mastery_rate(0.002, np.array([0.0]), p) == 0.002


# ---- the classroom on hand-made states -----------------------------------------------------------


def test_more_felt_security_more_approaches_and_acceptance() -> None:
    n = 20 * SIZE
    c, secure = halves(n, "felt_security", 0.1, 0.9)
    table = school_year(classroom_for(n, SIZE, 1, teacher=TEACHER), c).outcome_table(c)
    assert table["peer_approaches"][secure].mean() > 1.2 * table["peer_approaches"][~secure].mean()
    hits = table["approaches_accepted"]
    share = hits[secure].sum() / table["peer_approaches"][secure].sum()
    share_insecure = hits[~secure].sum() / table["peer_approaches"][~secure].sum()
    assert share > share_insecure + 0.05
    assert table["liked_by"][secure].mean() > table["liked_by"][~secure].mean()


def test_a_receptive_target_accepts_more() -> None:
    n = 20 * SIZE
    c, open_ = halves(n, "anxiety", 0.8, 0.05, security=0.6)  # the second half calm: more open
    table = school_year(classroom_for(n, SIZE, 2, teacher=TEACHER), c).outcome_table(c)
    given = table["acceptances_given"] / table["approaches_received"]
    assert given[open_].mean() > given[~open_].mean() + 0.05


def test_higher_expected_rejection_more_retaliation_after_a_rebuff() -> None:
    n = 20 * SIZE
    c, rejecting = halves(n, "prior_rejection", 0.05, 0.8, security=0.2)
    table = school_year(classroom_for(n, SIZE, 3, teacher=TEACHER), c).outcome_table(c)
    rebuffs = table["peer_approaches"] - table["approaches_accepted"]
    rate = table["aggression"] / rebuffs
    assert rate[rejecting].mean() > 2 * rate[~rejecting].mean()
    assert table["victimised"].sum() == table["aggression"].sum()


def test_low_trust_in_the_teacher_and_anxiety_more_opposition() -> None:
    n = 10 * SIZE
    c, trusting = halves(n, "trust", 0.1, 0.9, anxiety=0.6)
    table = school_year(classroom_for(n, SIZE, 4, teacher=TEACHER), c).outcome_table(c)
    assert table["opposition"][~trusting].mean() > 3 * table["opposition"][trusting].mean()
    c, anxious = halves(n, "anxiety", 0.05, 0.7, trust=0.3)
    table = school_year(classroom_for(n, SIZE, 4, teacher=TEACHER), c).outcome_table(c)
    assert table["opposition"][anxious].mean() > 3 * table["opposition"][~anxious].mean()
    # no demands when the teacher is not with the child
    table = school_year(classroom_for(n, SIZE, 4, teacher=TEACHER), c, teacher_there=False).outcome_table(c)
    assert table["teacher_demands"].sum() == 0
    assert table["opposition"].sum() == 0


def test_anxious_children_withdraw_and_worry_more_and_a_warm_answer_relieves_worry() -> None:
    n = 10 * SIZE
    c, anxious = halves(n, "anxiety", 0.1, 0.7)
    table = school_year(classroom_for(n, SIZE, 5, teacher=TEACHER), c).outcome_table(c)
    assert table["withdrawal"][anxious].mean() > 50
    assert table["withdrawal"][~anxious].sum() == 0
    assert table["worry"][anxious].mean() > 200
    assert table["worry"][~anxious].sum() == 0
    relieved = school_year(classroom_for(n, SIZE, 5, teacher=TEACHER), c, relieved=True).outcome_table(c)
    assert relieved["worry"].sum() == 0


def test_ability_teaches_and_security_does_not_change_ability() -> None:
    n = 20 * SIZE
    c = children(n, competence=0.3, exploration=0.9)
    classroom = school_year(classroom_for(n, SIZE, 6, school_params=SchoolEventParameters(task_rate=1.0)), c, 400)
    table = classroom.outcome_table(c)
    assert np.corrcoef(table["ability"], table["learning"])[0, 1] > 0.3
    # ability is drawn from its own stream: the same for a secure and an insecure class, and not moved by the year
    insecure = children(n, security=0.05, anxiety=0.8, rejection=0.9)
    other = school_year(classroom_for(n, SIZE, 6, school_params=SchoolEventParameters(task_rate=1.0)), insecure, 50)
    np.testing.assert_array_equal(other.ability, classroom.ability)
    np.testing.assert_array_equal(table["ability"], draw_ability(n, np.random.SeedSequence(6).spawn(3)[1]))


def test_school_events_with_ability_zero_are_the_events_without_ability() -> None:
    n = 200
    a, b = children(n), children(n)
    plain = SchoolEvents(n, seed=9, params=SchoolEventParameters(task_rate=1.0))
    zero = SchoolEvents(n, seed=9, params=SchoolEventParameters(task_rate=1.0), ability=np.zeros(n))
    for episode in range(50):
        plain(episode, SCHOOL, a, figures(n), None)
        zero(episode, SCHOOL, b, figures(n), None)
    np.testing.assert_array_equal(a.competence, b.competence)
    np.testing.assert_array_equal(plain.tasks_mastered, zero.tasks_mastered)


def test_nothing_happens_at_home_or_before_the_first_day() -> None:
    n = 2 * SIZE
    c = children(n)
    classroom = classroom_for(n, SIZE, 7, teacher=TEACHER, from_day=10)
    classroom(3, SCHOOL, c, figures(n), record(n))
    classroom(10, HOME, c, figures(n), record(n))
    table = classroom.outcome_table(c)
    assert table[["peer_approaches", "peer_available", "teacher_demands", "school_episodes"]].to_numpy().sum() == 0
    assert (classroom.ties == 0).all()


def test_the_table_has_one_row_per_child_and_the_documented_columns() -> None:
    n = 3 * SIZE
    c = children(n)
    table = school_year(classroom_for(n, SIZE, 8, teacher=TEACHER), c, 40).outcome_table(c)
    assert list(table.columns) == list(COLUMNS)
    assert len(table) == n
    np.testing.assert_array_equal(table["class"], np.arange(n) // SIZE)
    assert table["approaches_received"].sum() == table["peer_approaches"].sum()
    assert (table["acceptances_given"] <= table["approaches_received"]).all()


# ---- classes: validation, one teacher per class ---------------------------------------------------


def test_a_class_layout_must_fit_the_population() -> None:
    with pytest.raises(ValueError, match=r"class_size has value 7; expected a divisor of n_children \(100\)"):
        ClassLayout(100, 7)
    with pytest.raises(ValueError, match="class_size has value 1; expected at least 2"):
        ClassLayout(100, 1)
    with pytest.raises(TypeError, match="expected a whole number"):
        ClassLayout(100, 2.5)  # type: ignore[arg-type]
    assert ClassLayout(90, 30).n_classes == 3


SCENARIO = """
name = "classes"
[population]
n_children = {n}
start_age_years = 5.0
history = "none"
{class_line}
[[figures]]
name = "parent"
caregiving = "normative"
availability = {{ home = 0.9 }}
[[figures]]
name = "teacher"
role = "teacher"
caregiving = "integration-teacher"
availability = {{ school = 0.8 }}
[schedule]
days = 14
[schedule.school]
"""


@pytest.mark.parametrize(
    ("class_line", "message"),
    [
        ("class_size = 7", "field 'population.class_size' has value 7; expected a divisor of n_children (60)"),
        ("class_size = 1", "population.class_size"),
        ('class_size = "30"', "population.class_size"),
    ],
)
def test_a_scenario_with_classes_that_do_not_fit_is_refused_naming_the_field(class_line: str, message: str) -> None:
    with pytest.raises(ScenarioError) as error:
        parse_scenario(SCENARIO.format(n=60, class_line=class_line))
    assert message in str(error.value)


def test_a_class_shares_one_teacher_and_nothing_else_changes() -> None:
    classes = parse_scenario(SCENARIO.format(n=60, class_line="class_size = 20"))
    plain = parse_scenario(SCENARIO.format(n=60, class_line=""))
    a = draw_figures(classes, np.random.default_rng(3))
    b = draw_figures(plain, np.random.default_rng(3))
    teacher, parent = a.index("teacher"), a.index("parent")
    for name in FIGURE_TRAITS:
        by_class = getattr(a, name)[:, teacher].reshape(3, 20)
        assert (by_class == by_class[:, :1]).all(), name  # one teacher per class
        np.testing.assert_array_equal(by_class[:, 0], getattr(b, name)[::20, teacher])  # the class's first draw
        np.testing.assert_array_equal(getattr(a, name)[:, parent], getattr(b, name)[:, parent])  # parents unchanged
    assert len(np.unique(a.warmth[:, teacher])) == 3


# ---- with the engine: same seed, same numbers; the engine's streams untouched ----------------------


def small_year(n: int = 40) -> Scenario:
    scenario = load_scenario("school-year")
    population = scenario.population.model_copy(update={"n_children": n, "class_size": 20, "history": "none"})
    return scenario.model_copy(update={"population": population, "schedule": scenario.schedule.model_copy(update={"days": 21})})


def run_year(seed: int, classroom_seed: int | None):
    """A year with classes: the engine's own classroom replaced by one of ``classroom_seed`` (None: no classroom)."""
    simulation = Simulation(small_year(), seed=seed, params=SHIPPED.params)
    classroom = None
    if classroom_seed is not None:
        classroom = classroom_for(40, 20, classroom_seed, teacher=simulation.figures.index("teacher"))
    simulation.classroom = classroom
    simulation.run()
    return simulation, classroom


def test_a_scenario_with_classes_has_its_classroom_and_school_outcomes() -> None:
    simulation = Simulation(small_year(), seed=5, params=SHIPPED.params)
    assert simulation.classroom is not None
    assert simulation.classroom.teacher == simulation.figures.index("teacher")
    results = simulation.run()
    table = results.school_outcomes
    assert table is not None
    assert "school_outcomes" in results.tables()
    assert list(table.columns) == list(COLUMNS)
    assert table["school_episodes"].max() > 0
    assert table["peer_approaches"].sum() > 0
    again = Simulation(small_year(), seed=5, params=SHIPPED.params).run().school_outcomes
    assert table.equals(again)
    plain = small_year().model_copy(update={"population": small_year().population.model_copy(update={"class_size": None})})
    assert Simulation(plain, seed=5, params=SHIPPED.params).run().school_outcomes is None


def test_same_seed_same_numbers_and_the_engine_streams_are_untouched() -> None:
    first, one = run_year(0, 11)
    second, two = run_year(0, 11)
    table = one.outcome_table(first.children)
    assert table["school_episodes"].max() > 0
    assert table["peer_approaches"].sum() > 0
    assert table.equals(two.outcome_table(second.children))
    bare, _ = run_year(0, None)
    assert first.uniforms.position == bare.uniforms.position
    assert first.rng.bit_generator.state == bare.rng.bit_generator.state
    np.testing.assert_array_equal(first.figures.warmth, bare.figures.warmth)
    other, three = run_year(0, 12)  # another classroom seed: other classroom numbers on the same engine draws
    assert not table.equals(three.outcome_table(other.children))
    assert other.uniforms.position == bare.uniforms.position


def test_a_resumed_run_with_classes_gives_the_same_school_outcomes(tmp_path) -> None:
    whole = Simulation(small_year(), seed=6, params=SHIPPED.params).run().school_outcomes
    first = Simulation(small_year(), seed=6, params=SHIPPED.params)
    for _ in range(10):
        first.step()
    first.save(tmp_path / "checkpoint.pkl")
    resumed = Simulation.resume(tmp_path / "checkpoint.pkl").run().school_outcomes
    assert resumed.equals(whole)


def test_classes_on_the_gpu_kernel_are_refused_with_a_clear_error(tmp_path) -> None:
    from click.testing import CliRunner

    from securebase.cli import main

    with pytest.raises(ValueError, match=r"population\.class_size has value 20; expected no classes on the 'cuda'"):
        Simulation(small_year(), seed=1, params=SHIPPED.params, kernel="cuda")
    path = tmp_path / "classes.toml"
    population = small_year().population
    path.write_text(
        SCENARIO.format(n=population.n_children, class_line=f"class_size = {population.class_size}"), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["run", str(path), "--out", str(tmp_path / "out"), "--kernel", "cuda"])
    assert result.exit_code == 2, result.output
    assert "population.class_size has value 20; expected no classes on the 'cuda' kernel" in result.output
    assert "Traceback" not in result.output
