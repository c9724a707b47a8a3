"""The rehearsal as a Gymnasium environment: observation = what an adult sees, action = a response.

One episode of the environment is one term. At each moment a situation arises (the *opening*:
the adult is there, as they have lately been), the child reacts, and the environment returns the
cues an adult could see (``cues.py``). The action is a response of the repertoire
(``repertoire.py``): it sets the trainee-figure's qualities for the *response* part of the moment,
and the model's step (``model/step.py``, run by ``engine/driver.py``) produces the child's next
states. Then simulated days pass with the developmental step (``Simulation.step``), with the
trainee at school as their recent responses were, until the next moment. The same seed gives the
same child and the same random numbers for every moment, whatever the choices: the counterfactual
replay (``replay.py``) rests on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from securebase.engine.driver import Driver, Moment, Timeline
from securebase.engine.uniforms import draw
from securebase.extras import missing
from securebase.model.caregiving import daily_attention
from securebase.model.parameters import ModelParameters
from securebase.model.state import CHILD_RUPTURE, NO_RUPTURE
from securebase.rehearse import scenario as library
from securebase.rehearse.child import HOME_FIGURE, TRAINEE, child_at_start
from securebase.rehearse.cues import CHANNELS, Cues, Voice, consequence, cues_from
from securebase.rehearse.repertoire import TRAITS, everyday_style, index_of, repertoire, response
from securebase.rehearse.scenario import RehearsalScenario

try:  # the rl extra: without it, one line naming the extra to install
    import gymnasium
    from gymnasium import spaces
except ImportError as error:
    raise missing("rl", "securebase.rehearse.env (the Gymnasium environment)", error) from None

SECONDS_PER_STEP = 5.0
#: a moment: the situation arises (the child reacts before the adult does anything new), then the response
OPENING_MINUTES = 1.0
RESPONSE_MINUTES = 2.0
#: a child this anxious who shows no need is giving a miscue (docs/rehearse.md, "Miscues")
MISCUE_ANXIETY = 0.35
#: between moments, how long the adult's own ruptures take to be repaired when they are (a modelling choice)
EVERYDAY_REPAIR_LATENCY_DAYS = 0.25


@dataclass(frozen=True)
class Reward:
    """The reward of a response: ``exploration`` x the share of the response spent exploring, minus
    ``anxiety`` x the child's mean anxiety over it (default: exploration gained minus anxiety)."""

    exploration: float = 1.0
    anxiety: float = 1.0


@dataclass
class Phase:
    """Means over one part of a moment: what was shown (cues) and what the model holds (revealed later)."""

    distress: float = 0.0
    seeking: float = 0.0
    play: float = 0.0
    #: the play that is exploring rather than diversion (an avoidant child's toy play while aroused)
    engaged: float = 0.0
    anxiety: float = 0.0
    tantrum: bool = False
    adult_rupture: bool = False
    repairs: int = 0
    unrepaired: int = 0
    steps: int = 0
    end: dict[str, float] = field(default_factory=dict)


#: how alarming a frightening response is, on the model's anomalous severity scale (modelling choice: the middle)
FRIGHT_SEVERITY = 0.5


def rupture_rate(chance: float, steps: int, dt_days: float) -> float:
    """The figure's rupture rate (per day) that gives ``chance`` of a rupture over ``steps`` steps
    (``model.ruptures.adult_rupture_probability`` is rate x dt per step)."""
    if chance <= 0.0:
        return 0.0
    per_step = -math.expm1(math.log1p(-min(chance, 0.999999)) / steps)
    return per_step / dt_days


