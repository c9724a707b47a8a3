"""security_readout: the instrument that reads a child's security at an age (a classification where one is valid)."""

from __future__ import annotations

import numpy as np
import pytest

from securebase.instruments.ages import check_ages
from securebase.instruments.catalogue import INSTRUMENTS, SECURITY_READOUTS, NoReadoutError, security_readout
from securebase.model.timescale import DAYS_PER_YEAR
from securebase.scenario.load import ScenarioError


@pytest.mark.parametrize(
    ("months", "expected"),
    [
        (11.0, "strange-situation"),
        (12.0, "strange-situation"),  # the Q-sort is valid too: the classification is preferred
        (20.0, "strange-situation"),
        (20.5, "security-score"),  # the gap between the Strange Situation and the reunion: only the Q-sort
        (24.0, "security-score"),
        (30.0, "reunion"),
        (60.0, "reunion"),
        (84.0, "reunion"),
        (96.0, "security-scale"),
        (167.9, "security-scale"),
        (168.0, "state-of-mind"),  # the Security Scale is valid to 180 months: the classification is preferred
        (180.0, "state-of-mind"),
        (1200.0, "state-of-mind"),
    ],
)
def test_the_readout_at_each_age(months, expected):
    assert security_readout(months) == expected


@pytest.mark.parametrize("months", [0.0, 10.9, 84.5, 90.0, 95.9, 1200.5])
def test_an_age_no_instrument_covers_is_refused_naming_the_age(months):
    with pytest.raises(NoReadoutError) as error:
        security_readout(months)
    message = str(error.value)
    assert f"age_months has value {months:g}" in message
    assert "no instrument reads security at that age" in message
    assert "reunion 30-84" in message
    assert "security-scale 96-180" in message
    assert isinstance(error.value, ScenarioError)  # a ValueError: exit code 2 at the command line


@pytest.mark.parametrize("months", [-1.0, float("nan"), float("inf")])
def test_a_meaningless_age_is_refused(months):
    with pytest.raises(NoReadoutError, match="expected an age of 0 months or more"):
        security_readout(months)


def test_on_every_covered_month_the_readout_is_valid_and_a_classification_wherever_one_is():
    for months in np.arange(0.0, 1201.0, 0.5):
        valid = [n for n in SECURITY_READOUTS if INSTRUMENTS[n].valid_months[0] <= months <= INSTRUMENTS[n].valid_months[1]]
        if not valid:
            with pytest.raises(NoReadoutError):
                security_readout(months)
            continue
        name = security_readout(months)
        assert name in valid
        if any(INSTRUMENTS[n].kind == "classification" for n in valid):
            assert INSTRUMENTS[name].kind == "classification", months
        # the instrument itself accepts a child of that age
        check_ages(name, np.array([months / 12.0 * DAYS_PER_YEAR]))


def test_every_readout_is_an_instrument_of_security_with_a_secure_class_where_it_classifies():
    for name in SECURITY_READOUTS:
        info = INSTRUMENTS[name]
        if info.kind == "classification":
            assert info.default_class in ("B", "F")
        else:
            assert info.kind == "continuous"
