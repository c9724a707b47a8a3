"""Caregiving populations: named presets, and drawing each child's figures from them."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import numpy as np
from scipy import stats

from securebase.model.state import FIGURE_TRAITS, QUALITIES, UNIT_TRAITS
from securebase.scenario.schema import Caregiving, TraitDistribution

BASE_PRESET = "normative"


@cache
def caregiving_presets() -> dict[str, Caregiving]:
    """The built-in caregiving populations, by name."""
    text = resources.files("securebase.scenario").joinpath("presets/caregiving.toml").read_text("utf-8")
    return {name: Caregiving(**table) for name, table in tomllib.loads(text).items()}


@dataclass(frozen=True)
class ResolvedCaregiving:
    """Every trait's distribution, with nothing left to a preset."""

    traits: dict[str, TraitDistribution]
    quality_correlation: float


@dataclass(frozen=True)
class ResolvedMixture:
    """Kinds of caregiver and their shares (weights sum to 1)."""

    components: tuple[tuple[float, ResolvedCaregiving], ...]


class UnknownPresetError(ValueError):
    pass


def _preset(name: str) -> Caregiving:
    presets = caregiving_presets()
    if name not in presets:
        raise UnknownPresetError(
            f"caregiving preset '{name}' does not exist; expected one of: {', '.join(sorted(presets))}"
        )
    return presets[name]


def resolve(spec: str | Caregiving) -> ResolvedMixture:
    """A preset name, a table of overrides on a preset (``normative`` when none is named), or a mixture."""
    if isinstance(spec, str):
        spec = Caregiving(preset=spec)
    if spec.preset is not None and _preset(spec.preset).mixture is not None:
        if spec.model_dump(exclude_none=True).keys() != {"preset"}:
            raise UnknownPresetError(f"caregiving preset '{spec.preset}' is a mixture and takes no overrides")
        spec = _preset(spec.preset)
    if spec.mixture is not None:
        total = sum(c.weight for c in spec.mixture)
        components = []
        for component in spec.mixture:
            if _preset(component.preset).mixture is not None:
                raise UnknownPresetError(f"mixture component '{component.preset}' is itself a mixture")
            components.append((component.weight / total, _resolve_one(Caregiving(preset=component.preset))))
        return ResolvedMixture(components=tuple(components))
    return ResolvedMixture(components=((1.0, _resolve_one(spec)),))


def preset_means(name: str) -> dict[str, float]:
    """A preset's traits as fixed numbers: the mean of each trait's distribution (not for a mixture)."""
    if _preset(name).mixture is not None:
        raise UnknownPresetError(f"caregiving preset '{name}' is a mixture; it has no one mean per trait")
    ((_, caregiving),) = resolve(name).components
    return {trait: float(dist.mean) for trait, dist in caregiving.traits.items()}


def fixed_caregiving(preset: str, **traits: float) -> Caregiving:
    """One caregiver whom every child meets the same: the preset's means, ``traits`` changed, no correlation."""
    return Caregiving(**{**preset_means(preset), **traits}, quality_correlation=0.0)


def _resolve_one(spec: Caregiving) -> ResolvedCaregiving:
    base_name = spec.preset or BASE_PRESET
    base = _preset(base_name)
    traits = {}
    for name in FIGURE_TRAITS:
        value = getattr(spec, name)
        if value is None:
            value = getattr(base, name)
        if value is None:
            raise UnknownPresetError(f"caregiving preset '{base_name}' does not give '{name}'")
        traits[name] = value if isinstance(value, TraitDistribution) else TraitDistribution(mean=value, sd=0.0)
    correlation = spec.quality_correlation
    if correlation is None:
        correlation = base.quality_correlation or 0.0
    return ResolvedCaregiving(traits=traits, quality_correlation=correlation)


#: normal scores at which each trait's quantile function is tabulated: between them it is
#: interpolated (error below 1e-6 for the presets' distributions), because the exact Beta
#: quantile costs microseconds a value and large populations draw millions of them
_SCORE_LIMIT = float(stats.norm.isf(1e-9))  # quantiles 1e-9 and 1 - 1e-9: no trait at infinity
_NORMAL_SCORES = np.linspace(-_SCORE_LIMIT, _SCORE_LIMIT, 8193)
_SCORE_STEP = _NORMAL_SCORES[1] - _NORMAL_SCORES[0]


@lru_cache(maxsize=256)
def _quantile_table(name: str, mean: float, sd: float) -> np.ndarray:
    u = stats.norm.cdf(_NORMAL_SCORES)
    if name in UNIT_TRAITS:
        # Beta with the given mean and sd (method of moments)
        common = mean * (1.0 - mean) / sd**2 - 1.0
        return stats.beta.ppf(u, mean * common, (1.0 - mean) * common)
    shape = (mean / sd) ** 2
    return stats.gamma.ppf(u, shape, scale=sd**2 / mean)


def _quantile(name: str, dist: TraitDistribution, z: np.ndarray) -> np.ndarray:
    """The trait at normal score ``z``: its distribution's quantile at Phi(z)."""
    if dist.sd == 0.0:
        return np.full(z.shape, dist.mean)
    table = _quantile_table(name, dist.mean, dist.sd)
    # linear interpolation on the evenly spaced grid: the cell is found by arithmetic, not search
    position = (np.clip(z, _NORMAL_SCORES[0], _NORMAL_SCORES[-1]) - _NORMAL_SCORES[0]) / _SCORE_STEP
    cell = np.minimum(position.astype(np.int64), len(table) - 2)
    fraction = position - cell
    return table[cell] + fraction * (table[cell + 1] - table[cell])


def _draw_component(caregiving: ResolvedCaregiving, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    rho = caregiving.quality_correlation
    shared = rng.standard_normal(n)
    out = {}
    for name in FIGURE_TRAITS:
        z = rng.standard_normal(n)
        if name in QUALITIES:
            z = np.sqrt(rho) * shared + np.sqrt(1.0 - rho) * z
        out[name] = _quantile(name, caregiving.traits[name], z)
    return out


def draw_traits(caregiving: ResolvedMixture, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw ``n`` figures' traits: each from its kind of caregiver (Gaussian copula for the five qualities)."""
    if len(caregiving.components) == 1:
        return _draw_component(caregiving.components[0][1], n, rng)
    weights = np.array([w for w, _ in caregiving.components])
    kind = rng.choice(len(weights), size=n, p=weights)
    out = {name: np.empty(n) for name in FIGURE_TRAITS}
    for index, (_, component) in enumerate(caregiving.components):
        members = kind == index
        drawn = _draw_component(component, int(members.sum()), rng)
        for name in FIGURE_TRAITS:
            out[name][members] = drawn[name]
    return out
