"""Scripted policies: the baselines (responsive, intermittent, rejecting, frightening) and the expert.

A policy sees only what the trainee sees (the cues) and returns a response index. The baselines
follow the caregiving presets' kinds of care (scenario/presets/caregiving.toml); the expert policy
is the practice the rehearsal teaches, written as rules on the cues (docs/rehearse.md, "The expert").
Documented directions (tests/test_rehearse_env.py): over a term, exploration and trust with this
adult are highest under responsive play, lower under intermittent, lowest under rejecting and
frightening; fear of this adult is highest under frightening.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from securebase.rehearse.cues import Cues
from securebase.rehearse.repertoire import index_of
from securebase.rehearse.scenario import KINDS

#: a policy: the cues of the moment and a generator (for the policies that vary) -> a response index
Policy = Callable[[Cues, np.random.Generator], int]


#: the situations that bring a need even when the child shows none (the expert's rule 5), and those of a hard
#: task (rule 6): the coaching reads the cues by the same lists
STRESSFUL = ("separation", "setback", "arrival", "after_rupture")
HARD_TASK = ("task", "help")
#: the expert practice draws no random number; a Policy is given a generator all the same
_NO_RANDOMNESS = np.random.default_rng(0)


def expert_choice(cues: Cues) -> int:
    """What the expert practice chooses for ``cues`` (``expert``, which needs no random numbers)."""
    return expert(cues, _NO_RANDOMNESS)


def expert(cues: Cues, rng: np.random.Generator) -> int:
    """The practice the rehearsal teaches, in this order:

    1. something was left difficult between you: apologise and repair first;
    2. a tantrum: set a limit warmly (stay with the child, keep everyone safe);
    3. strong distress or clinging: comfort;
    4. any visible distress or seeking: notice and name the feeling;
    5. a stressful situation (a separation, a setback, arriving, after a rupture) in which the child shows
       nothing and is not playing: the calm may be a miscue; notice and name, gently;
    6. a hard task or a child stuck and not playing: help a little;
    7. otherwise the child is managing: stay close and available, or encourage to try when playing well.
    """
    kind = KINDS[cues.situation]
    if cues.left_difficult:
        return index_of("repair")
    if cues.tantrum:
        return index_of("limit_warmly")
    if cues.distress >= 2 or cues.seeking >= 3:
        return index_of("comfort")
    if cues.distress >= 1 or cues.seeking >= 2:
        return index_of("notice_name")
    if kind in STRESSFUL and cues.play <= 1:
        return index_of("notice_name")
    if kind in HARD_TASK and cues.play <= 1:
        return index_of("help_little")
    return index_of("encourage") if cues.play >= 2 else index_of("stay_close")


def responsive(cues: Cues, rng: np.random.Generator) -> int:
    """Warm and available: comforts any visible need, repairs, otherwise encourages."""
    if cues.left_difficult:
        return index_of("repair")
    if cues.shows_need():
        return index_of("comfort")
    return index_of("encourage")


def intermittent(cues: Cues, rng: np.random.Generator) -> int:
    """Warm when attending, but attending about half the time (the 'intermittent' preset's kind of care)."""
    if rng.random() < 0.5:
        return responsive(cues, rng)
    return index_of("ignore")


def rejecting(cues: Cues, rng: np.random.Generator) -> int:
    """Present, but a need meets a turning away; never repairs (the 'rejecting' preset's kind of care)."""
    if cues.shows_need():
        return index_of("ignore")
    return index_of("give_space")


def frightening(cues: Cues, rng: np.random.Generator) -> int:
    """Sharp at every moment and never repairs (the 'frightening' preset's kind of care)."""
    return index_of("redirect_sharply")


BASELINES: dict[str, Policy] = {
    "responsive": responsive,
    "intermittent": intermittent,
    "rejecting": rejecting,
    "frightening": frightening,
}
POLICIES: dict[str, Policy] = {**BASELINES, "expert": expert}
