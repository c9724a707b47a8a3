"""Caregiving populations: named presets, and drawing each child's figures from them."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
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


class UnknownPresetError(ValueError):
    pass


def resolve(spec: str | Caregiving) -> ResolvedCaregiving:
    """A preset name, or a table of overrides on a preset (``normative`` when none is named)."""
    presets = caregiving_presets()
    if isinstance(spec, str):
        spec = Caregiving(preset=spec)
    base_name = spec.preset or BASE_PRESET
    if base_name not in presets:
        raise UnknownPresetError(
            f"caregiving preset '{base_name}' does not exist; expected one of: {', '.join(sorted(presets))}"
        )
    base = presets[base_name]
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


def _quantile(name: str, dist: TraitDistribution, u: np.ndarray) -> np.ndarray:
    if dist.sd == 0.0:
        return np.full(u.shape, dist.mean)
    if name in UNIT_TRAITS:
        # Beta with the given mean and sd (method of moments)
        common = dist.mean * (1.0 - dist.mean) / dist.sd**2 - 1.0
        return stats.beta.ppf(u, dist.mean * common, (1.0 - dist.mean) * common)
    shape = (dist.mean / dist.sd) ** 2
    return stats.gamma.ppf(u, shape, scale=dist.sd**2 / dist.mean)


def draw_traits(caregiving: ResolvedCaregiving, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw ``n`` figures' traits. The five qualities share a factor (Gaussian copula)."""
    rho = caregiving.quality_correlation
    shared = rng.standard_normal(n)
    out = {}
    for name in FIGURE_TRAITS:
        z = rng.standard_normal(n)
        if name in QUALITIES:
            z = np.sqrt(rho) * shared + np.sqrt(1.0 - rho) * z
        u = np.clip(stats.norm.cdf(z), 1e-9, 1.0 - 1e-9)
        out[name] = _quantile(name, caregiving.traits[name], u)
    return out