class RehearsalEnv(gymnasium.Env):
    """A term with one simulated child of a rehearsal scenario; the agent is the trainee.

    ``params`` are the model's constants (a calibration's ``params``). ``reset(seed=...)`` picks the
    child (its history) and every random number; without a seed, the scenario's own seed.
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["ansi"], "render_fps": 1}

    def __init__(
        self,
        scenario: str | RehearsalScenario = "new-avoidant",
        *,
        params: ModelParameters,
        reward: Reward | None = None,
        render_mode: str | None = None,
    ):
        self.scenario = library.get(scenario) if isinstance(scenario, str) else scenario
        self.params = params
        self.reward_weights = reward or Reward()
        self.render_mode = render_mode
        self.action_space = spaces.Discrete(len(repertoire()))
        self.observation_space = spaces.MultiDiscrete([levels for _, levels in CHANNELS])
        self.trace: list[dict[str, Any]] = []
        self.chosen: list[int] = []
        self.moment = 0
        self._last_seed: int | None = None

    # ---- the Gymnasium contract ----------------------------------------------------------

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[np.ndarray, dict]:
        super().reset(seed=seed)
        self.child_seed = int(self.scenario.seed if seed is None else seed)
        self.sim = child_at_start(self.scenario, self.child_seed, self.params)
        self.home = self.sim.figures.index(HOME_FIGURE)
        self.trainee = self.sim.figures.index(TRAINEE)
        self.trace = []
        self.chosen = []
        self.moment = 0
        if self.scenario.opens_with is not None:
            scripted = response(index_of(self.scenario.opens_with))
            self._set_style(scripted.traits())
            self._phase(
                "scripted", RESPONSE_MINUTES, scripted.rupture, force_rupture=True, frightening=scripted.frightening
            )
        self.cues = self._opening()
        return self.cues.vector(), self._info()

    def step(self, action: Any) -> tuple[np.ndarray, float, bool, bool, dict]:
        if not self.action_space.contains(action):
            raise ValueError(f"action {action!r} is not a response index in 0..{self.action_space.n - 1}")
        if self.moment >= self.scenario.term.moments:
            raise RuntimeError("the term is over: call reset() for another")
        action = int(action)
        chosen = response(action)
        latency = self._resolve_rupture(chosen)
        self._set_style(chosen.traits())
        phase = self._phase("response", RESPONSE_MINUTES, chosen.rupture, frightening=chosen.frightening)
        w = self.reward_weights
        reward = w.exploration * phase.engaged - w.anxiety * phase.anxiety
        opening = self._opening_phase
        # what the child showed over the response: the consequence the next page tells at once
        kind = self.scenario.situation(self.moment).kind
        # left difficult: a rupture open now, or the one before the response closed without being mended
        open_now = self.sim.children.rupture_kind[0, self.trainee] != NO_RUPTURE
        left_difficult = bool(open_now or (self.cues.left_difficult and latency is None))
        after = cues_from(phase.distress, phase.seeking, phase.play, phase.tantrum, left_difficult, kind)
        voice = Voice.of(self.scenario)
        miscue = opening.anxiety >= MISCUE_ANXIETY and not self.cues.shows_need()
        self.trace.append(
            {
                "moment": self.moment,
                "day": self.scenario.moment_day(self.moment),
                "situation": self.scenario.situation(self.moment).text,
                "response": chosen.key,
                "cues": self.cue_words(),
                "cue_levels": self.cues.vector().tolist(),
                "cue_levels_after": after.vector().tolist(),
                "consequence": consequence(self.cues, after, voice, seed=self.child_seed, moment=self.moment),
                "strength": self.cues.strength(),
                "shows_need": self.cues.shows_need(),
                "miscue": bool(miscue),
                "miscue_read": bool(miscue and chosen.attends_to_need),
                "anxiety_before": opening.end["anxiety"],
                "anxiety_shown": opening.distress,
                "anxiety_mean_before": opening.anxiety,
                "anxiety": phase.end["anxiety"],
                "felt_security": phase.end["felt_security"],
                "trust": phase.end["trust"],
                "fear": phase.end["fear"],
                "exploration": phase.engaged,
                "exploration_before": opening.engaged,
                "play_shown": phase.play,
                "rupture_opened": bool(phase.adult_rupture),
                "tantrum": bool(phase.tantrum or opening.tantrum),
                "repaired": phase.repairs > 0,
                "left_unrepaired": phase.unrepaired > 0,
                "repair_latency_days": latency,
                "reward": float(reward),
                **{f"quality_{name}": float(getattr(chosen, name)) for name in TRAITS},
            }
        )
        self.chosen.append(action)
        self.moment += 1
        terminated = self.moment >= self.scenario.term.moments
        if not terminated:
            self.cues = self._opening()
        return self.cues.vector(), float(reward), terminated, False, self._info()

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        if not hasattr(self, "cues"):
            return "(call reset() first)"
        situation = self.scenario.situation(min(self.moment, self.scenario.term.moments - 1)).text
        return "\n".join([situation, *self.cue_words()])

    def cue_words(self) -> list[str]:
        """The current moment's cues in the words the page shows (the child's name, pronoun and age band; the
        phrasing drawn from the child's seed and the moment, so a replayed attempt shows the same words)."""
        return self.cues.words(Voice.of(self.scenario), seed=self.child_seed, moment=self.moment)

    # ---- a moment ------------------------------------------------------------------------

    def _info(self) -> dict[str, Any]:
        """What the page may show besides the cues: where in the term we are (nothing of the child's state)."""
        m = min(self.moment, self.scenario.term.moments - 1)
        return {"moment": self.moment, "day": self.scenario.moment_day(m), "situation": self.scenario.situation(m).text}

    def _opening(self) -> Cues:
        """Days pass until the next moment; the situation arises and the child reacts; the cues."""
        target_day = self.scenario.moment_day(self.moment)
        style = everyday_style(self.chosen)
        if self.sim.day < target_day:
            self._set_style(style, everyday=True)  # the same adult every day until the next moment
        while self.sim.day < target_day:
            self.sim.step()
        self._set_style(style)
        situation = self.scenario.situation(self.moment)
        phase = self._phase("opening", OPENING_MINUTES, style["rupture"], home=situation.with_home_figure,
                            frightening=style["frightening"])  # fmt: skip
        self._opening_phase = phase
        rel = self.sim.children
        open_rupture = rel.rupture_kind[0, self.trainee] != NO_RUPTURE
        return cues_from(phase.distress, phase.seeking, phase.play, phase.tantrum, open_rupture, situation.kind)

    def _set_style(self, traits: dict[str, float], everyday: bool = False) -> None:
        """The trainee-figure's traits: a response's (for a moment) or the everyday style (between moments)."""
        conduct = {name: traits[name] for name in TRAITS}
        conduct["repair_latency_days"] = EVERYDAY_REPAIR_LATENCY_DAYS
        # between moments: the adult's share of sharp and of alarming moments, as rates per day together (a
        # modelling choice); within a moment, _phase sets them from the response's chances
        conduct["rupture_rate"] = traits.get("rupture", 0.0) if everyday else 0.0
        conduct["anomalous_rate"] = traits.get("frightening", 0.0) if everyday else 0.0
        conduct["anomalous_severity"] = FRIGHT_SEVERITY
        self.sim.set_traits(TRAINEE, conduct)

    def _phase(self, name: str, minutes: float, rupture_chance: float, home: bool = False,
               force_rupture: bool = False, frightening: float = 0.0) -> Phase:  # fmt: skip
        """Run one part of a moment with the model's step, on this moment's own random numbers."""
        params, sim, j = self.params, self.sim, self.trainee
        figures = sim.figures
        steps = max(1, round(minutes * 60.0 / SECONDS_PER_STEP))
        dt_days = SECONDS_PER_STEP / 86_400.0
        steps_per_episode = params.episode_minutes * 60.0 / SECONDS_PER_STEP
        rng = np.random.default_rng([self.child_seed, self.moment, ("scripted", "opening", "response").index(name)])
        sim.set_traits(TRAINEE, {"rupture_rate": rupture_rate(1.0 if force_rupture else rupture_chance, steps, dt_days),
                                 "anomalous_rate": rupture_rate(frightening, steps, dt_days)})  # fmt: skip
        present = np.zeros((1, figures.n_figures), bool)
        present[0, j] = True
        present[0, self.home] = home
        attention = np.ones((1, figures.n_figures))
        attention[0, j] = daily_attention(float(figures.consistency[0, j]), float(rng.random()), params.lapse_attention)
        need = np.full(1, self.scenario.situation(self.moment).stress_per_minute * SECONDS_PER_STEP / 60.0)
        phase = Phase()
        Driver("cpu").drive(self._moment_steps(phase, steps, rng, present, attention, need, dt_days, steps_per_episode))
        for attribute in ("distress", "seeking", "play", "engaged", "anxiety"):
            setattr(phase, attribute, getattr(phase, attribute) / steps)
        sim.set_traits(TRAINEE, {"rupture_rate": 0.0, "anomalous_rate": 0.0})
        sim.hold_rupture(TRAINEE)  # a rupture still open waits for the trainee's next response
        phase.end = self.revealed()
        return phase

    def _moment_steps(self, phase: Phase, steps: int, rng: np.random.Generator, present: np.ndarray,
                      attention: np.ndarray, need: np.ndarray, dt_days: float, steps_per_episode: float) -> Timeline:  # fmt: skip
        """The timeline of a part of a moment (engine/driver.py): ``steps`` steps of the child with the trainee;
        adds what an adult would see (the child's display) to ``phase``."""
        params, j = self.params, self.trainee
        children, figures = self.sim.children, self.sim.figures
        record = None
        for _ in range(steps):
            u = draw(rng, 1, figures.n_figures)
            record = yield Moment(children, figures, present, attention, need, u.child, params, dt_days,
                                  steps_per_episode, out=record)  # fmt: skip
            # what the trainee sees is the child's display (model/display.py): distress shown and attention on the
            # toys, which an avoidant child's strategy keeps there while aroused; its engaged exploration (what
            # the reward counts) and its arousal (the debrief's) are the model's own
            phase.distress += float(children.distress_shown[0])
            phase.seeking += float(record.intensity[0]) if record.target[0] == j else 0.0
            phase.play += float(children.attention_to_toys[0])
            phase.engaged += float(children.exploration[0])
            phase.anxiety += float(children.anxiety[0])
            phase.tantrum |= bool(record.tantrum[0])
            phase.adult_rupture |= bool(record.adult_rupture[0]) and record.target[0] == j
            phase.repairs += int(record.repairs[0])
            phase.unrepaired += int(record.unrepaired[0])
            phase.steps += 1

    def revealed(self) -> dict[str, float]:
        """The child's state now, for the debrief (never part of the observation)."""
        c, j = self.sim.children, self.trainee
        return {
            "anxiety": float(c.anxiety[0]),
            "felt_security": float(c.felt_security[0]),
            "exploration": float(c.exploration[0]),
            "trust": float(c.trust[0, j]),
            "fear": float(c.fear[0, j]),
        }

    # ---- ruptures with the trainee -------------------------------------------------------

    def _resolve_rupture(self, chosen: Any) -> float | None:
        """The trainee's response decides an open rupture: mended now (an apology after the adult's own rupture;
        attending to the child after a tantrum), or closed unrepaired (the model's step then applies either)."""
        c, j = self.sim.children, self.trainee
        kind = int(c.rupture_kind[0, j])
        if kind == NO_RUPTURE:
            return None
        mends = bool(chosen.repairs or (kind == CHILD_RUPTURE and chosen.attends_to_need))
        elapsed = float(self.sim.settle_rupture(TRAINEE, mends)[0])  # due in the response's first step
        return elapsed if mends else None

    # ---- for the web app and the tests -----------------------------------------------------

    def play(self, actions: list[int]) -> list[dict[str, Any]]:
        """Play ``actions`` from the current moment; returns the trace."""
        for action in actions:
            self.step(action)
        return self.trace


#: the environment's id for ``gymnasium.make(ENV_ID, scenario=..., params=...)``
ENV_ID = "securebase/Rehearse-v0"
if ENV_ID not in gymnasium.registry:
    gymnasium.register(ENV_ID, entry_point=RehearsalEnv, max_episode_steps=None)
