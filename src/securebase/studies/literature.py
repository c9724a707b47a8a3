"""What the literature found, beside what the model shows: published effects for the seed's claims.

For comparison, never fitted: no constant of the model is tuned to these figures (MODEL.md §4 lists what
the model is fitted to). Each published effect names its source and where in it the figure is (table or
page), read from the paper itself; the model's effect is converted to the same metric (d, r, percentage
points or an odds ratio) and the conversion is said.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from securebase.statistics import correlation
from securebase.studies.base import Estimate, Finding, StudyResult

Metric = Literal["d", "r", "percentage points", "odds ratio"]


@dataclass(frozen=True)
class PublishedEffect:
    """One published effect size for a claim, with its source."""

    claim: str
    #: the study (securebase.studies name) and the finding within it (its ``statistic``, exactly) it sits beside
    study: str
    statistic: str
    metric: Metric
    value: float
    low: float | None
    high: float | None
    #: the full reference, and where in it the figure is (table, page)
    source: str
    where: str
    #: what was compared, in which population (one line)
    note: str
    #: the calibration target (calibration/targets.toml) this very figure is, if any: the model was fitted to it,
    #: so beside the model it is no independent comparison, and the report says so
    calibration_target: str = ""


@dataclass(frozen=True)
class Comparison:
    """A published effect beside the model's effect in the same metric (``model`` None: not convertible)."""

    published: PublishedEffect
    model: Estimate | None
    #: how the model's effect was put in the published metric (one line)
    conversion: str


