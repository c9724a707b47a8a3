"""A calibration: one full set of constants (the model's and the instruments'), with where it came from.

A calibration file (TOML, written by ``securebase calibrate``) holds:

- ``[model]``: the model's constants (:class:`~securebase.model.parameters.ModelParameters`);
- ``[coding]``: the Strange Situation coding scheme (:class:`~securebase.instruments.ssp_coding.CodingScheme`);
- ``[instruments]``: the other instruments' errors (``observer_sd``, ``sorter_sd``);
- ``[classroom.<group>]`` (optional): the constants of the classroom's array mechanisms
  (:class:`~securebase.model.classroom.ClassroomParameters`: school, peers, externalising, internalising,
  ability); a group or a constant left out takes its default;
- its provenance: ``date``, ``score``, ``command``, ``securebase_version``, ``commit``, ``[method]`` and,
  per published target, ``[fit.<target>]`` (published value, range, simulated value, 95% interval).

A constant a file leaves out takes its hand-set value (docs/model.md); a name the model does not know, or a
value that is not a finite non-negative number, is an error naming the field and the value.

Nothing reads a calibration file when a module is imported: the command line and the top-level API load
one (:meth:`Calibration.load`, :meth:`Calibration.shipped`) and pass its parts down as arguments.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import tomli_w

from securebase.instruments.registry import InstrumentSettings
from securebase.instruments.security_score import SORTER_SD
from securebase.instruments.sensitivity import OBSERVER_SD
from securebase.instruments.ssp_coding import CodingScheme
from securebase.model.classroom import ClassroomParameters
from securebase.model.parameters import ModelParameters

#: the calibration shipped with the package, beside this module
SHIPPED_FILE = "calibrated.toml"
#: the source a shipped calibration names in its provenance (and a run records)
SHIPPED_SOURCE = f"securebase/calibration/{SHIPPED_FILE} (shipped)"

HEADER = "# securebase calibration: the constants every study uses. Written by `securebase calibrate`."


class CalibrationError(ValueError):
    """A calibration file that cannot be used; the message names the file, the field, the value and the expectation."""


@dataclass(frozen=True)
class InstrumentErrors:
    """The errors of the instruments other than the Strange Situation coder (whose error is in the scheme)."""

    #: sd of the observer's error on the 9-point sensitivity scale (instruments/sensitivity.py)
    observer_sd: float = OBSERVER_SD
    #: sd of the sorter's error on the [-1, 1] security score (instruments/security_score.py)
    sorter_sd: float = SORTER_SD

    def to_dict(self) -> dict[str, float]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Provenance:
    """Where a calibration came from, as its file records it (every field may be missing from older files)."""

    #: the command that wrote it, e.g. "securebase calibrate --n 1000 ..."
    command: str | None = None
    #: securebase's version and git commit when it was written
    version: str | None = None
    commit: str | None = None
    #: when it was written (ISO 8601)
    date: str | None = None
    #: the fit's objective at these constants (lower is better)
    score: float | None = None
    #: how it was fitted: sizes, seed, search, free constants
    method: dict[str, Any] = field(default_factory=dict)
    #: per target: published, range, simulated, ci95, within_range
    fit: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: the file it was loaded from (not written into the file)
    source: str | None = None

    def within_range(self) -> tuple[int, int]:
        """(targets within their range, targets recorded)."""
        return sum(bool(f.get("within_range")) for f in self.fit.values()), len(self.fit)


@dataclass(frozen=True)
class Calibration:
    """The constants every study uses: the model's, the coding scheme, the instruments' errors; and provenance.

    ``Calibration()`` is the hand-set values of docs/model.md (the fit's starting point);
    :meth:`shipped` is the calibration the package ships; :meth:`load` reads any calibration file.
    """

    params: ModelParameters = field(default_factory=ModelParameters)
    coding: CodingScheme = field(default_factory=CodingScheme)
    instruments: InstrumentErrors = field(default_factory=InstrumentErrors)
    provenance: Provenance = field(default_factory=Provenance, compare=False)
    #: the classroom's array mechanisms (school events, peers, externalising, internalising, ability)
    classroom: ClassroomParameters = field(default_factory=ClassroomParameters)

    # ---- reading ---------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path) -> Calibration:
        """The calibration in the TOML file at ``path``; raises CalibrationError saying what is wrong."""
        path = Path(path)
        where = f"calibration file '{path}'"
        if not path.is_file():
            raise CalibrationError(f"{where} does not exist; expected a TOML file written by `securebase calibrate`.")
        try:
            text = path.read_bytes().decode("utf-8")
        except OSError as error:
            raise CalibrationError(f"{where} cannot be read ({error.strerror or error}).") from None
        except UnicodeDecodeError:
            raise CalibrationError(f"{where} is not a text file; expected TOML.") from None
        return cls.from_text(text, source=str(path))

    @classmethod
    @cache
    def shipped(cls) -> Calibration:
        """The calibration shipped with the package (src/securebase/calibration/calibrated.toml), read once."""
        resource = resources.files("securebase.calibration").joinpath(SHIPPED_FILE)
        try:
            text = resource.read_text("utf-8")
        except OSError as error:
            raise CalibrationError(
                f"the shipped calibration {SHIPPED_SOURCE} cannot be read ({error}); reinstall securebase, "
                "or pass a calibration file"
            ) from None
        return cls.from_text(text, source=SHIPPED_SOURCE)

    @classmethod
    def from_text(cls, text: str, source: str = "<text>") -> Calibration:
        """The calibration in the TOML ``text`` (``source`` names it in errors and in the provenance)."""
        where = f"calibration file '{source}'"
        if not text.strip():
            raise CalibrationError(f"{where} is empty; expected the [model], [coding] and [instruments] tables.")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise CalibrationError(f"{where} is not valid TOML ({error}).") from None
        return cls.from_document(data, source=source)

    @classmethod
    def from_document(cls, data: dict[str, Any], source: str = "<document>") -> Calibration:
        """The calibration in a parsed calibration file (``data``, as :meth:`document` writes it)."""
        where = f"calibration file '{source}'"
        missing = [name for name in ("model", "coding", "instruments") if name not in data]
        if missing:
            raise CalibrationError(
                f"{where} has no [{'], ['.join(missing)}] table; expected [model], [coding] and [instruments]."
            )
        params = ModelParameters(**_constants(data, "model", ModelParameters, where))
        coding = CodingScheme(**_constants(data, "coding", CodingScheme, where))
        instruments = InstrumentErrors(**_constants(data, "instruments", InstrumentErrors, where))
        classroom = _classroom(data.get("classroom", {}), where)
        return cls(params, coding, instruments, _provenance(data, where, source), classroom)

    # ---- writing ---------------------------------------------------------------

    def document(self) -> dict[str, Any]:
        """The file's contents as a dict (what :meth:`save` writes, in that order)."""
        p = self.provenance
        top = {"date": p.date, "score": p.score, "command": p.command, "securebase_version": p.version}
        top["commit"] = p.commit
        document: dict[str, Any] = {k: v for k, v in top.items() if v is not None}
        if p.method:
            document["method"] = dict(p.method)
        document["model"] = self.params.to_dict()
        document["coding"] = self.coding.to_dict()
        document["instruments"] = self.instruments.to_dict()
        document["classroom"] = self.classroom.to_dict()
        if p.fit:
            document["fit"] = {name: dict(values) for name, values in p.fit.items()}
        return document

    def to_toml(self) -> str:
        """The calibration file's text: readable TOML (tomli-w), one constant a line, provenance first.

        TOML writers keep no comments, so the provenance is data (``date``, ``command``, ``[method]``,
        ``[fit.<target>]``); the one comment is the fixed header line above the document.
        """
        return f"{HEADER}\n{tomli_w.dumps(_plain(self.document()))}"

    def save(self, path: str | Path) -> Path:
        """Write the calibration file to ``path``; returns the path."""
        path = Path(path)
        path.write_text(self.to_toml(), encoding="utf-8")
        return path

    # ---- identity --------------------------------------------------------------

    def constants(self) -> dict[str, dict[str, float]]:
        """Every constant, by table: what a run depends on (provenance left out)."""
        return {
            "model": self.params.to_dict(),
            "coding": self.coding.to_dict(),
            "instruments": self.instruments.to_dict(),
            **{f"classroom.{group}": values for group, values in self.classroom.to_dict().items()},
        }

    def instrument_settings(self) -> InstrumentSettings:
        """What the instruments take from this calibration: its constants, coding scheme and fitted errors."""
        return InstrumentSettings(
            params=self.params,
            coding=self.coding,
            observer_sd=self.instruments.observer_sd,
            sorter_sd=self.instruments.sorter_sd,
        )

    def constants_hash(self) -> str:
        """A short hash of :meth:`constants`: two calibrations with the same constants have the same hash."""
        text = json.dumps(self.constants(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def describe(self) -> str:
        """One line for people: where it came from, when, and how it fits the published targets."""
        p = self.provenance
        within, total = p.within_range()
        source = p.source or "constants given in code"
        parts = [source]
        if p.date:
            parts.append(f"written {p.date}")
        if total:
            parts.append(f"{within} of {total} published targets within range")
        if p.score is not None:
            parts.append(f"score {p.score:.2f}")
        return "; ".join(parts)

    def with_provenance(self, **changes: Any) -> Calibration:
        """A copy whose provenance has ``changes`` (command, version, date, fit...)."""
        return dataclasses.replace(self, provenance=dataclasses.replace(self.provenance, **changes))


#: constants that divide (a time or a scale): 0 cannot mean anything
POSITIVE_CONSTANTS = ("episode_minutes", "alarm_history_scale", "alarm_memory_days", "care_drift_timescale_days")


def _constants(data: dict[str, Any], table: str, kind: type, where: str) -> dict[str, float]:
    """The table's constants as floats, checked: every name known to ``kind``, every value finite and >= 0."""
    values = data[table]
    if not isinstance(values, dict):
        raise CalibrationError(f"{where}: '{table}' is {values!r}; expected a table [{table}] of constants.")
    known = [f.name for f in dataclasses.fields(kind)]
    out = {}
    for name, value in values.items():
        if name not in known:
            raise CalibrationError(
                f"{where}: {table}.{name} is not a constant of the {table} table; expected one of: {', '.join(known)}."
            )
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise CalibrationError(f"{where}: {table}.{name} = {value!r}; expected a finite number >= 0.")
        if value == 0 and (name.endswith("_full") or name in POSITIVE_CONSTANTS):
            raise CalibrationError(f"{where}: {table}.{name} = {value!r}; expected a number > 0.")
        out[name] = float(value)
    return out


def _classroom(tables: object, where: str) -> ClassroomParameters:
    """The [classroom.<group>] tables, checked: every group and constant known, each value of its constant's type
    (a number, a whole number or true/false) and within the constant's range; what is left out takes its default."""
    defaults = ClassroomParameters()
    groups = [f.name for f in dataclasses.fields(defaults)]
    if not isinstance(tables, dict):
        raise CalibrationError(f"{where}: 'classroom' is {tables!r}; expected tables [classroom.<group>].")
    chosen = {}
    for group, values in tables.items():
        if group not in groups:
            raise CalibrationError(f"{where}: classroom.{group} is not a group; expected one of: {', '.join(groups)}.")
        kind = type(getattr(defaults, group))
        if not isinstance(values, dict):
            raise CalibrationError(f"{where}: classroom.{group} is {values!r}; expected a table [classroom.{group}].")
        fields = {f.name: f for f in dataclasses.fields(kind)}
        for name, value in values.items():
            field_ = fields.get(name)
            if field_ is None:
                raise CalibrationError(
                    f"{where}: classroom.{group}.{name} is not a constant of that group; expected one of: "
                    f"{', '.join(fields)}."
                )
            expected = {"bool": "true or false", "int": "a whole number"}.get(str(field_.type), "a finite number")
            wrong = (
                not isinstance(value, bool)
                if str(field_.type) == "bool"
                else isinstance(value, bool)
                or not isinstance(value, int | float)
                or (str(field_.type) == "int" and not isinstance(value, int))
                or not math.isfinite(value)
            )
            if wrong:
                raise CalibrationError(f"{where}: classroom.{group}.{name} = {value!r}; expected {expected}.")
        try:
            chosen[group] = dataclasses.replace(getattr(defaults, group), **values)
        except ValueError as error:  # the group's own range checks
            raise CalibrationError(f"{where}: classroom.{group}: {error}.") from None
    return dataclasses.replace(defaults, **chosen)


def _provenance(data: dict[str, Any], where: str, source: str) -> Provenance:
    def text(name: str) -> str | None:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise CalibrationError(f"{where}: {name} = {value!r}; expected a string.")
        return value

    score = data.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
        raise CalibrationError(f"{where}: score = {score!r}; expected a number.")
    method, fit = data.get("method", {}), data.get("fit", {})
    if not isinstance(method, dict):
        raise CalibrationError(f"{where}: 'method' is {method!r}; expected a table [method].")
    if not isinstance(fit, dict) or not all(isinstance(v, dict) for v in fit.values()):
        raise CalibrationError(f"{where}: 'fit' must hold one table [fit.<target>] per target.")
    return Provenance(
        command=text("command"),
        version=text("securebase_version"),
        commit=text("commit"),
        date=text("date"),
        score=None if score is None else float(score),
        method=dict(method),
        fit={name: dict(values) for name, values in fit.items()},
        source=source,
    )


def _plain(value: Any) -> Any:
    """The document with Python scalars for NumPy's (tomli-w writes only Python types) and floats rounded to six
    decimals (a calibration's constants are read by people; six decimals are well inside their uncertainty)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if hasattr(value, "item") and callable(value.item):  # a NumPy scalar: its Python number
        value = value.item()
    if isinstance(value, float):
        return round(value, 6)
    return value
