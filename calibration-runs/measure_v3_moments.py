"""The figures of issue 24's "Done when" (model v3, part 1), on a calibration, with 95% intervals.

    python calibration-runs/measure_v3_moments.py [CALIBRATION.toml] [N] [SEED]

- the Strange Situation at 12 months in the low-risk (normative) population: distress shown and arousal (the
  physiological read-out) over the two reunions, and attention on the toys over the eight episodes and over the
  reunions, by coded class; A minus B with a percentile bootstrap interval (scipy.stats.bootstrap);
- the still face on the same children: distress shown in play, still face and reunion, and the paired
  standardised effect (mean / sd of the per-child differences) with a bootstrap interval;
- warmth across its range (0.125, 0.375, 0.625, 0.875) with the other four qualities at the normative means:
  mean exploration over 90 days (200 children, seed 0: the property test's size) and the share coded B at 12
  months (400 children);
- the rehearsal child (new-avoidant and clinging scenarios, comfort played every moment, seeds 1000-1009): distress
  shown at each moment's opening against the arousal under it.
It measures; it fits nothing.
"""

import sys

import numpy as np
from scipy import stats

from securebase import default_calibration
from securebase.calibration.calibration import Calibration
from securebase.calibration.measure import CAREGIVER, _run_until, sample
from securebase.engine.simulation import Simulation
from securebase.instruments.ssp_coding import code, distribution
from securebase.instruments.still_face import still_face
from securebase.instruments.strange_situation import REUNIONS, observe_strange_situation
from securebase.scenario.schema import Scenario

calibration = Calibration.load(sys.argv[1]) if len(sys.argv) > 1 else default_calibration()
n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 9
params, scheme = calibration.params, calibration.coding
rng = np.random.default_rng(seed)


def interval(statistic, *samples, paired=False):
    result = stats.bootstrap(samples, statistic, paired=paired, n_resamples=2000, random_state=seed, vectorized=False)
    return statistic(*samples), result.confidence_interval.low, result.confidence_interval.high


def difference(a, b):
    return float(np.mean(a) - np.mean(b))


print(f"calibration {sys.argv[1] if len(sys.argv) > 1 else 'shipped'}; n {n}; seed {seed}")
simulation = Simulation(sample("normative", n, 365), seed=seed, params=params)
_run_until(simulation, 365)
behaviour = observe_strange_situation(simulation.children, simulation.figures, CAREGIVER, rng, params)
classes = code(behaviour, rng, scheme)["classification"].to_numpy()
print("Strange Situation at 12 months, normative:", {k: round(float(np.mean(classes == k)), 3) for k in "ABCD"})
reunions = behaviour[behaviour["episode"].isin(REUNIONS)].groupby("child").mean(numeric_only=True)
episodes = behaviour.groupby("child").mean(numeric_only=True)
for label, frame, column in (
    ("distress shown, reunions", reunions, "distress"),
    ("arousal (physiological), reunions", reunions, "arousal"),
    ("attention on the toys, 8 episodes", episodes, "exploration"),
    ("attention on the toys, reunions", reunions, "exploration"),
):
    by_class = {c: frame[column].to_numpy()[classes == c] for c in "ABCD"}
    means = " ".join(f"{c} {v.mean():.3f}" for c, v in by_class.items() if len(v))
    d, low, high = interval(difference, by_class["A"], by_class["B"])
    print(f"  {label}: {means}; A - B {d:+.3f} [{low:+.3f}, {high:+.3f}]")

phases, per_child = still_face(simulation.children, simulation.figures, CAREGIVER, rng, params, per_child=True)
print("Still face (12 months, same children):")
print(phases.round(3).to_string(index=False))
wide = per_child.pivot(index="child", columns="phase", values="distress")


def paired_effect(x, y):
    diff = np.asarray(x) - np.asarray(y)
    return float(diff.mean() / diff.std(ddof=1))


for a, b in (("still_face", "play"), ("still_face", "reunion"), ("reunion", "play")):
    d, low, high = interval(paired_effect, wide[a].to_numpy(), wide[b].to_numpy(), paired=True)
    diff = (wide[a] - wide[b]).to_numpy()
    print(f"  distress shown {a} - {b}: {diff.mean():+.3f}; paired d {d:+.2f} [{low:+.2f}, {high:+.2f}]")

print("Warmth across its range, other qualities at the normative means:")
others = {"consistency": 0.75, "appropriateness": 0.70, "sensitivity": 0.70, "reliability": 0.78}


def one_parent(care, size, days):
    return Scenario(
        name="warmth",
        population={"n_children": size, "start_age_years": 0.0},
        figures=[{"name": "parent", "caregiving": care, "availability": {"home": 0.9}}],
        schedule={"days": days, "episodes_per_day": 8},
    )


for warmth in (0.125, 0.375, 0.625, 0.875):
    care = {**others, "warmth": warmth}
    short = Simulation(one_parent(care, 200, 90), seed=0, params=params)
    short.run()
    exploration = float(short.results().summary["exploration"].mean())
    year = Simulation(one_parent(care, 400, 365), seed=1, params=params)
    year.run()
    coder = np.random.default_rng(2)
    seen = observe_strange_situation(year.children, year.figures, "parent", coder, params)
    shares = distribution(code(seen, coder, scheme)["classification"])
    print(
        f"  warmth {warmth}: exploration {exploration:.4f}; coded at 12 months",
        {k: round(v, 3) for k, v in shares.items()},
    )

print("Rehearsal child (comfort every moment, seeds 1000-1009): distress shown at the opening vs arousal under it")
from securebase.rehearse import replay  # the rl extra: only for this part
from securebase.rehearse import scenario as library
from securebase.rehearse.repertoire import index_of

for name in ("new-avoidant", "clinging", "drop-off"):
    s = library.get(name)
    shown, felt = [], []
    for child_seed in range(1000, 1010):
        for moment in replay.play_actions(s, child_seed, params, [index_of("comfort")] * s.term.moments):
            shown.append(moment["anxiety_shown"])
            felt.append(moment["anxiety_mean_before"])
    shown, felt = np.array(shown), np.array(felt)
    print(
        f"  {name}: shown {shown.mean():.3f}, arousal {felt.mean():.3f}, shown / arousal {shown.mean() / felt.mean():.2f}"
    )
