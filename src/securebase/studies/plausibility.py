"""Plausibility flags: a finding whose size the literature or the instrument's range makes incredible.

A flag does not change a verdict; it tells the reader to weigh the finding: an effect of more than three
published standard deviations, a share that moves for (nearly) every child, an interval narrower than
sampling would allow because the finding restates a mechanism ("by construction"). Each rule is a pure
function of the finding (and the study's name), documented in docs/studies.md ("Plausibility flags").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from securebase.instruments import security_scale
from securebase.studies.base import Finding, StudyResult

FlagKind = Literal["by construction", "implausibly large", "every child"]


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    #: one sentence for the reader: what is implausible, with the figure it rests on
    text: str


#: "implausibly large": more than this many published SDs of the instrument (or |d| above it)
LARGEST_CREDIBLE_SDS = 3.0
#: instruments with a published spread, by a finding's ``units``: (SD, instrument, source)
PUBLISHED_SD: dict[str, tuple[float, str, str]] = {
    "security-scale points": (security_scale.PUBLISHED_SD, "the Security Scale", "Kerns, Klepac & Cole 1996"),
}
#: units of a standardised effect (Cohen's d)
STANDARDISED_UNITS = frozenset({"standard deviations"})

#: "every child": a difference of shares of children of at least this size. A difference of two shares is a lower
#: bound on the share of children whose class differs between the arms (paired: |p1 - p2| <= the discordant share);
#: at 0.75 at least three children in four change class. The strongest published associations of care with class
#: (r = .24 sensitivity-security, De Wolff & van IJzendoorn 1997; r = .34 anomalous care-disorganisation, Madigan et
#: al. 2006; both read in their abstracts) are, for balanced groups, share differences of about 24 and 34 points:
#: 0.75 is more than twice either
EVERY_CHILD_SHARE = 0.75
#: a finding's units that are a share of children (or of individuals): the ones a class flip moves
SHARE_OF_CHILDREN_UNITS = frozenset({"share of children", "share of individuals"})

#: "by construction": (study, the start of a finding's statistic) -> why the finding restates a mechanism of the
#: model. Declared here, finding by finding, with a reason, never inferred from the width of an interval: such an
#: interval measures only the spread of the children's random draws around a value the mechanism sets
BY_CONSTRUCTION: dict[tuple[str, str], str] = {
    ("bids", "share of bids that are"): (
        "the mix of bid types by age is set in the model (docs/model.md §5, the age repertoire); every child draws "
        "from the same weights, so the shift restates them"
    ),
    ("exploration-support", "competence gained, comfort and support minus comfort only"): (
        "support multiplies what exploring teaches (docs/model.md §9, competence gain x (1 + support_boost x "
        "support)): the difference restates that factor"
    ),
    ("exploration-support", "exploration (mean over episodes), intrusive support minus support without intruding"): (
        "an intrusion cuts the episode's exploration by intrusion_cost (docs/model.md §9), and the arms differ in "
        "intrusiveness alone: the difference restates that cut"
    ),
    ("exploration-support", "competence gained, intrusive support minus support without intruding"): (
        "competence grows only while exploring (docs/model.md §9), and intrusion cuts exploration by construction: "
        "the difference follows from that cut"
    ),
    ("collaborate", "share of warm care given by the less-giving partner, mutual minus one-sided"): (
        "in the one-sided arm partner b's reliability is set to 0, so the less-giving partner's share there is 0 "
        "by design: the difference restates the arm's definition"
    ),
}


def implausibly_large(finding: Finding) -> Flag | None:
    """More than three published SDs on an instrument with a published SD, or a standardised effect |d| > 3."""
    value = finding.estimate.value
    if finding.units in PUBLISHED_SD:
        sd, instrument, source = PUBLISHED_SD[finding.units]
        if abs(value) > LARGEST_CREDIBLE_SDS * sd:
            return Flag(
                "implausibly large",
                f"{value:+.2f} points on {instrument} is {abs(value) / sd:.1f} of its published SDs ({sd:g}, "
                f"{source}): more than {LARGEST_CREDIBLE_SDS:g}",
            )
    elif finding.units in STANDARDISED_UNITS and abs(value) > LARGEST_CREDIBLE_SDS:
        return Flag("implausibly large", f"d = {value:+.2f}: more than {LARGEST_CREDIBLE_SDS:g} standard deviations")
    return None


def every_child(finding: Finding) -> Flag | None:
    """A difference of shares of children of 0.75 or more: at least three children in four change class."""
    value = finding.estimate.value
    if finding.units in SHARE_OF_CHILDREN_UNITS and "minus" in finding.statistic and abs(value) >= EVERY_CHILD_SHARE:
        return Flag(
            "every child",
            f"the share moves by {value:+.0%}: at least {abs(value):.0%} of children are classed differently under "
            "the two conditions, more than twice the strongest published association of care with class",
        )
    return None


def by_construction(study: str, finding: Finding) -> Flag | None:
    """A finding declared in ``BY_CONSTRUCTION`` to restate a mechanism, with its reason and interval."""
    for (name, start), reason in BY_CONSTRUCTION.items():
        if name == study and finding.statistic.startswith(start):
            e = finding.estimate
            return Flag(
                "by construction",
                f"{reason}; its interval (±{(e.high - e.low) / 2:.3g}) measures only the children's random draws, "
                "not what sampling real children would allow",
            )
    return None


def flags(result: StudyResult) -> dict[int, list[Flag]]:
    """For each finding of ``result`` (by its index in ``result.findings``) its plausibility flags."""
    found = {}
    for index, finding in enumerate(result.findings):
        raised = [
            flag
            for flag in (implausibly_large(finding), every_child(finding), by_construction(result.name, finding))
            if flag is not None
        ]
        if raised:
            found[index] = raised
    return found
