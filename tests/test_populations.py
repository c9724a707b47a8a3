"""The named populations for researchers' comparisons (docs/model.md §11, "Named populations").

Their inputs come from observational studies of caregiving: each population moves the traits of the one it builds
on by a published standardised difference d, in units of the anchor's sd. These tests check that every population
resolves and draws within the traits' bounds, that the file's numbers are the documented translation of those d
(so a typo in the file or the table shows), and that the documented orderings hold in the drawn figures.
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

import securebase
from securebase.cli import main
from securebase.model.state import FIGURE_TRAITS, UNIT_TRAITS
from securebase.scenario.caregiving import caregiving_presets, draw_traits, preset_means, resolve

POPULATIONS = ("low-risk", "low-ses-high-risk", "maltreatment-referred", "foster-care", "clinical")
ANCHOR = "low-risk"

#: population: (the population it builds on, {trait: d}); d > 0 raises the trait, d < 0 lowers it (docs/model.md §11)
SES = 0.5  # observed sensitivity, positive regard, stimulation and intrusiveness in poverty (judgement of size)
STRESS = 0.3  # harshness and disrupted behaviour under family stress (judgement of size)
WILSON = 0.54  # maltreating vs non-maltreating parents, middle of d = .46 to .62 (Wilson et al. 2008)
NEGATIVE, DISENGAGED, POSITIVE = 0.40, 0.29, 0.16  # depressed vs non-depressed mothers (Lovejoy et al. 2000)
SENSITIVITY_TRAITS = ("consistency", "appropriateness", "sensitivity", "warmth", "reliability", "exploration_support")
TRANSLATION = {
    "low-ses-high-risk": (
        ANCHOR,
        {**{t: -SES for t in SENSITIVITY_TRAITS}, "intrusiveness": SES, "rupture_rate": STRESS, "anomalous_rate": STRESS},
    ),
    "maltreatment-referred": (
        "low-ses-high-risk",
        {
            **{t: -WILSON for t in ("consistency", "appropriateness", "sensitivity", "reliability", "exploration_support")},
            "warmth": -WILSON,
            **{t: WILSON for t in ("intrusiveness", "rupture_rate", "anomalous_rate")},
        },
    ),
    "clinical": (
        ANCHOR,
        {
            **{t: NEGATIVE for t in ("intrusiveness", "rupture_rate")},
            **{t: -DISENGAGED for t in ("consistency", "appropriateness", "sensitivity", "reliability")},
            "exploration_support": -DISENGAGED,
            "anomalous_rate": DISENGAGED,
            "warmth": -POSITIVE,
        },
    ),
}


def _distribution(population: str, trait: str) -> tuple[float, float]:
    value = getattr(caregiving_presets()[population], trait)
    return value.mean, value.sd


@pytest.mark.parametrize("name", POPULATIONS)
def test_every_named_population_resolves_and_draws_within_the_traits_bounds(name: str):
    ((weight, _),) = resolve(name).components
    assert weight == 1.0
    drawn = draw_traits(resolve(name), 20_000, np.random.default_rng(5))
    assert set(drawn) == set(FIGURE_TRAITS)
    for trait, values in drawn.items():
        assert np.all(np.isfinite(values)), trait
        assert values.min() >= 0.0, trait
        if trait in UNIT_TRAITS:
            assert values.max() <= 1.0, trait
        # each draw has the population's mean (a wrong distribution, or a trait taken from another preset, shows)
        assert values.mean() == pytest.approx(preset_means(name)[trait], abs=0.01), trait


def test_the_anchor_is_the_normative_population():
    """low-risk is the same care as normative (the calibration's population): its levels, not a new fit."""
    low_risk, normative = caregiving_presets()[ANCHOR], caregiving_presets()["normative"]
    for trait in (*FIGURE_TRAITS, "quality_correlation"):
        assert getattr(low_risk, trait) == getattr(normative, trait), trait


@pytest.mark.parametrize("name", sorted(TRANSLATION))
def test_each_population_is_its_base_moved_by_the_documented_effect_sizes(name: str):
    base, shifts = TRANSLATION[name]
    for trait in FIGURE_TRAITS:
        mean, sd = _distribution(name, trait)
        base_mean, base_sd = _distribution(base, trait)
        _, anchor_sd = _distribution(ANCHOR, trait)
        assert mean == pytest.approx(base_mean + shifts.get(trait, 0.0) * anchor_sd, abs=6e-4), trait
        assert sd == base_sd, trait  # spreads are kept: no data on how they differ


def test_foster_carers_are_the_low_ses_levels_without_the_harshness_and_with_a_wider_spread_of_warmth():
    for trait in FIGURE_TRAITS:
        mean, sd = _distribution("foster-care", trait)
        like = ANCHOR if trait in ("rupture_rate", "anomalous_rate") else "low-ses-high-risk"
        assert mean == _distribution(like, trait)[0], trait
        if trait != "warmth":
            assert sd == _distribution(like, trait)[1], trait
    assert _distribution("foster-care", "warmth")[1] > _distribution(ANCHOR, "warmth")[1]


def test_the_documented_orderings_hold_in_the_drawn_figures():
    rng = np.random.default_rng(11)
    drawn = {name: draw_traits(resolve(name), 40_000, rng) for name in POPULATIONS}
    mean = {name: {trait: values.mean() for trait, values in traits.items()} for name, traits in drawn.items()}
    # observed sensitivity falls from low-risk through poverty to maltreatment, and the rest with it
    for trait in ("sensitivity", "warmth", "consistency", "reliability", "appropriateness", "exploration_support"):
        assert mean["low-risk"][trait] > mean["low-ses-high-risk"][trait] > mean["maltreatment-referred"][trait], trait
        assert mean["clinical"][trait] < mean["low-risk"][trait], trait
    # harshness, intrusion and anomalous behaviour rise the other way
    for trait in ("intrusiveness", "rupture_rate", "anomalous_rate"):
        assert mean["low-risk"][trait] < mean["low-ses-high-risk"][trait] < mean["maltreatment-referred"][trait], trait
        assert mean["clinical"][trait] > mean["low-risk"][trait], trait
    # depressed mothers: negative behaviour moves most, positive behaviour least (Lovejoy et al. 2000)
    sd = {trait: _distribution(ANCHOR, trait)[1] for trait in FIGURE_TRAITS}
    moved = {t: abs(mean["clinical"][t] - mean["low-risk"][t]) / sd[t] for t in ("intrusiveness", "sensitivity", "warmth")}
    assert moved["intrusiveness"] > moved["sensitivity"] > moved["warmth"]
    # foster carers are licensed: no more harshness or anomalous behaviour than low-risk carers
    for trait in ("rupture_rate", "anomalous_rate"):
        assert mean["foster-care"][trait] == pytest.approx(mean["low-risk"][trait], rel=0.05), trait


def test_securebase_scenarios_lists_the_named_populations():
    result = CliRunner().invoke(main, ["scenarios"])
    assert result.exit_code == 0, result.output
    listed = result.output.split('caregiving presets (caregiving = "NAME" in a figure or event):')[1].split()
    for name in POPULATIONS:
        assert name in listed, name


def test_a_child_moves_from_a_maltreating_family_to_a_foster_carer():
    """The documented use of foster-care: a `replace` event gives the child a new person as its caregiver."""
    scenario = securebase.parse_scenario(
        """
name = "placement"
[population]
n_children = 200
[[figures]]
name = "parent"
caregiving = "maltreatment-referred"
[schedule]
days = 6
[[events]]
kind = "replace"
figure = "parent"
day = 3
caregiving = "foster-care"
"""
    )
    results = securebase.simulate(scenario, seed=0)
    figures = results.child_figures
    assert len(figures) == 200
    # after the placement every child's caregiver is a foster carer: no more ruptures than the low-risk mean allows
    assert figures["rupture_rate"].mean() == pytest.approx(preset_means("foster-care")["rupture_rate"], rel=0.2)


def test_docs_tables_give_the_files_numbers():
    """docs/model.md §11 has a table per named population, one line a trait: its numbers are the file's."""
    import re
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[1] / "docs" / "model.md").read_text("utf-8")
    for name in POPULATIONS:
        table = docs.split(f"**`{name}`**", 1)[1].split("\n\n", 2)[1]
        rows = dict(re.findall(r"^\| `(\w+)` \| ([^|]+) \|", table, flags=re.MULTILINE))
        assert set(rows) == {*FIGURE_TRAITS, "quality_correlation"}, name
        for trait in FIGURE_TRAITS:
            mean, sd = _distribution(name, trait)
            assert rows[trait].strip() == f"{mean:g} ({sd:g})", (name, trait)
        assert float(rows["quality_correlation"]) == caregiving_presets()[name].quality_correlation
