"""School events: hard tasks, peer approaches and setbacks in school episodes (S7).

What happens to a child in a school episode follows from its state in that
episode, as the engine's step left it (docs/model.md §10, "School events"):

- a **hard task** is offered with probability ``task_rate``; the child
  attempts it with probability ``attempt_floor + (1 - attempt_floor) *
  exploration`` (a child that is exploring takes the risk); an attempt
  succeeds with probability equal to the child's competence, and a success
  teaches (competence += ``mastery_gain * (1 - competence)``);
- a failed attempt is a **setback**: anxiety rises by ``(1 - anxiety) *
  setback_anxiety``; the child has recovered when its anxiety is back at or
  below its level just before the setback, and the episodes that took (at
  most ``recovery_horizon_episodes``, counted in school episodes, the setting
  of the setback and of its baseline; with ``recovery_at_school=False`` in
  every episode, home included) are its recovery time. The figure the child
  is with (a teacher) notices a setback without waiting for a bid, at its own
  sensitivity, and answers it as it answers a bid (model/caregiving.py
  ``response`` with no signal: noticed with probability sensitivity, followed
  through with its reliability, warmly with its warmth); a warm answer soothes
  as a warm response does (``soothing_of_warm_response``) - a supportive
  teacher helps a setback within the moment (issue 24);
- a **peer approach** is tried with probability ``peer_rate * exploration *
  (approach_floor + (1 - approach_floor) * felt_security)`` (rising with
  exploration and with felt security), and an approach makes a new friend with
  probability ``friend_probability``; with classmates simulated as children
  (``fixed_peers=False``: model/classroom.py) the classroom decides approaches
  and friendships instead, and fills these two tallies.

With a general ability per child (``ability``, model/ability.py) an attempt
succeeds with ``success_probability`` and a mastered task teaches at
``mastery_rate``; without it (``None``), as above.

Everything is arrays over children (no loop over children). The events draw
their own random numbers, a fixed count per school episode (``DRAWS``), from
their own generator: the engine's streams are untouched, and two runs with
the same seed and schedule meet the same school events' numbers (common random
numbers across arms).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from securebase.model.ability import DEFAULT_ABILITY, AbilityParameters, mastery_rate, success_probability
from securebase.model.caregiving import WARM, response, soothing_of_warm_response
from securebase.model.parameters import ModelParameters
from securebase.model.ruptures import upset
from securebase.model.state import SCHOOL, Children, Figures
from securebase.model.working_model import toward

#: uniforms drawn per child in every school episode, whatever happens:
#: task offered, attempted, succeeded; peer approach tried; friend made; a setback noticed, answered, warmly
DRAWS = 8


@dataclass(frozen=True)
class SchoolEventParameters:
    """The constants of school events (docs/model.md §10, "School events")."""

    #: probability that a hard task is offered to a child in a school episode
    task_rate: float = 0.25
    #: probability of attempting an offered task with no exploration at all (the teacher asks)
    attempt_floor: float = 0.1
    #: competence gained by mastering a hard task, as a share of what is left to learn
    mastery_gain: float = 0.002
    #: share of remaining calm lost when an attempt fails (a setback)
    setback_anxiety: float = 0.3
    #: recovery times are counted up to this many episodes (at school: about six school days)
    recovery_horizon_episodes: int = 24
    #: count and check recovery in school episodes only (the setting of the setback and of its
    #: baseline); False: in every episode, home included
    recovery_at_school: bool = True
    #: probability that a peer is there to approach in a school episode
    peer_rate: float = 0.5
    #: willingness to approach a peer with no felt security (× exploration)
    approach_floor: float = 0.3
    #: probability that one approach makes a new friend
    friend_probability: float = 0.05

    def __post_init__(self) -> None:
        for name in ("task_rate", "attempt_floor", "setback_anxiety", "peer_rate", "approach_floor"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {getattr(self, name)}")
        if not 0.0 <= self.mastery_gain < 1.0 or not 0.0 <= self.friend_probability <= 1.0:
            raise ValueError("mastery_gain must be in [0, 1) and friend_probability in [0, 1]")
        if self.recovery_horizon_episodes < 1:
            raise ValueError("recovery_horizon_episodes must be at least 1")


DEFAULT_SCHOOL_EVENTS = SchoolEventParameters()


def attempt_probability(exploration: np.ndarray, p: SchoolEventParameters) -> np.ndarray:
    """P(attempt | a hard task is offered): rises with exploration."""
    return p.attempt_floor + (1.0 - p.attempt_floor) * exploration


def approach_readiness(felt_security: np.ndarray, p: SchoolEventParameters) -> np.ndarray:
    """Readiness to approach a peer (× exploration): ``approach_floor`` with no felt security, 1 with full."""
    return p.approach_floor + (1.0 - p.approach_floor) * felt_security


def approach_probability(exploration: np.ndarray, felt_security: np.ndarray, p: SchoolEventParameters) -> np.ndarray:
    """P(a peer approach is tried) in a school episode: rises with exploration and felt security."""
    return p.peer_rate * exploration * approach_readiness(felt_security, p)


@dataclass
class SchoolEvents:
    """School events for a population, and their tallies per child. Use as a Simulation's ``on_episode``.

    ``seed`` seeds the events' own generator (a ``SeedSequence``); ``from_day``
    is the first scenario day counted (earlier days, e.g. the history, pass).
    ``ability``: each child's general ability (model/ability.py), or None (none
    acts). ``fixed_peers``: peer approaches make friends with a fixed
    probability here; False when a classroom (model/classroom.py) simulates them.
    """

    n_children: int
    seed: int | np.random.SeedSequence
    params: SchoolEventParameters = DEFAULT_SCHOOL_EVENTS
    from_day: int = 0
    ability: np.ndarray | None = None
    ability_params: AbilityParameters = DEFAULT_ABILITY
    fixed_peers: bool = True
    #: the model's constants (a warm answer's soothing): the study's calibration
    model: ModelParameters = field(default_factory=ModelParameters)
    rng: np.random.Generator = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = self.n_children
        sequence = self.seed if isinstance(self.seed, np.random.SeedSequence) else np.random.SeedSequence(self.seed)
        self.rng = np.random.Generator(np.random.PCG64(sequence))
        counts = (
            "school_episodes",
            "tasks_offered",
            "tasks_attempted",
            "tasks_mastered",
            "setbacks",
            "peer_approaches",
            "friends_made",
            "recoveries",
            "recovery_episodes",
            "tasks_offered_after_setback",
            "tasks_attempted_after_setback",
        )
        for name in counts:
            setattr(self, name, np.zeros(n, np.int64))
        #: felt security and exploration summed over school episodes (for means at school)
        self.felt_security_sum = np.zeros(n)
        self.exploration_sum = np.zeros(n)
        #: recovering from a setback: anxiety to return to, and episodes so far (-1: not recovering)
        self.anxiety_before_setback = np.zeros(n)
        self.episodes_since_setback = np.full(n, -1, np.int64)
        #: a setback happened and no task has been offered since (for "attempts the next task")
        self.awaiting_next_task = np.zeros(n, bool)

    def __call__(self, day: int, setting: int, children: Children, figures: Figures, record: object) -> None:
        if day < self.from_day:
            return
        if setting == SCHOOL or not self.params.recovery_at_school:
            self._recovery(children)
        if setting == SCHOOL:
            self._school_episode(children, figures, getattr(record, "target", None))

    def _recovery(self, children: Children) -> None:
        """Advance the recovery clock of every child recovering from a setback (any setting)."""
        recovering = self.episodes_since_setback >= 0
        self.episodes_since_setback[recovering] += 1
        recovered = recovering & (children.anxiety <= self.anxiety_before_setback)
        censored = recovering & ~recovered & (self.episodes_since_setback >= self.params.recovery_horizon_episodes)
        closed = recovered | censored
        self.recoveries += closed
        self.recovery_episodes += np.where(closed, self.episodes_since_setback, 0)
        self.episodes_since_setback[closed] = -1

    def _school_episode(self, children: Children, figures: Figures, target: np.ndarray | None) -> None:
        p = self.params
        u = self.rng.random((DRAWS, self.n_children))
        self.school_episodes += 1
        exploration, competence = children.exploration, children.competence
        self.felt_security_sum += children.felt_security
        self.exploration_sum += exploration

        offered = u[0] < p.task_rate
        attempted = offered & (u[1] < attempt_probability(exploration, p))
        ability = self.ability
        success = competence if ability is None else success_probability(competence, ability, self.ability_params)
        mastered = attempted & (u[2] < success)
        setback = attempted & ~mastered
        self.tasks_offered += offered
        self.tasks_attempted += attempted
        self.tasks_mastered += mastered
        self.setbacks += setback
        after_setback = offered & self.awaiting_next_task
        self.tasks_offered_after_setback += after_setback
        self.tasks_attempted_after_setback += after_setback & attempted
        self.awaiting_next_task = (self.awaiting_next_task & ~offered) | setback

        rate = p.mastery_gain if ability is None else mastery_rate(p.mastery_gain, ability, self.ability_params)
        children.competence = np.where(mastered, toward(competence, 1.0, rate), competence)
        # a setback starts a recovery clock from the anxiety just before it (one clock at a time)
        starting = setback & (self.episodes_since_setback < 0)
        self.anxiety_before_setback = np.where(starting, children.anxiety, self.anxiety_before_setback)
        self.episodes_since_setback[starting] = 0
        anxiety = np.where(setback, upset(children.anxiety, p.setback_anxiety), children.anxiety)
        if target is not None:  # the figure the child is with notices the setback and may help, unasked
            anxiety = self._helped(anxiety, setback & (target >= 0), figures, np.maximum(target, 0), u[5:8])
        children.anxiety = anxiety

        if not self.fixed_peers:
            return  # the classroom decides approaches and friendships (u[3], u[4] drawn all the same)
        approached = u[3] < approach_probability(exploration, children.felt_security, p)
        self.peer_approaches += approached
        self.friends_made += approached & (u[4] < p.friend_probability)

    def _helped(self, anxiety: np.ndarray, setback: np.ndarray, figures: Figures, who: np.ndarray,
                u: np.ndarray) -> np.ndarray:  # fmt: skip
        """Anxiety after the figure ``who`` (n,) answers each child's setback as it answers a bid with no signal."""
        rows = np.arange(self.n_children)
        trait = {name: getattr(figures, name)[rows, who] for name in ("sensitivity", "reliability", "warmth")}
        outcome = np.vectorize(response, otypes=[np.int64])(
            trait["sensitivity"], 1.0, trait["reliability"], trait["warmth"], 0.0, u[0], u[1], u[2]
        )
        m = self.model
        share = soothing_of_warm_response(figures.appropriateness[rows, who], m.soothing, m.fit_floor)
        return np.where(setback & (outcome == WARM), anxiety * (1.0 - share), anxiety)

    def mean_recovery_episodes(self) -> np.ndarray:
        """Each child's mean episodes to recover from a setback (NaN where it had none closed)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.recoveries > 0, self.recovery_episodes / np.maximum(self.recoveries, 1), np.nan)
