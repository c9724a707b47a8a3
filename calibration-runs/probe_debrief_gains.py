"""Why a term of ignoring the new-avoidant child gets no advice on model v3 (tests/test_rehearse_debrief.py): the
expert alternatives' gains (trust + felt security over replay.HORIZON moments) at each moment of six ignores.

    CAL=calibration.toml python calibration-runs/probe_debrief_gains.py [constant=value ...]

It measures; it fits nothing. Findings, 2026-12-08 (closing note of issues 24 and 25):

- on v3p1's constants, ignore vs the expert's comfort or notice_name gains .025-.032 at three moments (trust falls
  .090 -> .048 as bids go unanswered);
- on v3p1b's and v3's, the child barely bids (its display is a fifth of its arousal): the expert chooses
  "encourage", trust stays at .134, and every gain is under .007, below debrief.KEY_GAIN (.02);
- miscue=0 or uncertainty_caution=0 change nothing of that.
"""

import dataclasses
import os
import sys

from securebase import default_calibration
from securebase.calibration.calibration import Calibration
from securebase.rehearse import replay
from securebase.rehearse import scenario as library
from securebase.rehearse.repertoire import index_of

base = Calibration.load(os.environ["CAL"]).params if "CAL" in os.environ else default_calibration().params
PARAMS = dataclasses.replace(base, **{k: float(v) for k, v in (a.split("=") for a in sys.argv[1:])})
s = library.get("new-avoidant")
actions = [index_of("ignore")] * 6
for a in replay.expert_alternatives(s, s.seed, PARAMS, actions):
    print(
        a["moment"], a["chosen"], a["expert"], f"gain {a['gain']:+.5f}", "trust played", round(a["played"]["trust"], 4)
    )
