"""The bids study (S3): contract, directions at quick size, and its per-child counting by age band."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from securebase.model.state import BID_TYPES
from securebase.studies import bids as study
from securebase.studies import check_result, get_study


@pytest.fixture(scope="module")
def result(quick_study):
    return quick_study("bids")


def test_contract(result):
    check_result(get_study("bids"), result)


def test_crying_gives_way_to_approaching_and_words(result):
    assert len(result.findings) == 4
    assert [f.verdict for f in result.findings] == ["supported"] * 4


def test_band_counts_add_up_to_the_run_totals(result):
    children = result.tables["children"]
    per_child = children.groupby("child")[[f"bids_{t}" for t in BID_TYPES]].sum()
    assert len(per_child) == study.SIZES["quick"]
    assert (children.groupby("child").size() == len(study.BANDS)).all()
    assert per_child.to_numpy().sum() > 0


def test_shares_are_per_child_and_sum_to_one():
    counts = pd.DataFrame(
        {
            "child": [0, 1, 0, 1],
            "age_band": ["0-3 months", "0-3 months", "3-5 years", "3-5 years"],
            "bids_crying": [3, 0, 0, 0],
            "bids_smiling": [1, 0, 0, 0],
            "bids_reaching": [0, 0, 0, 0],
            "bids_approaching": [0, 0, 1, 2],
            "bids_verbal": [0, 0, 3, 2],
        }
    )
    table = study.add_shares(counts)
    assert table.loc[0, "share_crying"] == pytest.approx(0.75)
    assert np.isnan(table.loc[1, "share_crying"])  # no bids: no share
    assert table.loc[3, "share_verbal"] == pytest.approx(0.5)
    pooled = study.pooled_shares(table, ("0-3 months", "3-5 years"))
    assert pooled.loc[0].sum() == pytest.approx(1.0)
    assert pooled.loc[0, "crying"] == pytest.approx(3 / 8)
