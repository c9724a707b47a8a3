"""Caregiving populations: presets, overrides, and risk mixtures."""

from __future__ import annotations

import numpy as np
import pytest

import securebase
from securebase.model.state import FIGURE_TRAITS
from securebase.scenario.caregiving import (
    UnknownPresetError,
    caregiving_presets,
    draw_traits,
    fixed_caregiving,
    preset_means,
    resolve,
)
from securebase.scenario.schema import Caregiving


def test_distributions_have_the_requested_mean_and_sd():
    care = Caregiving(preset="normative", warmth={"mean": 0.6, "sd": 0.1}, rupture_rate={"mean": 1.0, "sd": 0.5})
    drawn = draw_traits(resolve(care), 50_000, np.random.default_rng(0))
    assert drawn["warmth"].mean() == pytest.approx(0.6, abs=0.005)
    assert drawn["warmth"].std() == pytest.approx(0.1, abs=0.005)
    assert drawn["rupture_rate"].mean() == pytest.approx(1.0, abs=0.02)
    assert drawn["rupture_rate"].std() == pytest.approx(0.5, abs=0.02)
    assert drawn["warmth"].min() >= 0.0
    assert drawn["warmth"].max() <= 1.0


def test_quality_correlation_makes_the_five_qualities_covary():
    drawn = draw_traits(resolve("normative"), 50_000, np.random.default_rng(1))
    r = np.corrcoef(drawn["warmth"], drawn["sensitivity"])[0, 1]
    assert 0.3 < r < 0.5  # normative sets 0.4 on the latent scale


def test_mixture_draws_each_kind_in_its_share():
    """The mixed-risk population's traits average its named populations' in their shares."""
    drawn = draw_traits(resolve("mixed-risk"), 80_000, np.random.default_rng(2))
    shares = {"low-risk": 0.50, "low-ses-high-risk": 0.25, "clinical": 0.15, "maltreatment-referred": 0.10}
    for trait in ("warmth", "rupture_rate", "anomalous_rate"):
        expected = sum(w * preset_means(name)[trait] for name, w in shares.items())
        assert drawn[trait].mean() == pytest.approx(expected, abs=0.01), trait
    assert drawn["rupture_rate"].mean() > draw_traits(resolve("low-risk"), 40_000, np.random.default_rng(2))[
        "rupture_rate"
    ].mean()


def test_mixture_takes_no_overrides():
    with pytest.raises(UnknownPresetError, match="mixture"):
        resolve(Caregiving(preset="mixed-risk", warmth=0.3))


def test_mixture_in_a_scenario_file():
    scenario = securebase.parse_scenario(
        """
name = "mix"
[population]
n_children = 100
[[figures]]
name = "parent"
caregiving = { mixture = [{ preset = "responsive", weight = 1 }, { preset = "rejecting", weight = 3 }] }
[schedule]
days = 2
"""
    )
    results = securebase.simulate(scenario, seed=0)
    warmth = results.child_figures["warmth"]
    assert 0.6 < (warmth == 0.1).mean() < 0.9


@pytest.mark.parametrize(
    ("name", "mean", "sd"),
    [("warmth", 0.5, 0.28), ("consistency", 0.9, 0.08), ("rupture_rate", 0.1, 0.1), ("repair_latency_days", 3.0, 2.0)],
)
def test_tabulated_quantiles_match_the_exact_distribution(name: str, mean: float, sd: float):
    """Traits come from a tabulated quantile function: it must agree with scipy's exact one."""
    from scipy import stats

    from securebase.model.state import UNIT_TRAITS
    from securebase.scenario.caregiving import _quantile
    from securebase.scenario.schema import TraitDistribution

    z = np.random.default_rng(3).standard_normal(200_000) * 2.0
    u = np.clip(stats.norm.cdf(z), 1e-9, 1.0 - 1e-9)
    if name in UNIT_TRAITS:
        common = mean * (1.0 - mean) / sd**2 - 1.0
        exact = stats.beta.ppf(u, mean * common, (1.0 - mean) * common)
    else:
        exact = stats.gamma.ppf(u, (mean / sd) ** 2, scale=sd**2 / mean)
    np.testing.assert_allclose(_quantile(name, TraitDistribution(mean=mean, sd=sd), z), exact, rtol=0, atol=1e-6)


def test_preset_means_are_each_traits_mean_and_a_fixed_caregiver_draws_them_every_time():
    normative = caregiving_presets()["normative"]
    means = preset_means("normative")
    assert set(means) == set(FIGURE_TRAITS)
    assert means["warmth"] == pytest.approx(normative.warmth.mean)
    care = fixed_caregiving("normative", warmth=0.2)
    assert care.quality_correlation == 0.0
    drawn = draw_traits(resolve(care), 100, np.random.default_rng(0))
    assert np.all(drawn["warmth"] == 0.2)
    for name in FIGURE_TRAITS:
        if name != "warmth":
            assert np.allclose(drawn[name], means[name]), name
    with pytest.raises(UnknownPresetError, match="mixture"):
        preset_means("mixed-risk")
    with pytest.raises(UnknownPresetError, match="does not exist"):
        preset_means("no-such-preset")
