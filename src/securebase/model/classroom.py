"""A classroom of simulated children: school events, classmates and school outcomes, as one episode observer.

docs/model.md §10, "Classmates and school outcomes". ``Classroom`` is passed
to ``Simulation(on_episode=...)`` like ``SchoolEvents`` and runs, in every
school episode and after the engine's step:

1. the school events (model/school.py: hard tasks, setbacks, recovery) with
   each child's general ability acting on tasks (model/ability.py);
2. classmates (model/peers.py): a classmate is there with probability
   ``peer_rate``; the child approaches with the school events' approach
   probability scaled by its expected acceptance; it picks a classmate, who
   accepts or rebuffs; ties, expectations and anxiety follow;
3. externalising (model/externalising.py): aggression after a rebuff,
   opposition to the teacher's demands;
4. internalising (model/internalising.py): withdrawal and worry.

Random numbers: ``SeedSequence(seed).spawn(3)`` seeds the school events, the
children's general ability and the classroom's own draws (``DRAWS`` uniforms
per child in every school episode, whatever happens): the engine's streams
are untouched. Everything is arrays over children and classes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from securebase.model import externalising as ext
from securebase.model import internalising as inter
from securebase.model import peers
from securebase.model.ability import DEFAULT_ABILITY, IQ_MEAN, IQ_SD, AbilityParameters, draw_ability
from securebase.model.classes import ClassLayout
from securebase.model.externalising import DEFAULT_EXTERNALISING, ExternalisingParameters
from securebase.model.internalising import DEFAULT_INTERNALISING, InternalisingParameters
from securebase.model.peers import DEFAULT_PEERS, PeerParameters
from securebase.model.ruptures import upset
from securebase.model.school import DEFAULT_SCHOOL_EVENTS, SchoolEventParameters, SchoolEvents, approach_readiness
from securebase.model.state import SCHOOL, Children, Figures
from securebase.model.working_model import toward

#: uniforms drawn per child in every school episode: classmate there, approach, whom, accepted, aggression,
#: teacher's demand, opposition
DRAWS = 7
U_THERE, U_APPROACH, U_WHOM, U_ACCEPTED, U_AGGRESSION, U_DEMAND, U_OPPOSE = range(DRAWS)

#: the outcome table's columns and their meaning (docs/model.md §10, "Classmates and school outcomes")
COLUMNS: dict[str, str] = {
    "child": "the child's index in the population",
    "class": "its class (consecutive blocks of class_size children)",
    "ability": "general ability, standard normal score (drawn, not caused by security)",
    "iq": "the same on the IQ scale (100 + 15 × ability)",
    "school_episodes": "school episodes counted",
    "peer_available": "school episodes with a classmate there to approach",
    "peer_approaches": "approaches to a classmate",
    "approaches_accepted": "of those, accepted",
    "accepted_share": "accepted / approaches (NaN with no approach)",
    "approaches_received": "approaches the child received from classmates",
    "acceptances_given": "of those, the ones it accepted",
    "liked_by": "share of classmates whose tie to the child is at least like_level (sociometric acceptance)",
    "friends": "reciprocated ties at or above friend_level at the end",
    "friendship_quality": "mean strength of the two ties over its friendships (NaN with none)",
    "expected_acceptance": "what the child expects of an approach at the end (starts from the general prior)",
    "aggression": "acts of aggression against a classmate after a rebuff",
    "victimised": "acts of aggression against the child",
    "teacher_demands": "demands the teacher made of the child",
    "opposition": "demands the child opposed",
    "externalising": "aggression + opposition",
    "withdrawal": "episodes with a classmate there, not approached, while anxious",
    "worry": "school episodes anxious, after an anxious one, with no bid answered warmly",
    "internalising": "withdrawal + worry",
    "tasks_offered": "hard tasks offered (school events)",
    "tasks_attempted": "hard tasks attempted",
    "tasks_mastered": "hard tasks mastered",
    "setbacks": "failed attempts",
    "competence_at_start": "competence at the first episode counted",
    "learning": "competence gained since then (school tasks and exploring)",
    "mean_felt_security_at_school": "mean felt security over school episodes",
    "mean_anxiety_at_school": "mean anxiety over school episodes",
}


@dataclass(frozen=True)
class ClassroomParameters:
    """The constants of the classroom's array mechanisms, one group per mechanism (docs/model.md §10): part of a
    calibration (``Calibration.classroom``; tables ``[classroom.<group>]`` of its file, where a group or a constant
    left out takes its default below: the hand-set values)."""

    school: SchoolEventParameters = DEFAULT_SCHOOL_EVENTS
    peers: PeerParameters = DEFAULT_PEERS
    externalising: ExternalisingParameters = DEFAULT_EXTERNALISING
    internalising: InternalisingParameters = DEFAULT_INTERNALISING
    ability: AbilityParameters = DEFAULT_ABILITY

    def to_dict(self) -> dict[str, dict[str, float | int | bool]]:
        """Every constant, by group."""
        return {f.name: dataclasses.asdict(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def classroom_arguments(self) -> dict[str, object]:
        """The groups as :class:`Classroom` takes them."""
        return {
            "school_params": self.school, "peer_params": self.peers, "externalising_params": self.externalising,
            "internalising_params": self.internalising, "ability_params": self.ability,
        }  # fmt: skip


@dataclass
class Classroom:
    """Children in classes at school, and their outcomes. Use as a Simulation's ``on_episode``.

    ``teacher``: the index of the class teacher among the figures (her demands and the child's trust in
    her), or None (no demands). ``from_day``: the first scenario day counted.
    """

    layout: ClassLayout
    seed: int | np.random.SeedSequence
    teacher: int | None = None
    from_day: int = 0
    school_params: SchoolEventParameters = DEFAULT_SCHOOL_EVENTS
    peer_params: PeerParameters = DEFAULT_PEERS
    externalising_params: ExternalisingParameters = DEFAULT_EXTERNALISING
    internalising_params: InternalisingParameters = DEFAULT_INTERNALISING
    ability_params: AbilityParameters = DEFAULT_ABILITY
    rng: np.random.Generator = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = self.layout.n_children
        sequence = self.seed if isinstance(self.seed, np.random.SeedSequence) else np.random.SeedSequence(self.seed)
        events_seed, ability_seed, own_seed = sequence.spawn(3)
        self.ability = draw_ability(n, ability_seed)
        self.events = SchoolEvents(
            n, events_seed, self.school_params, self.from_day, ability=self.ability, ability_params=self.ability_params,
            fixed_peers=False,
        )  # fmt: skip
        self.rng = np.random.Generator(np.random.PCG64(own_seed))
        self.seat = self.layout.seat_of()
        self.class_start = self.layout.class_of() * self.layout.class_size
        #: ties to each classmate by seat, (n, class_size): (n_classes, size, size) as rows
        self.ties = np.zeros((n, self.layout.class_size))
        #: expected acceptance of an approach (NaN until the first school episode, then from the general prior)
        self.expectation = np.full(n, np.nan)
        self.hostility = np.zeros(n)
        self.anxious_before = np.zeros(n, bool)
        self.competence_at_start: np.ndarray | None = None
        counts = (
            "peer_available", "approaches_accepted", "approaches_received", "acceptances_given", "aggression", "victimised",
            "teacher_demands", "opposition", "withdrawal", "worry",
        )  # fmt: skip
        for name in counts:
            setattr(self, name, np.zeros(n, np.int64))
        self.anxiety_sum = np.zeros(n)

    @property
    def ties_by_class(self) -> np.ndarray:
        """The ties as (n_classes, size, size): [c, i, j] is seat i's tie to seat j in class c."""
        size = self.layout.class_size
        return self.ties.reshape(self.layout.n_classes, size, size)

    def __call__(self, day: int, setting: int, children: Children, figures: Figures, record: object) -> None:
        if day >= self.from_day and self.competence_at_start is None:
            self.competence_at_start = children.competence.copy()
        self.events(day, setting, children, figures, record)
        if day >= self.from_day and setting == SCHOOL:
            self._classmates(children, record)

    def _classmates(self, children: Children, record: object) -> None:
        pp, xp, ip = self.peer_params, self.externalising_params, self.internalising_params
        n = self.layout.n_children
        u = self.rng.random((DRAWS, n))
        if np.isnan(self.expectation).any():
            fresh = np.isnan(self.expectation)
            start = peers.expected_acceptance(children.prior_unavailability, children.prior_rejection)
            self.expectation = np.where(fresh, start, self.expectation)
        # what fades between episodes: ties not renewed, a reputation for hostility
        self.ties *= 1.0 - pp.tie_decay
        self.hostility = toward(self.hostility, 0.0, xp.hostility_decay)
        anxiety, felt_security = children.anxiety, children.felt_security
        self.anxiety_sum += anxiety

        available = u[U_THERE] < self.school_params.peer_rate
        readiness = children.exploration * approach_readiness(felt_security, self.school_params)
        approached = available & (u[U_APPROACH] < readiness * peers.approach_factor(self.expectation, pp))
        # the rest of an approach concerns the approachers only (their uniforms are drawn for all the same)
        me = np.flatnonzero(approached)
        my_seat = self.seat[me]
        target_seat = peers.choose_classmate(self.ties[me], my_seat, u[U_WHOM][me], pp)
        target = self.class_start[me] + target_seat
        their_tie = self.ties[target, my_seat]
        receptive = peers.receptiveness(peers.openness(felt_security[target], anxiety[target]), their_tie)
        social = peers.social_approach(felt_security[me], self.hostility[me], pp)
        accepted_me = u[U_ACCEPTED][me] < peers.acceptance_probability(social, receptive, pp)
        aggressed_me = ~accepted_me & (
            u[U_AGGRESSION][me] < ext.aggression_probability(children.prior_rejection[me], children.prior_fear[me], xp)
        )
        accepted = np.zeros(n, bool)
        accepted[me] = accepted_me
        rebuffed = approached & ~accepted
        aggressed = np.zeros(n, bool)
        aggressed[me] = aggressed_me

        # internalising reads the episode as the child met it (before a rebuff's upset)
        self.withdrawal += inter.withdrawn(available, approached, anxiety, ip)
        anxious = inter.anxious_for_worry(anxiety, ip)
        relieved = np.zeros(n, bool) if record is None else record.answered & record.warm
        self.worry += inter.worried(anxious, self.anxious_before, relieved)
        self.anxious_before = anxious

        # opposition to the teacher's demands (she makes them when she is with the child)
        if self.teacher is not None and record is not None:
            demanded = (record.target == self.teacher) & (u[U_DEMAND] < xp.demand_rate)
            trust = children.trust[:, self.teacher]
            opposed = demanded & (u[U_OPPOSE] < ext.opposition_probability(anxiety, trust, xp))
            self.teacher_demands += demanded
            self.opposition += opposed

        # ties: each approacher's own tie to its target, and the target's tie to it (pairs are unique)
        mine = self.ties[me, target_seat]
        self.ties[me, target_seat] = np.where(
            accepted_me, peers.strengthen(mine, pp.tie_gain), peers.weaken(mine, pp.rebuff_tie_loss)
        )
        # (read again: when two children approached each other, the first update is already in)
        ok, hit = target[accepted_me], target[aggressed_me]
        ok_seat, hit_seat = my_seat[accepted_me], my_seat[aggressed_me]
        self.ties[ok, ok_seat] = peers.strengthen(self.ties[ok, ok_seat], pp.tie_gain)
        self.ties[hit, hit_seat] = peers.weaken(self.ties[hit, hit_seat], xp.aggression_tie_loss)
        self.hostility = np.where(aggressed, toward(self.hostility, 1.0, xp.hostility_gain), self.hostility)
        self.expectation = np.where(
            approached, toward(self.expectation, accepted.astype(float), pp.expectation_learning), self.expectation
        )
        children.anxiety = np.where(rebuffed, upset(anxiety, pp.rebuff_anxiety), anxiety)

        events = self.events
        events.peer_approaches += approached
        self.peer_available += available
        self.approaches_accepted += accepted
        self.approaches_received += np.bincount(target, minlength=n)
        self.acceptances_given += np.bincount(ok, minlength=n)
        self.aggression += aggressed
        self.victimised += np.bincount(hit, minlength=n)

    def outcome_table(self, children: Children) -> pd.DataFrame:
        """One row per child: the school outcomes so far (columns: :data:`COLUMNS`)."""
        events, pp = self.events, self.peer_params
        friends, quality = peers.friendships(self.ties_by_class, pp)
        episodes = np.maximum(events.school_episodes, 1)
        start = self.competence_at_start if self.competence_at_start is not None else children.competence
        with np.errstate(invalid="ignore", divide="ignore"):
            accepted_share = np.where(
                events.peer_approaches > 0, self.approaches_accepted / np.maximum(events.peer_approaches, 1), np.nan
            )
        table = {
            "child": np.arange(self.layout.n_children),
            "class": self.layout.class_of(),
            "ability": self.ability,
            "iq": IQ_MEAN + IQ_SD * self.ability,
            "school_episodes": events.school_episodes,
            "peer_available": self.peer_available,
            "peer_approaches": events.peer_approaches,
            "approaches_accepted": self.approaches_accepted,
            "accepted_share": accepted_share,
            "approaches_received": self.approaches_received,
            "acceptances_given": self.acceptances_given,
            "liked_by": peers.liked_by(self.ties_by_class, pp),
            "friends": friends,
            "friendship_quality": quality,
            "expected_acceptance": self.expectation,
            "aggression": self.aggression,
            "victimised": self.victimised,
            "teacher_demands": self.teacher_demands,
            "opposition": self.opposition,
            "externalising": self.aggression + self.opposition,
            "withdrawal": self.withdrawal,
            "worry": self.worry,
            "internalising": self.withdrawal + self.worry,
            "tasks_offered": events.tasks_offered,
            "tasks_attempted": events.tasks_attempted,
            "tasks_mastered": events.tasks_mastered,
            "setbacks": events.setbacks,
            "competence_at_start": start,
            "learning": children.competence - start,
            "mean_felt_security_at_school": events.felt_security_sum / episodes,
            "mean_anxiety_at_school": self.anxiety_sum / episodes,
        }
        return pd.DataFrame(table, columns=list(COLUMNS))


def classroom_for(
    n_children: int,
    class_size: int,
    seed: int | np.random.SeedSequence,
    params: ClassroomParameters | None = None,
    **kwargs: object,
) -> Classroom:
    """A :class:`Classroom` for ``n_children`` in classes of ``class_size`` (a clear ValueError if they do not fit),
    with the constants ``params`` (a calibration's ``classroom``; None: the defaults)."""
    arguments = ({} if params is None else params.classroom_arguments()) | kwargs
    return Classroom(ClassLayout(n_children, class_size), seed, **arguments)