#: the published effects, by claim (filled from the papers themselves: each figure was read in the source named, and
#: ``where`` says where; "from the abstract" where the abstract states it). The sign is the published one; compare()
#: turns the model's effect to the published direction, never the other way.
PUBLISHED: tuple[PublishedEffect, ...] = (
    PublishedEffect(
        claim="S12",
        study="styles",
        statistic="share coded B (secure) at 12 months: responsive care minus the other three patterns pooled",
        metric="r",
        value=0.24,
        low=None,
        high=None,
        source=(
            "De Wolff, M. S., & van IJzendoorn, M. H. (1997). Sensitivity and attachment: A meta-analysis on "
            "parental antecedents of infant attachment. Child Development, 68(4), 571-591."
        ),
        where="from the abstract: r(1,097) = .24, 21 studies, N = 1,099 (no interval in the abstract)",
        note=(
            "observed maternal sensitivity with Strange Situation security in nonclinical samples (corrected for "
            "attenuation); the model contrasts pure patterns of care, far wider than natural variation in sensitivity"
        ),
        calibration_target="sensitivity_security_r",
    ),
    PublishedEffect(
        claim="S12",
        study="styles",
        statistic="share coded D (disorganised) at 12 months: frightening care minus the other three patterns pooled",
        metric="r",
        value=0.34,
        low=None,
        high=None,
        source=(
            "Madigan, S., Bakermans-Kranenburg, M. J., van IJzendoorn, M. H., Moran, G., Pederson, D. R., & "
            "Benoit, D. (2006). Unresolved states of mind, anomalous parental behavior, and disorganized attachment: "
            "A review and meta-analysis of a transmission gap. Attachment & Human Development, 8(2), 89-111."
        ),
        where="from the abstract: r = .34, 12 studies, 851 families (no interval in the abstract)",
        note=(
            "anomalous (frightening, atypical) parental behaviour with infant disorganisation; the model's "
            "frightening pattern is frightening care throughout, against three patterns without it"
        ),
        calibration_target="anomalous_disorganisation_r",
    ),
    PublishedEffect(
        claim="S13",
        study="life-course",
        statistic=(
            "internalising: withdrawal and worry at 6-7 years, coded secure (B) at 12 months minus the others "
            "(Cohen's d)"
        ),
        metric="d",
        value=0.15,
        low=0.06,
        high=0.25,
        source=(
            "Groh, A. M., Roisman, G. I., van IJzendoorn, M. H., Bakermans-Kranenburg, M. J., & Fearon, R. P. (2012). "
            "The significance of insecure and disorganized attachment for children's internalizing symptoms: A "
            "meta-analytic study. Child Development, 83(2), 591-610."
        ),
        where="from the abstract: d = 0.15, CI 0.06-0.25, 42 samples, N = 4,614",
        note="early insecurity (insecure minus secure) with internalising symptoms in childhood",
    ),
    PublishedEffect(
        claim="S13",
        study="life-course",
        statistic=(
            "externalising: aggression and opposition at 6-7 years, coded secure (B) at 12 months minus the others "
            "(Cohen's d)"
        ),
        metric="d",
        value=0.31,
        low=0.23,
        high=0.40,
        source=(
            "Fearon, R. P., Bakermans-Kranenburg, M. J., van IJzendoorn, M. H., Lapsley, A.-M., & Roisman, G. I. "
            "(2010). The significance of insecure attachment and disorganization in the development of children's "
            "externalizing behavior: A meta-analytic study. Child Development, 81(2), 435-456."
        ),
        where="from the abstract: d = 0.31 (95% CI 0.23, 0.40), 69 samples, N = 5,947",
        note="insecurity (insecure minus secure) with externalising problems in childhood",
    ),
    *(
        PublishedEffect(
            claim="S13",
            study="life-course",
            statistic=f"{words} at 6-7 years, coded secure (B) at 12 months minus the others (Cohen's d)",
            metric="d",
            value=0.39,
            low=0.32,
            high=0.47,
            source=(
                "Groh, A. M., Fearon, R. P., Bakermans-Kranenburg, M. J., van IJzendoorn, M. H., Steele, R. D., & "
                "Roisman, G. I. (2014). The significance of attachment security for children's social competence "
                "with peers: A meta-analytic study. Attachment & Human Development, 16(2), 103-136."
            ),
            where="from the abstract: d = 0.39, CI 0.32-0.47, 80 samples, N = 4,441",
            note=f"early security (secure minus insecure) with social competence with peers; the model's {what}",
        )
        for words, what in (
            ("acceptance by classmates (share who like the child)", "peer acceptance is one part of that competence"),
            ("reciprocated friendships at the end of the year", "reciprocated friendships are one part of it"),
        )
    ),
    PublishedEffect(
        claim="S13",
        study="life-course",
        statistic="learning: competence gained over the year at 6-7 years, coded secure (B) at 12 months minus the "
        "others (Cohen's d)",
        metric="r",
        value=0.28,
        low=None,
        high=None,
        source=(
            "van IJzendoorn, M. H., Dijkstra, J., & Bus, A. G. (1995). Attachment, intelligence, and language: A "
            "meta-analysis. Social Development, 4(2), 115-128."
        ),
        where="from the abstract: combined r = .28 (N = 303) for attachment with language competence (no interval)",
        note=(
            "attachment security with language competence, a level measured at various ages; the model's learning is "
            "the competence gained in one school year, not language; the same abstract gives r = .09 (N = 1,026) for "
            "intelligence (DQ or IQ), which the model's general ability, independent of care by design, stands for"
        ),
    ),
    PublishedEffect(
        claim="S8",
        study="life-course",
        statistic="continuity of security from 4 to 16 years (r, observed), stable minus changing care",
        metric="r",
        value=0.28,
        low=None,
        high=None,
        source=(
            "Opie, J. E., McIntosh, J. E., Esler, T. B., Duschinsky, R., George, C., Schore, A., Kothe, E. J., Tan, "
            "E. S., Greenwood, C. J., & Olsson, C. A. (2021). Early childhood attachment stability and change: a "
            "meta-analysis. Attachment & Human Development, 23(6), 897-930."
        ),
        where="from the abstract: secure/insecure stability r = 0.28 across infancy, toddlerhood and preschool/early "
        "school, Strange Situation-based methods only (no interval in the abstract)",
        note=(
            "stability of secure vs insecure between early-childhood epochs in ordinary samples, whose care mostly "
            "goes on as it was; the finding itself is a difference of two continuities from 4 to 16 years, which has "
            "no published counterpart, so the model's side is its stable-care continuity over the published epochs"
        ),
        calibration_target="stability_secure_r",
    ),
)

#: the published d of S13's problem outcomes is insecure minus secure; the model's findings are secure minus the rest
_INSECURE_MINUS_SECURE = ("internalising", "externalising")
#: S12: the care pattern and class whose association each published r is set beside
_PATTERN_AND_CLASS = {"share coded B": ("responsive", "B"), "share coded D": ("frightening", "D")}
#: S13: the column of the school-outcomes table (``school_children``) whose point-biserial r each published r is set
#: beside, by the start of the finding's statistic
_SCHOOL_OUTCOME = {"learning:": "learning"}
#: S8: the ages (years) of the continuity table's pair that spans the published epochs (infancy to preschool: the
#: Strange Situation at 1 year, the preschool reunion procedure at 4), and the arm read
_STABILITY_AGES = (1.0, 4.0)
_STABILITY_ARM = "stable care"


