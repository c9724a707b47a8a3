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
)

#: the published d of S13's problem outcomes is insecure minus secure; the model's findings are secure minus the rest
_INSECURE_MINUS_SECURE = ("internalising", "externalising")
#: S12: the care pattern and class whose association each published r is set beside
_PATTERN_AND_CLASS = {"share coded B": ("responsive", "B"), "share coded D": ("frightening", "D")}


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


def published_for(study: str, statistic: str) -> list[PublishedEffect]:
    """The published effects set beside the finding ``statistic`` of ``study``."""
    return [p for p in PUBLISHED if p.study == study and p.statistic == statistic]


def convert(result: StudyResult, finding: Finding, published: PublishedEffect) -> Comparison:
    """The model's effect in ``finding`` in the metric of ``published``, and how it was converted."""
    if published.metric == "d":
        model, how = _cohens_d(finding, published)
    elif published.metric == "r":
        model, how = _phi(result, published)
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
