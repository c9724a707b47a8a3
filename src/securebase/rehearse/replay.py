"""The counterfactual replay: the same child, the same moments, the same random numbers, other choices.

Every random number of a term is fixed by the child's seed (the engine's stream between moments,
and each moment's own generator), whatever the choices, so two plays of the same seed differ only
by what the adult did (env.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from securebase.model.parameters import ModelParameters
from securebase.rehearse.cues import Cues
from securebase.rehearse.env import RehearsalEnv, Reward
from securebase.rehearse.policies import Policy
from securebase.rehearse.scenario import RehearsalScenario

Trace = list[dict[str, Any]]


def play_actions(scenario: RehearsalScenario, seed: int, params: ModelParameters, actions: list[int]) -> Trace:
    """The term with these responses, one per moment (fewer: the term so far)."""
    env = RehearsalEnv(scenario, params=params)
    env.reset(seed=seed)
    return env.play(list(actions)[: scenario.term.moments])


def play_policy(
    scenario: RehearsalScenario,
    seed: int,
    params: ModelParameters,
    policy: Policy,
    moments: int | None = None,
    policy_seed: int = 0,
    reward: Reward | None = None,
) -> Trace:
    """The term (or its first ``moments``) with a scripted policy choosing on the cues it sees."""
    env = RehearsalEnv(scenario, params=params, reward=reward)
    observation, _ = env.reset(seed=seed)
    rng = np.random.default_rng(policy_seed)
    count = scenario.term.moments if moments is None else min(moments, scenario.term.moments)
    for _ in range(count):
        observation, _, terminated, _, _ = env.step(policy(Cues.from_vector(observation), rng))
        if terminated:
            break
    return env.trace


def what_if(
    scenario: RehearsalScenario, seed: int, params: ModelParameters, actions: list[int], moment: int, instead: int
) -> Trace:
    """The trainee's own term with one response changed: ``instead`` at ``moment``, the rest as played."""
    if not 0 <= moment < len(actions):
        raise ValueError(f"moment {moment} is not one of the moments played (0..{len(actions) - 1})")
    changed = list(actions)
    changed[moment] = instead
    return play_actions(scenario, seed, params, changed)
