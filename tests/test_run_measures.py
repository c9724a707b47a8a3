"""A scenario's [[measures]]: instruments run on every child at the ages asked, in `run` and `securebase.simulate`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from helpers import SHIPPED

import securebase
from securebase.cli import main
from securebase.instruments.scheduled import MeasureError, check_measures
from securebase.scenario import ScenarioError, parse_scenario
from securebase.scenario.load import scenario_from_data

MEASURED = """\
name = "measured"
seed = 3

[population]
n_children = 40
start_age_years = 0.9

[[figures]]
name = "parent"
caregiving = "normative"

[schedule]
days = 60

[[measures]]
name = "ssp"
instrument = "strange-situation"
figure = "parent"
at_age_years = [0.95, 1.0]

[[measures]]
name = "trust"
instrument = "model-trust"
figure = "parent"
at_age_years = [0.92]
"""


def data(**measure: object) -> dict:
    one = {"name": "m", "instrument": "reunion", "figure": "parent", "at_age_years": [3.0], **measure}
    return {
        "name": "x",
        "population": {"n_children": 5},
        "figures": [{"name": "parent"}],
        "schedule": {"days": 2000},
        "measures": [one],
    }


def test_every_child_is_measured_at_every_age_asked():
    results = securebase.simulate(parse_scenario(MEASURED), calibration=SHIPPED)
    table = results.measurements
    assert table is not None
    counts = table.groupby("measure")["child"].count()
    assert counts["ssp"] == 2 * 40
    assert counts["trust"] == 40
    ssp = table[table["measure"] == "ssp"]
    assert set(ssp["classification"]) <= {"A", "B", "C", "D"}
    assert np.allclose(np.sort(ssp["age_years"].unique()), [0.95, 1.0], atol=1 / 365)
    again = securebase.simulate(parse_scenario(MEASURED), calibration=SHIPPED).measurements
    assert table.equals(again)  # the same seed, the same readings


def test_the_schema_refuses_a_figure_or_age_the_scenario_does_not_have():
    with pytest.raises(ScenarioError, match=r"measures\[0\]\.figure"):
        scenario_from_data(data(figure="teacher"))
    with pytest.raises(ScenarioError, match=r"measures\[0\]\.at_age_years\[0\]"):
        scenario_from_data(data(at_age_years=[9.0]))  # the run ends at 5.5 years


def test_an_unknown_instrument_or_an_age_outside_its_range_is_refused_before_the_run():
    with pytest.raises(MeasureError, match=r"measures\[0\]\.instrument' has value 'reunon'; expected one of"):
        check_measures(scenario_from_data(data(instrument="reunon")))
    with pytest.raises(MeasureError, match=r"measures\[0\]\.at_age_years\[0\]' has value 1\.5.*2\.5 to 7 years"):
        check_measures(scenario_from_data(data(at_age_years=[1.5])))
    check_measures(scenario_from_data(data()))  # 3 years: valid


def test_the_cli_exits_2_naming_the_field(tmp_path: Path):
    path = tmp_path / "bad.toml"
    path.write_text(MEASURED.replace('"model-trust"', '"state-of-mind"'), encoding="utf-8")
    for command in (["check", str(path)], ["run", str(path), "--out", str(tmp_path / "out"), "--no-progress"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2, result.output
        assert "measures[1].at_age_years[0]' has value 0.92" in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_sweep_warns_that_it_does_not_run_the_scenarios_measures(tmp_path: Path):
    (tmp_path / "measured.toml").write_text(MEASURED.replace("n_children = 40", "n_children = 10"), encoding="utf-8")
    sweep = tmp_path / "sweep.toml"
    sweep.write_text(
        'name = "measured-sweep"\nscenario = "measured.toml"\nseeds = 1\ndesign = "grid"\n\n'
        '[[parameters]]\npath = "figures.parent.caregiving.warmth"\nvalues = [0.5]\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["sweep", str(sweep), "--out", str(tmp_path / "out"), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "scenario 'measured' has measures (2); a sweep keeps each run's daily summary only" in result.output
