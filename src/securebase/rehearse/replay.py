"""The counterfactual replay: the same child, the same moments, the same random numbers, other choices.

Every random number of a term is fixed by the child's seed (the engine's stream between moments,
and each moment's own generator), whatever the choices, so two plays of the same seed differ only
by what the adult did (env.py).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from securebase.model.parameters import ModelParameters
from securebase.rehearse.cues import Cues
from securebase.rehearse.env import RehearsalEnv, Reward
from securebase.rehearse.policies import Policy, expert_choice
from securebase.rehearse.repertoire import response
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


#: how many moments on a choice's consequence is measured: the moment itself and the next two (when played)
HORIZON = 3


def expert_alternatives(
    scenario: RehearsalScenario, seed: int, params: ModelParameters, actions: list[int], horizon: int = HORIZON
) -> list[dict[str, Any]]:
    """At each moment played, the expert practice's choice for what the trainee saw, and its consequence.

    The trainee's own term is played once; at each moment where the expert policy, given the very cues the
    trainee saw from the child as the trainee had made them, would have chosen otherwise, the term branches
    from that state (a copy of the environment, the same random numbers): the expert's choice at that moment,
    then the trainee's own next choices, ``horizon`` moments in all (fewer at the end of what was played).
    Each entry: ``moment``, ``chosen`` and ``expert`` (response keys), and where they differ the trust and felt
    security ``horizon`` moments on both ways (``played`` and ``expert_then``) and ``gain``, the expert
    branch's trust plus felt security less the played one's (0 where the choices agree).
    """
    played = list(actions)[: scenario.term.moments]
    env = RehearsalEnv(scenario, params=params)
    observation, _ = env.reset(seed=seed)
    snapshots = []
    for action in played:
        snapshots.append((copy.deepcopy(env), observation))
        observation, *_ = env.step(action)
    trace = env.trace
    found = []
    for moment, (snapshot, seen) in enumerate(snapshots):
        choice = expert_choice(Cues.from_vector(seen))
        entry: dict[str, Any] = {"moment": moment, "chosen": trace[moment]["response"],
                                 "expert": response(choice).key, "gain": 0.0}  # fmt: skip
        if choice != played[moment]:
            last = min(moment + horizon, len(played)) - 1
            branch = snapshot.play([choice, *played[moment + 1 : last + 1]])
            ours, theirs = trace[last], branch[last]
            entry.update(
                at=last,
                played={"trust": ours["trust"], "felt_security": ours["felt_security"]},
                expert_then={"trust": theirs["trust"], "felt_security": theirs["felt_security"]},
                gain=(theirs["trust"] + theirs["felt_security"]) - (ours["trust"] + ours["felt_security"]),
            )
        found.append(entry)
    return found