def _cohens_d(finding: Finding, published: PublishedEffect) -> tuple[Estimate | None, str]:
    if finding.units != "standard deviations":
        return None, f"the finding is in {finding.units or 'unnamed units'}, not Cohen's d: no SD to convert with"
    e = finding.estimate
    own = "the study's own Cohen's d (pooled SD of the outcome)"
    if published.statistic.startswith(_INSECURE_MINUS_SECURE):
        return Estimate(-e.value, -e.high, -e.low), f"{own}, its sign turned to insecure minus secure as published"
    return Estimate(e.value, e.low, e.high), f"{own}, secure minus insecure as published"


def _phi(result: StudyResult, published: PublishedEffect) -> tuple[Estimate | None, str]:
    pattern, coded = next(v for k, v in _PATTERN_AND_CLASS.items() if published.statistic.startswith(k))
    children = result.tables.get("children")
    if children is None or not {"care_pattern", "classification"} <= set(children.columns):
        return None, "the result has no per-child table of care pattern and class: r cannot be computed"
    r = correlation(
        (children["care_pattern"] == pattern).to_numpy(float), (children["classification"] == coded).to_numpy(float)
    )
    if not np.isfinite(r.value):
        return None, f"no variation in {pattern} care or in class {coded}: r is undefined"
    how = (
        f"phi (Pearson's r of two 0/1 variables) of {pattern} care vs the other patterns with coded {coded} vs not, "
        "per child, from the study's children table; Fisher's z interval"
    )
    return Estimate(r.value, r.low, r.high), how


def _point_biserial(result: StudyResult, published: PublishedEffect) -> tuple[Estimate | None, str]:
    column = next(v for k, v in _SCHOOL_OUTCOME.items() if published.statistic.startswith(k))
    table = result.tables.get("school_children")
    if table is None or not {"infant_classification", column} <= set(table.columns):
        return None, f"the result has no per-child table of infant class and {column}: r cannot be computed"
    known = table["infant_classification"].notna().to_numpy() & table[column].notna().to_numpy()
    secure = (table["infant_classification"] == "B").to_numpy(float)[known]
    r = correlation(secure, table[column].to_numpy(float)[known])
    if not np.isfinite(r.value):
        return None, f"no variation in coded B at 12 months or in {column}: r is undefined"
    how = (
        f"point-biserial r (Pearson's r) of coded B at 12 months vs not with {column}, per child, from the study's "
        "school_children table; Fisher's z interval"
    )
    return Estimate(r.value, r.low, r.high), how


def _stability(result: StudyResult) -> tuple[Estimate | None, str]:
    table = result.tables.get("continuity")
    first, second = _STABILITY_AGES
    if table is None or not {"arm", "from_age_years", "to_age_years", "r_observed"} <= set(table.columns):
        return None, "the result has no continuity table: r cannot be read"
    rows = table[
        (table["arm"] == _STABILITY_ARM) & (table["from_age_years"] == first) & (table["to_age_years"] == second)
    ]
    if rows.empty or not np.isfinite(rows["r_observed"].iloc[0]):
        return None, f"the continuity table has no r observed from {first:g} to {second:g} years under {_STABILITY_ARM}"
    row = rows.iloc[0]
    how = (
        f"not the finding's difference (which has no published counterpart): r observed (secure vs not) from "
        f"{first:g} to {second:g} years under {_STABILITY_ARM}, from the study's continuity table (the epochs the "
        "published r spans); Fisher's z interval"
    )
    return Estimate(float(row["r_observed"]), float(row["r_observed_low"]), float(row["r_observed_high"])), how


def _r(result: StudyResult, published: PublishedEffect) -> tuple[Estimate | None, str]:
    """The model's effect as a correlation: which one depends on the finding (see each converter)."""
    if published.study == "styles":
        return _phi(result, published)
    if published.statistic.startswith("continuity of security"):
        return _stability(result)
    return _point_biserial(result, published)


def published_for(study: str, statistic: str) -> list[PublishedEffect]:
    """The published effects set beside the finding ``statistic`` of ``study``."""
    return [p for p in PUBLISHED if p.study == study and p.statistic == statistic]


def convert(result: StudyResult, finding: Finding, published: PublishedEffect) -> Comparison:
    """The model's effect in ``finding`` in the metric of ``published``, and how it was converted."""
    if published.metric == "d":
        model, how = _cohens_d(finding, published)
    elif published.metric == "r":
        model, how = _r(result, published)
    else:
        model, how = None, f"no conversion to {published.metric} is defined"
    return Comparison(published=published, model=model, conversion=how)


def compare(result: StudyResult) -> dict[int, list[Comparison]]:
    """For each finding of ``result`` (by its index in ``result.findings``) the published effects beside it."""
    comparisons = {}
    for index, finding in enumerate(result.findings):
        beside = [convert(result, finding, p) for p in published_for(result.name, finding.statistic)]
        if beside:
            comparisons[index] = beside
    return comparisons
