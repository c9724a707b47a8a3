"""The ``securebase`` command line."""

from __future__ import annotations

import contextlib
import pickle
import shlex
import signal
import sys
import time
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from securebase.choices import KERNELS, PRECISIONS, STUDY_NAMES

if TYPE_CHECKING:
    from securebase.calibration.calibration import Calibration

# Heavy modules (NumPy, pandas, SciPy, pydantic, matplotlib) are imported inside the commands that use them,
# so `securebase --help` and the errors of a mistyped command come back at once; the options' choices come from
# securebase.choices, which imports nothing, so that every command's --help is as quick.


def _exit_resumable(stop: Any, command: str, file: Path, out: Path, options: dict[str, object]) -> NoReturn:
    """A stopped sweep or trial: say so with the command line that resumes it (``options`` given, in order), and
    exit with the stop's code."""
    again = ["securebase", command, str(file), "--out", str(out), "--resume"]
    for flag, value in options.items():
        again += [flag] if value is True else [flag, str(value)] if value not in (None, False) else []
    click.echo(f"\n{stop}.\nresume with: {shlex.join(again)}", err=True)
    sys.exit(stop.exit_code)


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"securebase: error: {message}", err=True)
    sys.exit(code)


def _whole_number(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """An option's whole number, or the one-line error (click's own is a usage block); its range is checked later."""
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        _fail(f"--{param.name.replace('_', '-')} has value {value!r}; expected a whole number.")


def precision_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """The ``--precision`` option of the commands that run the model."""
    return click.option(
        "--precision",
        type=click.Choice(PRECISIONS),
        default="float64",
        show_default=True,
        help="Float type of the state: float64 (as calibrated) or float32 (half the memory).",
    )(command)


def calibration_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--calibration FILE``: the constants the command runs on (default: the shipped calibration)."""
    return click.option(
        "--calibration",
        "calibration_file",
        metavar="FILE",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="The calibration (model and instrument constants) to run on [default: the shipped one].",
    )(command)


def _calibration(path: Path | None, option: str = "--calibration") -> Calibration:
    """The calibration at ``path`` (the shipped one if None); a bad path or file exits 2 with one clear line."""
    from securebase.calibration.calibration import Calibration, CalibrationError

    try:
        return Calibration.shipped() if path is None else Calibration.load(path)
    except CalibrationError as error:
        _fail(f"{option}: {error}")


def _calibration_record(calibration: Calibration) -> dict[str, Any]:
    """What a run records of its calibration: where it came from and the hash of its constants."""
    p = calibration.provenance
    return {"source": p.source, "constants_hash": calibration.constants_hash(), "date": p.date}


def _command_line() -> str:
    """The command being run, every option spelled out (defaults included), to record as provenance."""
    context = click.get_current_context()
    words = ["securebase", context.info_name or ""]
    for parameter in context.command.params:
        value = context.params.get(parameter.name)
        if value is None or value is False or not isinstance(parameter, click.Option):
            continue
        words.append(parameter.opts[0])
        if not parameter.is_flag:
            words.append(str(value))
    return shlex.join(words)


class _Commands(click.Group):
    """The command group: SIGTERM stops any command like Ctrl-C, and a stop exits 130 (Ctrl-C) or 143 (SIGTERM)."""

    def invoke(self, ctx: click.Context) -> object:
        from securebase.stopping import exit_code, sigterm_raises

        try:
            with sigterm_raises():
                return super().invoke(ctx)
        except KeyboardInterrupt as stop:  # a command with nothing of its own to keep
            click.echo("\nstopped before the end.", err=True)
            sys.exit(exit_code(stop))
        except OSError as error:  # a disk filled up, a folder went away... during the work
            from securebase.outputs import describe_os_error

            where = f" '{error.filename}'" if error.filename else ""
            click.echo(f"securebase: error: cannot write{where}: {describe_os_error(error)}.", err=True)
            sys.exit(1)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="securebase")
def main() -> None:
    """Simulate the secure base system of attachment theory over populations of children."""


def _check_measures(spec: Any) -> None:
    """Exit 2 naming the field where a scenario's measure names an unknown instrument or an age it is not valid at."""
    from securebase.instruments.scheduled import MeasureError, check_measures

    try:
        check_measures(spec)
    except MeasureError as error:
        _fail(str(error))


def _check_kernel(kernel: str, where: str = "--kernel has value") -> None:
    """Exit 2 when this machine cannot run ``kernel`` (cuda without a GPU or numba-cuda): before --out is made."""
    from securebase.engine.kernels import kernel_unavailable

    if (missing := kernel_unavailable(kernel)) is not None:
        _fail(f"{where} {kernel!r}, but {missing}.")


def _require_extra(extra: str, what: str) -> None:
    """Exit 2 naming the extra to install when ``extra`` (pyproject.toml's optional dependencies) is missing."""
    from securebase.extras import MissingExtra, require

    try:
        require(extra, what)
    except MissingExtra as error:
        _fail(str(error))


def _warn(spec: object) -> None:
    for warning in spec.warnings():
        click.echo(f"securebase: warning: {warning}.", err=True)


@main.command()
@click.argument("scenario", required=False, default="school-year")
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),  # a file here gets the one-line error of outputs.usable_folder
    default=None,
    help="Folder for the tables and the summary [default: securebase-output/SCENARIO].",
)
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Random seed [default: the scenario's].")
@click.option(
    "--children", type=click.IntRange(min=1), default=None, help="Children to simulate [default: the scenario's]."
)
@click.option(
    "--days", type=click.IntRange(min=1), default=None, help="Days of the scenario [default: the scenario's]."
)
@click.option("--resume", is_flag=True, help="Continue an interrupted run from the checkpoint in --out.")
@click.option(
    "--overwrite", is_flag=True, help="Replace the run already in --out (removes only the files a run writes)."
)
@click.option("--trajectories", is_flag=True, help="Also keep per-child trajectories (large).")
@click.option("--progress/--no-progress", default=True, help="Show a progress bar.")
@click.option(
    "--kernel",
    type=click.Choice(KERNELS),
    default="cpu",
    show_default=True,
    help="Where the step runs: cpu (compiled, every core), cuda (an NVIDIA GPU) or readable (uncompiled, slow).",
)
@precision_option
@calibration_option
def run(
    scenario: str,
    out: Path | None,
    seed: int | None,
    children: int | None,
    days: int | None,
    resume: bool,
    overwrite: bool,
    trajectories: bool,
    progress: bool,
    kernel: str,
    precision: str,
    calibration_file: Path | None,
) -> None:
    """Run SCENARIO (a built-in name or a .toml file; default: school-year) and write its tables and summary."""
    from securebase.outputs import OutputError, locked
    from securebase.scenario import ScenarioError, load_scenario

    if resume and overwrite:
        _fail(
            "--resume and --overwrite: expected one of them (--resume continues the run in --out, --overwrite "
            "replaces it)."
        )
    from securebase.sizing import LONG_SECONDS, TooLarge, check_run
    from securebase.sweep.overrides import with_overrides

    _refuse_other_kind(scenario)
    try:
        written = load_scenario(scenario)
        spec = written
        overrides = {"population.n_children": children, "schedule.days": days}
        overrides = {path: value for path, value in overrides.items() if value is not None}
        if overrides:
            shown = " ".join(f"--{o} {v}" for o, v in zip(("children", "days"), (children, days), strict=True) if v)
            spec = with_overrides(spec, overrides, origin=f"scenario '{spec.name}' with {shown}")
    except ScenarioError as error:
        _fail(str(error))
    _warn(written)
    _note_cut_short(written, spec, days)
    _check_measures(spec)
    try:
        estimate = _with_compiling(check_run(spec), kernel, precision)
    except TooLarge as error:
        _fail(f"{error}.")
    calibration = _calibration(calibration_file)
    from securebase.engine.simulation import kernel_refuses

    if (refused := kernel_refuses(spec, kernel)) is not None:  # the scenario's fault comes before the machine's
        _fail(f"scenario '{spec.name}': {refused}.")
    _check_kernel(kernel)
    if trajectories:
        spec = spec.model_copy(update={"output": spec.output.model_copy(update={"trajectories": True})})
    if out is None:
        out = _default_out(scenario, spec.name, taken=not (resume or overwrite))
    source = click.get_current_context().get_parameter_source("kernel")
    asked_kernel = kernel if source == click.core.ParameterSource.COMMANDLINE else None
    again = ["securebase", "run", scenario, "--out", str(out)]
    again += [f"--{name}={value}" for name, value in (("children", children), ("days", days)) if value is not None]
    again += ["--trajectories"] if trajectories else []
    again += ["--calibration", str(calibration_file)] if calibration_file is not None else []
    try:
        with locked(out):
            if estimate.seconds > LONG_SECONDS:  # once --out is known to be usable: errors come alone
                click.echo(f"securebase: this run needs {estimate}", err=True)
            _run_into(out, spec, seed, resume, overwrite, progress, kernel, precision, calibration, asked_kernel,
                      [*again, "--resume"])  # fmt: skip
    except OutputError as error:
        _fail(f"{error}.")


def _refuse_other_kind(scenario: str) -> None:
    """Exit 2 when the scenario file given to `run` is a sweep's or a trial's, saying which command runs it (the
    scenario loader would list their keys as unknown fields instead)."""
    from securebase.filekind import file_kind
    from securebase.scenario import ScenarioError

    path = Path(scenario)
    if not path.is_file():
        return
    try:
        kind = file_kind(path)
    except ScenarioError:  # neither kind clearly: the scenario loader says what is wrong with it
        return
    if kind != "scenario":
        _fail(f"SCENARIO '{scenario}' is a {kind} file; expected a scenario (run it with `securebase {kind} "
              f"{scenario}`, or check it with `securebase check {scenario}`).")  # fmt: skip


def _note_cut_short(written: Any, spec: Any, days: int | None) -> None:
    """One note for what ``--days`` cuts off (holidays, events after the new end), in place of a warning each:
    a short try of a scenario is what --days is for, and the file itself is not at fault."""
    fields = {warning.split(" is ")[0] for warning in written.warnings()}
    cut = [warning for warning in spec.warnings() if warning.split(" is ")[0] not in fields]
    if days is not None and cut:
        named = ", ".join(warning.split(" is ")[0] for warning in cut)
        click.echo(f"securebase: note: --days {days} ends '{written.name}' early; what falls after day {days} "
                   f"is left out ({named}).", err=True)  # fmt: skip
    elif cut:
        _warn(spec)


def _default_out(scenario: str, name: str, taken: bool) -> Path:
    """The --out of a run that gave none: securebase-output/NAME, NAME a scenario file's stem (the file is the
    user's own, whatever name it copied) or a built-in's name. With ``taken``, a folder that already holds a
    run is passed over for NAME-2, NAME-3...: a second try should not be refused for a folder it never named."""
    from securebase.outputs import run_files

    stem = Path(scenario).stem if Path(scenario).is_file() else name
    base = Path("securebase-output") / stem
    if not taken:
        return base
    candidate, number = base, 1
    while run_files(candidate):
        number += 1
        candidate = base.with_name(f"{stem}-{number}")
    if candidate != base:
        click.echo(f"securebase: '{base}' holds an earlier run; writing to '{candidate}' (--out chooses).", err=True)
    return candidate


def _run_into(
    out: Path,
    spec: object,
    seed: int | None,
    resume: bool,
    overwrite: bool,
    progress: bool,
    kernel: str,
    precision: str,
    calibration: Calibration,
    asked_kernel: str | None,
    again: list[str],
) -> None:
    """``run`` once --out is locked: refuse to clobber, run (or resume), write the tables and the summary.

    ``asked_kernel`` is the --kernel given on the command line (None: the default); ``again``, the command
    that resumes this run.
    """
    from securebase._version import code_identity
    from securebase.engine.checkpoints import ResumeRefused
    from securebase.engine.simulation import CHECKPOINT_NAME, Interrupted, Simulation
    from securebase.outputs import run_files
    from securebase.report.summary import write_summary

    checkpoint = out / CHECKPOINT_NAME
    existing = run_files(out)
    if existing and not resume:
        if not overwrite:
            names = ", ".join(p.name for p in existing)
            what = "an interrupted run" if checkpoint in existing else "a run's files"
            _fail(
                f"--out '{out}' already holds {what} ({names}); expected an empty or new folder "
                "(add --resume to continue an interrupted run, --overwrite to replace it, or choose another --out)."
            )
        for path in existing:
            path.unlink()
    if resume:
        if not checkpoint.is_file() and (out / "run.json").is_file():
            click.echo(f"the run in '{out}' is finished: nothing to resume (its files are there; --overwrite runs "
                       "it again).", err=True)  # fmt: skip
            return
        if not checkpoint.is_file():
            _fail(f"--resume: no checkpoint at '{checkpoint}'; expected the --out folder of an interrupted run.")
        try:
            simulation = Simulation.resume(checkpoint, scenario=spec, seed=seed, params=calibration.params,
                                           params_source=calibration.provenance.source, kernel=asked_kernel)  # fmt: skip
        except ResumeRefused as error:
            _fail(f"--resume: {error}")
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError) as error:
            reason = " ".join(f"{type(error).__name__}: {error}".split())[:200]
            _fail(
                f"--resume: the checkpoint at '{checkpoint}' cannot be read ({reason}); "
                "expected one written by an interrupted securebase run (delete it to start afresh)."
            )
        _check_kernel(simulation.kernel, where=f"--resume: the checkpoint at '{checkpoint}' was run with the kernel")
        click.echo(f"resuming '{spec.name}' at day {simulation.day} of {simulation.end_day}", err=True)
    else:
        from securebase.instruments.scheduled import schedule_measures

        try:
            simulation = Simulation(spec, seed=seed, params=calibration.params, kernel=kernel, precision=precision,
                                    classroom=calibration.classroom)  # fmt: skip
        except ValueError as error:  # a scenario the kernel cannot run (classes on the GPU)
            _fail(f"scenario '{spec.name}': {error}.")
        schedule_measures(simulation, calibration.instrument_settings())
    from securebase.engine.compiling import compile_kernels

    compile_kernels(simulation.scenario, simulation.params, simulation.kernel, simulation.precision,
                    report=lambda line: click.echo(f"securebase: {line}", err=True))  # fmt: skip
    started = time.perf_counter()
    try:
        results = simulation.run(progress=progress, checkpoint=checkpoint)
    except Interrupted as stop:
        how = "terminated (SIGTERM)" if stop.signum == signal.SIGTERM else "interrupted"
        click.echo(
            f"\n{how} at day {stop.day}; the run is saved in '{checkpoint}'.\nresume with: {shlex.join(again)}",
            err=True,
        )
        sys.exit(128 + stop.signum)
    record = {"kernel": simulation.kernel, "precision": simulation.precision, "code_version": code_identity()["label"]}
    files = results.save(out, **record, calibration=_calibration_record(calibration))
    files["summary_html"] = write_summary(results, out / "summary.html", files)
    checkpoint.unlink(missing_ok=True)
    elapsed = time.perf_counter() - started
    click.echo(
        f"ran '{spec.name}' for {spec.population.n_children:,} children (seed {results.seed}) in {elapsed:.0f} s"
    )
    click.echo(f"wrote {len(files)} files to {out}/:")
    for path in files.values():
        click.echo(f"  {path}")
    click.echo(f"open {files['summary_html']} in a browser for the summary.")


@main.command()
@click.argument("file")
def check(file: str) -> None:
    """Validate FILE without running it: a scenario (or a built-in scenario's name), a sweep or a trial.

    For a sweep it counts the runs (points x seeds), and for a sweep or a trial it shows the memory and time they
    need here, running nothing: the same as `securebase sweep --dry-run` and `securebase trial --dry-run`.
    """
    from securebase.filekind import file_kind
    from securebase.scenario import ScenarioError, load_scenario, preset_scenarios

    path = Path(file)
    try:
        kind = "scenario" if file in preset_scenarios() or not path.is_file() else file_kind(path)
    except ScenarioError as error:
        _fail(str(error))
    if kind == "sweep":
        loaded, estimate, processes = _load_sweep(path, None, None)
        _warn_sweep_measures(loaded)
        _echo_sweep(loaded, estimate, processes, None)
        return
    if kind == "trial":
        loaded, estimate, processes = _load_trial(path, None, None)
        _echo_trial(loaded, estimate, processes, None)
        return
    try:
        spec = load_scenario(file)
    except ScenarioError as error:
        _fail(str(error))
    _warn(spec)
    _check_measures(spec)
    click.echo(
        f"'{spec.name}' is a valid scenario: {spec.population.n_children:,} children, "
        f"{len(spec.figures)} figures, {spec.schedule.days} days, {len(spec.events)} events."
    )


def _load_sweep(path: Path, scheduler: str | None, workers: int | None) -> tuple[Any, Any, int]:
    """A sweep file loaded, with its estimate and the local processes it runs on, or exit 2 saying what is wrong
    (a field, or more runs than fit: counted before any is built)."""
    from securebase.scenario import ScenarioError
    from securebase.sweep import load_sweep
    from securebase.sweep.run import estimate_sweep, processes_of

    try:
        loaded = load_sweep(path)
        estimate = _with_compiling(estimate_sweep(loaded, scheduler, workers), loaded.spec.kernel)
        return loaded, estimate, processes_of(loaded, scheduler, workers)
    except ScenarioError as error:
        _fail(str(error))


def _with_compiling(estimate: Any, kernel: str, precision: str = "float64") -> Any:
    """``estimate`` with the first compile of the kernels added, when they are not compiled yet."""
    import dataclasses

    from securebase.engine.compiling import USUAL_COMPILE_SECONDS, kernels_ready

    if kernels_ready(kernel, precision):
        return estimate
    return dataclasses.replace(estimate, seconds=estimate.seconds + USUAL_COMPILE_SECONDS,
                               compile_seconds=estimate.compile_seconds + USUAL_COMPILE_SECONDS)  # fmt: skip


def _warn_sweep_measures(loaded: Any) -> None:
    if loaded.scenario.measures:
        click.echo(
            f"securebase: warning: scenario '{loaded.scenario.name}' has measures ({len(loaded.scenario.measures)}); "
            "a sweep keeps each run's daily summary only and does not run them (use `securebase run` for a run's "
            "measurements).",
            err=True,
        )


def _echo_sweep(loaded: Any, estimate: object, processes: int, scheduler: str | None) -> None:
    """What `check` and `sweep --dry-run` say of a sweep: its points, seeds and runs, and its estimate."""
    spec = loaded.spec
    seeds = spec.seed_count
    click.echo(
        f"'{spec.name}' is a valid sweep of scenario '{loaded.scenario.name}': {len(loaded.points):,} "
        f"point{'s' * (len(loaded.points) != 1)} "
        f"({spec.design} over {', '.join(p.path for p in spec.parameters)}) x {seeds:,} seed{'s' * (seeds != 1)} "
        f"= {loaded.runs:,} runs."
    )
    where = (
        f"{processes} worker process{'es' * (processes != 1)}"
        if scheduler is None
        else "the runs' time on one Dask worker, shared by the cluster's"
    )
    click.echo(f"it needs {estimate} ({where}).")


def _load_trial(
    path: Path, scheduler: str | None, workers: int | None, sizes: dict[str, Any] | None = None
) -> tuple[Any, Any, int]:
    """A trial file loaded (at the ``sizes`` of trials.load.resized, when given), with its estimate and the local
    processes its replicates run on, or exit 2 saying what is wrong (a field, an option, or a population that
    cannot fit)."""
    import os

    from securebase.scenario import ScenarioError
    from securebase.trials.load import check_size, estimate, load_trial, resized

    try:  # first: a bad file is refused before the kernels and the executor are loaded
        loaded = resized(load_trial(path), **(sizes or {}))
        spec = loaded.spec
        check_size(loaded, max([spec.n_per_arm, *(spec.power.n_per_arm if spec.power else [])]), loaded.origin)
    except ScenarioError as error:
        _fail(str(error))
    processes = 1 if scheduler is not None else workers or os.cpu_count() or 1
    return loaded, _with_compiling(estimate(loaded, processes), loaded.spec.kernel), processes


def _echo_trial(loaded: Any, estimate: object, processes: int, scheduler: str | None) -> None:
    """What `check` and `trial --dry-run` say of a trial: arms, N per arm, measures, power, and its estimate."""
    spec = loaded.spec
    power = spec.power
    replicates = (
        f"; a power curve at {', '.join(f'{n:,}' for n in power.n_per_arm)} per arm, {power.replicates:,} replicates"
        if power
        else ""
    )
    click.echo(
        f"'{spec.name}' is a valid trial: {len(spec.arms)} arms ({', '.join(loaded.arm_names)}), "
        f"{spec.n_per_arm:,} children per arm, {len(spec.measures)} measures "
        f"({', '.join(m.name for m in spec.measures)}), primary outcome '{spec.analysis.primary}'{replicates}."
    )
    where = "the trial here" + (
        ""
        if power is None
        else f", then the replicates on {processes} worker process{'es' * (processes != 1)}"
        if scheduler is None
        else ", then the replicates' time on one Dask worker, shared by the cluster's"
    )
    click.echo(f"it needs {estimate} ({where}; the instruments' readings not counted).")


@main.command()
@click.argument("sweep_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),  # a file here gets the one-line error of outputs.usable_folder
    default=None,
    help="Folder for sweep.json and the dataset points/ [default: securebase-output/sweeps/NAME].",
)
@click.option("--resume", is_flag=True, help="Continue an interrupted sweep in --out; finished runs are kept.")
@click.option("--scheduler", metavar="ADDRESS", default=None, help="Run on this Dask cluster (tcp://host:8786).")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Local processes [default: one per CPU].")
@click.option("--progress/--no-progress", default=True, help="Show a progress bar.")
@click.option("--dry-run", is_flag=True, help="Check the file, count its runs and show the estimate; run nothing.")
@calibration_option
def sweep(
    sweep_file: Path,
    out: Path | None,
    resume: bool,
    scheduler: str | None,
    workers: int | None,
    progress: bool,
    dry_run: bool,
    calibration_file: Path | None,
) -> None:
    """Run SWEEP_FILE: every point of its design with every seed, into one parquet dataset (see docs/sweeps.md)."""
    from securebase.scenario import ScenarioError
    from securebase.sizing import LONG_SECONDS
    from securebase.sweep import SweepStopped, run_sweep

    if scheduler is not None and workers is not None:
        _fail("--workers is for local processes; with --scheduler the Dask cluster's workers run the sweep.")
    calibration = _calibration(calibration_file)
    loaded, estimate, processes = _load_sweep(sweep_file, scheduler, workers)
    name = loaded.spec.name
    _warn_sweep_measures(loaded)
    if dry_run:
        _echo_sweep(loaded, estimate, processes, scheduler)
        return
    out = out or Path("securebase-output") / "sweeps" / name

    def announce() -> None:  # once --out is known to be usable: errors come alone
        if estimate.seconds > LONG_SECONDS:
            click.echo(f"securebase: this sweep ({loaded.runs:,} runs) needs {estimate}", err=True)
        _compile_first(calibration, loaded.scenario, loaded.spec.kernel)  # once, here, not in every worker

    try:
        done = run_sweep(
            loaded, out, calibration, resume=resume, scheduler=scheduler, workers=workers, progress=progress,
            on_start=announce,
        )  # fmt: skip
    except ScenarioError as error:
        _fail(str(error))
    except SweepStopped as stop:
        options = {"--scheduler": scheduler, "--workers": workers, "--calibration": calibration_file}
        _exit_resumable(stop, "sweep", sweep_file, out, options)
    ran = done.total - done.already_done
    design = f"{len(loaded.points)} points x {loaded.spec.seed_count} seeds"
    before = f"; {done.already_done} done before" if done.already_done else ""
    click.echo(f"ran {ran} of {done.total} runs ({design}{before}) of '{name}' in {done.seconds:.0f} s")
    click.echo(f"wrote the dataset {done.dataset}/ (one parquet file per run; pandas.read_parquet reads the folder)")


@main.command()
@click.argument("trial_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),  # a file here gets the one-line error of outputs.usable_folder
    default=None,
    help="Folder for trial.html, the tables and trial.json [default: securebase-output/trials/NAME].",
)
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Replace the trial file's seed.")
@click.option("--resume", is_flag=True, help="Continue an interrupted trial in --out; finished tasks are kept.")
@click.option("--scheduler", metavar="ADDRESS", default=None, help="Run the power replicates on this Dask cluster.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Local processes [default: one per CPU].")
@click.option("--progress/--no-progress", default=True, help="Show a progress bar.")
@click.option("--dry-run", is_flag=True, help="Check the file and show its size and estimate; run nothing.")
# plain ints, checked by trials.load.resized: a bad size gets the one-line error, not click's usage block
@click.option(
    "--n-per-arm", callback=_whole_number, default=None, help="Children per arm, replacing the file's n_per_arm."
)
@click.option(
    "--replicates", callback=_whole_number, default=None, help="Power-curve replicates, replacing the file's."
)
@click.option(
    "--quick",
    is_flag=True,
    help="A first look: 200 children per arm (unless --n-per-arm), and a power curve (if the file has one) at 25, "
    "50 and 100 per arm of 10 replicates (unless --replicates).",
)
@calibration_option
def trial(
    trial_file: Path,
    out: Path | None,
    seed: int | None,
    resume: bool,
    scheduler: str | None,
    workers: int | None,
    progress: bool,
    dry_run: bool,
    n_per_arm: int | None,
    replicates: int | None,
    quick: bool,
    calibration_file: Path | None,
) -> None:
    """Run TRIAL_FILE: a virtual trial (arms of changes of care, a measurement schedule, the analysis and an
    optional power curve), writing trial.html and tidy tables (see docs/trials.md).

    \b
    The file (TOML) names: the population (a scenario, its caregiving replaced by a preset or a mixture),
    n_per_arm, the arms (a control and interventions: changes of care of kind change, replace, add or
    remove, at ages in months, each child its own age when drawn), the measures (strange-situation,
    observed-sensitivity, security-score, reunion, security-scale, state-of-mind, at ages they are valid
    for: docs/trials.md), the analysis (primary and
    secondary outcomes) and [power] (N per arm to try, replicates). Example: examples/trial-home-visiting.toml.
    """
    from securebase.scenario.load import ScenarioError
    from securebase.sizing import LONG_SECONDS

    if scheduler is not None and workers is not None:
        _fail("--workers is for local processes; with --scheduler the Dask cluster's workers run the replicates.")
    sizes = {"n_per_arm": n_per_arm, "replicates": replicates, "quick": quick}
    loaded, estimate, processes = _load_trial(trial_file, scheduler, workers, sizes)
    calibration = _calibration(calibration_file)
    if dry_run:
        _echo_trial(loaded, estimate, processes, scheduler)
        return
    import pandas as pd

    from securebase.report.trial import trial_page
    from securebase.trials.run import TrialStopped, run_trial

    out = out or Path("securebase-output") / "trials" / loaded.spec.name

    def announce() -> None:  # once --out is known to be usable: errors come alone
        if estimate.seconds > LONG_SECONDS:
            click.echo(f"securebase: this trial needs {estimate}", err=True)
        _compile_first(calibration, loaded.scenario, loaded.spec.kernel)  # once, here, not in every worker

    try:
        done = run_trial(loaded, out, calibration, seed=seed, resume=resume, scheduler=scheduler, workers=workers,
                         progress=progress, page=trial_page, on_start=announce)  # fmt: skip
    except ScenarioError as error:
        _fail(str(error))
    except TrialStopped as stop:
        options = {"--seed": seed, "--n-per-arm": n_per_arm, "--replicates": replicates, "--quick": quick,
                   "--scheduler": scheduler, "--workers": workers, "--calibration": calibration_file}  # fmt: skip
        _exit_resumable(stop, "trial", trial_file, out, options)
    from securebase.trials.simulate import headlines

    for sentence in headlines(loaded, done.estimates):  # the page's headline: the every-child effect first
        click.echo(sentence)
    if done.power_curve is not None:
        for arm, group in done.power_curve.groupby("arm", sort=False):
            needed = group["n_for_80_percent"].iloc[0]
            said = f"about {needed:,.0f} per arm" if pd.notna(needed) else "not reached at the sizes run"
            click.echo(f"{arm}: 80% power {said}")
    click.echo(f"wrote {out / 'trial.html'} and the tables (outcomes, estimates, moderation) in {done.seconds:.0f} s")


@main.command()
def scenarios() -> None:
    """List the built-in scenarios and caregiving presets."""
    from securebase.scenario import caregiving_presets, load_scenario, preset_scenarios

    click.echo("built-in scenarios (securebase run NAME; securebase show NAME for the file):")
    for name in preset_scenarios():
        spec = load_scenario(name)
        click.echo(f"  {name:20s} {spec.population.n_children:>7,} children, {spec.schedule.days} days")
    click.echo('caregiving presets (caregiving = "NAME" in a figure or event):')
    for name in sorted(caregiving_presets()):
        click.echo(f"  {name}")


@main.command()
@click.argument("name")
def show(name: str) -> None:
    """Print the TOML of a built-in scenario, to start a scenario of your own."""
    from securebase.scenario import preset_scenarios

    if name not in preset_scenarios():
        _fail(f"no built-in scenario '{name}'; expected one of: {', '.join(preset_scenarios())}.")
    text = resources.files("securebase.scenario").joinpath(f"presets/scenarios/{name}.toml").read_text("utf-8")
    click.echo(text, nl=False)


@main.command()
@click.option("--n", "n", type=click.IntRange(min=100), default=1500, show_default=True, help="Children per study.")
@click.option("--points", type=click.IntRange(min=1), default=48, show_default=True, help="Latin hypercube points.")
@click.option("--iterations", type=click.IntRange(min=0), default=60, show_default=True, help="Nelder-Mead scores.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Processes.")
@click.option(
    "--rounds",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Rounds of the parallel evolution strategy after Nelder-Mead (each scores --workers points at once).",
)
@click.option(
    "--out", type=click.Path(path_type=Path), default=Path("calibrated.toml"), show_default=True
)  # a folder here gets calibrate's own one-line error
@click.option(
    "--start-from",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Start the search from this calibration file (default: the shipped calibration) as well as the hand-set constants.",
)
@click.option(
    "--constants-from",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Skip the search: take the constants from this calibration file, refit only the strategy read-out.",
)
def calibrate(
    n: int,
    points: int,
    iterations: int,
    seed: int,
    workers: int,
    rounds: int,
    out: Path,
    start_from: Path | None,
    constants_from: Path | None,
) -> None:
    """Fit the model's constants to the published targets and write them, with provenance, to OUT.

    The search starts from the hand-set constants and from the shipped calibration (or --start-from). The best
    constants so far are kept in OUT's name with .progress.toml while it runs: a stopped search loses nothing
    (finish it with --constants-from that file, or go on with --start-from it).
    """
    from securebase.calibration.fit import fit, fit_readout, score, write
    from securebase.calibration.measure import table
    from securebase.outputs import OutputError, usable_folder

    if out.is_dir():
        _fail(f"--out '{out}' is a folder; expected the path of the calibration file to write (such as "
              f"'{out / 'calibrated.toml'}')")  # fmt: skip
    try:  # before the work (tens of minutes): the file's folder must be writable
        usable_folder(out.parent if str(out.parent) else Path())
    except OutputError as error:
        _fail(f"{error}.".replace("--out '", "--out's folder '", 1))

    command = _command_line()
    if constants_from is not None:
        calibration = _calibration(constants_from, option="--constants-from")
        method = {"constants_from": str(constants_from), "n": n, "seed": seed}
    else:
        calibration, _, _ = fit(
            n=n,
            points=points,
            iterations=iterations,
            seed=seed,
            workers=workers,
            report=lambda line: click.echo(line, err=True),
            current=_calibration(start_from, option="--start-from"),
            rounds=rounds,
            progress=out.with_suffix(".progress.toml"),
        )
        method = {"n": n, "points": points, "iterations": iterations, "rounds": rounds, "seed": seed}
        if start_from is not None:
            method["start_from"] = str(start_from)
    calibration, agreement, measured = fit_readout(calibration, n, seed)
    click.echo(f"strategy read-out agrees with the coded Strange Situation: {agreement:.1%} (balanced)", err=True)
    final_score = score(measured)
    write(
        calibration,
        final_score,
        measured,
        out,
        command=command,
        **method,
        readout_balanced_agreement=round(agreement, 4),
    )
    click.echo(table(measured).drop(columns=["source"]).to_string(index=False))
    click.echo(
        f"score {final_score:.2f}; wrote {out}. Run on it with --calibration {out}; "
        "copy it to src/securebase/calibration/calibrated.toml to ship it."
    )


@main.command()
@click.option("--n", "n", type=click.IntRange(min=100), default=4000, show_default=True, help="Children per study.")
@click.option("--seed", type=click.IntRange(min=0), default=1, show_default=True)
@click.option(
    "--out",
    type=click.Path(path_type=Path),  # a file here gets the one-line error of outputs.usable_folder
    default=None,
    help="Also write the table (CSV), the Strange Situation behaviour (parquet) and its plot here.",
)
@precision_option
@calibration_option
def validate(n: int, seed: int, out: Path | None, precision: str, calibration_file: Path | None) -> None:
    """Re-run the instruments on the calibrated model and compare with the published targets."""
    from securebase.calibration.fit import evaluate
    from securebase.calibration.measure import table
    from securebase.report.instruments import plot_ssp_pattern

    if out is not None:  # before the work: a folder that cannot be written fails now, not after minutes
        from securebase.outputs import OutputError, usable_folder

        try:
            usable_folder(out)
        except OutputError as error:
            _fail(f"{error}.")
    calibration = _calibration(calibration_file)
    click.echo(f"validating {calibration.describe()}", err=True)
    kept: dict = {}
    final_score, measured = evaluate(calibration, n, seed, keep=kept, align=False, precision=precision)
    result = table(measured)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        result.to_csv(out / "validation.csv", index=False)
        kept["normative_ssp"].to_parquet(out / "ssp_behaviour.parquet", index=False)
        plot_ssp_pattern(kept["normative_ssp"], out / "ssp_pattern.png", f"normative, N = {n:,}, seed {seed}")
        click.echo(f"wrote validation.csv, ssp_behaviour.parquet and ssp_pattern.png to {out}/")
    click.echo(result.drop(columns=["source"]).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    click.echo(f"{int(result['within_range'].sum())} of {len(result)} targets within range; score {final_score:.2f}")


def _run_studies(
    names: list[str],
    out: Path,
    calibration: Calibration,
    size: str,
    seed: int,
    resume: bool,
    progress: bool,
    again: str,
) -> list:
    """Run ``names`` into ``out``; Ctrl-C keeps the finished studies and prints ``again``, the command to resume."""
    from securebase.studies.suite import run_studies

    try:
        return run_studies(
            names,
            out,
            calibration,
            size=size,
            seed=seed,
            resume=resume,
            show_progress=progress,
            report=lambda m: click.echo(m, err=True),
        )
    except KeyboardInterrupt as stop:
        from securebase.stopping import Terminated, exit_code

        how = "terminated (SIGTERM)" if isinstance(stop, Terminated) else "interrupted"
        click.echo(f"\n{how}; the studies that finished are stored in '{out}'.\n{again}", err=True)
        sys.exit(exit_code(stop))


def _check_studies(size: str, count: int) -> object:
    """The estimate of running ``count`` studies of ``size``, or exit 2 when they cannot fit in memory."""
    from securebase.sizing import TooLarge, check_studies

    try:
        return _with_compiling(check_studies(size, count), "cpu")
    except TooLarge as error:
        _fail(f"{error}.")


def _show_estimate(estimate: object, what: str) -> None:
    from securebase.sizing import LONG_SECONDS

    if estimate.seconds > LONG_SECONDS:
        click.echo(f"securebase: {what} {estimate}", err=True)


def _compile_first(calibration: Calibration, scenario: Any = None, kernel: str = "cpu", precision: str = "float64") -> None:
    """Compile the kernels before work that runs many simulations (studies, a sweep's or trial's processes),
    saying so when it happens (once after install), so that no bar counts it; ``scenario``: the built-in
    school year when None (the kernels are the same for any scenario of one precision)."""
    from securebase.engine.compiling import compile_kernels
    from securebase.scenario import load_scenario

    compile_kernels(scenario if scenario is not None else load_scenario("school-year"), calibration.params, kernel,
                    precision, report=lambda line: click.echo(f"securebase: {line}", err=True))  # fmt: skip


@contextlib.contextmanager
def _locked_or_fail(out: Path) -> Iterator[Path]:
    """Hold the lock of the output folder ``out`` (checked writable first) or exit 2 saying why."""
    from securebase.outputs import OutputError, locked

    try:
        lock = locked(out)
        folder = lock.__enter__()
    except OutputError as error:
        _fail(f"{error}.")
    try:
        yield folder
    finally:
        lock.__exit__(None, None, None)


def _echo_findings(results: list) -> None:
    for result in results:
        for f in result.findings:
            e = f.estimate
            click.echo(
                f"{result.name:20s} {f.claim:4s} {f.verdict:12s} {e.value:+.4g} [{e.low:+.4g}, {e.high:+.4g}] "
                f"(matters from {f.expected * f.minimum_effect.value:+.4g})  {f.statistic}"
            )


@main.command()
@click.argument("name", type=click.Choice(STUDY_NAMES))
@click.option(
    "--out",
    type=click.Path(path_type=Path),  # a file here gets the one-line error of outputs.usable_folder
    default=Path("securebase-output") / "studies",
    show_default=True,
    help="Folder for the study's tables, figure, findings and a one-study report.",
)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--quick", is_flag=True, help="The small size used by the tests (seconds, wide intervals).")
@click.option("--progress/--no-progress", default=True, help="Show a progress bar.")
@calibration_option
def study(name: str, out: Path, seed: int, quick: bool, progress: bool, calibration_file: Path | None) -> None:
    """Run the study NAME: one of the seed's claims as an experiment, with statistics and verdicts."""
    from securebase.report.claims import write_report

    calibration = _calibration(calibration_file)
    started = time.perf_counter()
    size = "quick" if quick else "full"
    estimate = _check_studies(size, 1)
    with _locked_or_fail(out):
        _show_estimate(estimate, "this study needs")
        _compile_first(calibration)
        again = "nothing of this study was kept."
        results = _run_studies([name], out, calibration, size, seed, False, progress, again=again)
        elapsed = time.perf_counter() - started
        page = write_report(results, out, calibration, elapsed_seconds=elapsed, filename=f"{name}.html")
    _echo_findings(results)
    click.echo(f"wrote {out / name}/ (result.json, figure.png, tables/) and {page}")


@main.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),  # a file here gets the one-line error of outputs.usable_folder
    default=Path("securebase-output") / "report",
    show_default=True,
    help="Folder for report.html and, beside it, each study's tables, figure and findings.",
)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--quick", is_flag=True, help="The small size used by the tests (about a minute, wide intervals).")
@click.option(
    "--resume", is_flag=True, help="Reuse the studies already stored in --out (same size, seed, code and constants)."
)
@click.option("--progress/--no-progress", default=True, help="Show a progress bar per study.")
@calibration_option
def report(out: Path, seed: int, quick: bool, resume: bool, progress: bool, calibration_file: Path | None) -> None:
    """Run every study and write one self-contained HTML report of the seed's claims."""
    from securebase.report.claims import claim_verdicts, write_report
    from securebase.studies.claims import CLAIM_VERDICTS

    calibration = _calibration(calibration_file)
    started = time.perf_counter()
    size = "quick" if quick else "full"
    command = ["securebase", "report", "--out", str(out), "--seed", str(seed), *(["--quick"] if quick else [])]
    command += ["--calibration", str(calibration_file)] if calibration_file is not None else []
    again = f"resume with: {shlex.join([*command, '--resume'])}"
    from securebase.studies import get_study

    estimate = _check_studies(size, len(STUDY_NAMES))
    with _locked_or_fail(out):
        _show_estimate(estimate, "these studies need")
        _compile_first(calibration)
        results = _run_studies(list(STUDY_NAMES), out, calibration, size, seed, resume, progress, again)
        page = write_report(results, out, calibration, elapsed_seconds=time.perf_counter() - started)
    _echo_findings(results)
    # findings of claims whose direction the calibration targets require are no independent evidence: told apart
    findings = [(f, bool(get_study(r.name).constrained_by_calibration(f.claim))) for r in results for f in r.findings]
    verdicts = [f.verdict for f, constrained in findings if not constrained]
    constrained = [f for f, constrained in findings if constrained]

    def tally(found: list[str]) -> str:
        return ", ".join(f"{found.count(v)} {v}" for v in ("supported", "not shown", "contradicted"))

    claims = ", ".join(sorted({f.claim for f in constrained}, key=lambda c: int(c[1:])))
    also = (
        f"; besides, {len(constrained)} findings of claims constrained by calibration ({claims}): "
        f"{tally([f.verdict for f in constrained])}"
        if constrained
        else ""
    )
    click.echo(f"{len(results)} studies, {len(verdicts)} independent findings: {tally(verdicts)}{also}")
    by_claim = claim_verdicts(results)
    for entry in by_claim:
        marked = " (constrained by calibration)" if entry["constrained"] else ""
        click.echo(f"  {entry['claim']:4s} {entry['verdict'].verdict:17s} {entry['verdict'].why}{marked}")
    counted = [e["verdict"].verdict for e in by_claim if not e["constrained"]]
    named = ", ".join(f"{counted.count(v)} {v}" for v in CLAIM_VERDICTS if counted.count(v))
    aside = [e["claim"] for e in by_claim if e["constrained"]]
    aside_text = f"; besides, {', '.join(aside)} constrained by calibration (not counted)" if aside else ""
    click.echo(f"{len(by_claim)} claims: {named}{aside_text}")
    click.echo(f"open {page} in a browser (self-contained; the tables sit beside it).")


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _default_database() -> Path:
    import os

    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "securebase" / "rehearse.sqlite"


def _database_url(database: Path | None, database_url: str | None) -> str:
    """The database of ``rehearse`` and ``practise``: an SQLite file (made with its folder) or a SQLAlchemy URL."""
    if database is not None and database_url is not None:
        _fail("--database and --database-url both given; expected one of them")
    if database_url is not None:
        return database_url
    path = database if database is not None else _default_database()
    if path.is_dir():
        _fail(f"--database '{path}' is a folder; expected the path of an SQLite file (such as "
              f"'{path / 'rehearse.sqlite'}')")  # fmt: skip
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        _fail(f"--database {path}: its folder cannot be made ({error.strerror or error})")
    return f"sqlite:///{path.resolve()}"


def _server_options(function: Any) -> Any:
    """The options that ``rehearse`` and ``practise`` share: where to listen, the database, the calibration."""
    for option in reversed([
        click.option("--port", type=click.IntRange(min=0, max=65535), default=8765, show_default=True,
                     help="Port to listen on (0: any free port)."),
        click.option("--database", type=click.Path(path_type=Path), default=None,  # a folder: a one-line error
                     help="SQLite file for saved attempts [default: ~/.local/share/securebase/rehearse.sqlite]."),
        click.option("--database-url", default=None, help="A SQLAlchemy URL instead of --database (e.g. PostgreSQL)."),
        click.option("--open", "open_browser", is_flag=True, help="Open the app in the default browser."),
        click.option("--forwarded-allow-ips", envvar="FORWARDED_ALLOW_IPS", default="127.0.0.1", show_default=True,
                     help="Addresses of the reverse proxy whose X-Forwarded-Proto and -For are believed "
                          "(comma-separated; docs/deploy.md). Behind a TLS proxy the cookies are then Secure."),
        calibration_option,
    ]):  # fmt: skip
        function = option(function)
    return function


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on: loopback only (one user, no account); a shared server is `securebase "
                   "practise`.")  # fmt: skip
@_server_options
def rehearse(port: int, host: str, database: Path | None, database_url: str | None, open_browser: bool,
             forwarded_allow_ips: str, calibration_file: Path | None) -> None:  # fmt: skip
    """Start the rehearsal app: practise being a secure base for a simulated child, in a browser."""
    if host not in LOOPBACK:
        _fail(f"--host {host} is not loopback: others on the network could reach it, and `securebase rehearse` has "
              f"no accounts; expected --host 127.0.0.1, or `securebase practise --host {host}` (accounts and teams)")  # fmt: skip
    _serve("rehearse", port, host, _database_url(database, database_url), open_browser, calibration_file,
           accounts=False, forwarded_allow_ips=forwarded_allow_ips)  # fmt: skip


@main.group(invoke_without_command=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@_server_options
@click.pass_context
def practise(context: click.Context, port: int, host: str, database: Path | None, database_url: str | None,
             open_browser: bool, forwarded_allow_ips: str, calibration_file: Path | None) -> None:  # fmt: skip
    """Start the team server: accounts and teams, each adult's practice journal, rehearsal, the trainer's cohort view.

    Add the first administrator with `securebase practise add-user --role admin NAME` (the same --database).
    """
    if context.invoked_subcommand is not None:
        return
    _serve("practise", port, host, _database_url(database, database_url), open_browser, calibration_file,
           accounts=True, forwarded_allow_ips=forwarded_allow_ips)  # fmt: skip


@practise.command("add-user")
@click.argument("username")
@click.option("--role", type=click.Choice(["practitioner", "trainer", "admin"]), default="practitioner",
              show_default=True, help="practitioner (also a trainee), trainer (or coordinator) of their teams, admin.")  # fmt: skip
@click.option("--team", "teams", multiple=True, help="A team to join (made if new); may be repeated.")
@click.option("--password", envvar="SECUREBASE_NEW_PASSWORD", prompt=True, hide_input=True,
              confirmation_prompt=True, help="The first password (asked for when not given; at least 12 characters).")  # fmt: skip
@click.option("--database", type=click.Path(path_type=Path), default=None,
              help="SQLite file [default: ~/.local/share/securebase/rehearse.sqlite].")  # fmt: skip
@click.option("--database-url", default=None, help="A SQLAlchemy URL instead of --database (e.g. PostgreSQL).")
def add_user(username: str, role: str, teams: tuple[str, ...], password: str, database: Path | None,
             database_url: str | None) -> None:  # fmt: skip
    """Add a user to the team server's database (the first administrator, or anyone)."""
    _require_extra("web", "securebase practise add-user")
    url = _database_url(database, database_url)
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    from securebase.web import accounts, db
    from securebase.web.migrate import upgrade

    try:
        upgrade(url)
        engine = db.make_engine(url)
    except (SQLAlchemyError, CommandError, OSError) as error:
        _fail(f"the database {url} cannot be used ({type(error).__name__}: {error})")
    with Session(engine) as session:
        try:
            user = accounts.create_user(session, username, password, role, list(teams))
        except ValueError as error:
            _fail(f"add-user: {error}")
        db.audit(session, None, "user-added", f"user:{user.id} (command line)")
        session.commit()
    engine.dispose()
    click.echo(f"securebase practise: added {username} ({role}{', ' + ', '.join(teams) if teams else ''})")


def _serve(name: str, port: int, host: str, database_url: str, open_browser: bool, calibration_file: Path | None,
           accounts: bool, forwarded_allow_ips: str) -> None:  # fmt: skip
    """Start the web app (``accounts``: the team server) and serve it until Ctrl-C."""
    import socket

    _require_extra("web", f"securebase {name}")
    calibration = _calibration(calibration_file)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        probe = socket.socket(family, socket.SOCK_STREAM)
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
        port = probe.getsockname()[1]
        probe.close()
    except OSError as error:
        _fail(f"--host {host} --port {port}: cannot listen there ({error.strerror or error}); "
              "expected a free port (try --port 0 for any free one)")  # fmt: skip
    import uvicorn
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from securebase.engine.compiling import compile_kernels
    from securebase.rehearse.child import engine_scenario
    from securebase.rehearse.scenario import library
    from securebase.web.app import create_app

    # before listening: a first Start would otherwise wait minutes for the compiler with nothing said (it says
    # "compiling the model ..." only when it compiles: once after installing or updating)
    compile_kernels(engine_scenario(next(iter(library().values()))), calibration.params,
                    report=lambda line: click.echo(f"securebase {name}: {line}"))  # fmt: skip
    try:
        app = create_app(database_url, calibration.params, accounts=accounts, prepare=True,
                         report=lambda line: click.echo(f"securebase {name}: {line}"))  # fmt: skip
    except (SQLAlchemyError, CommandError, OSError) as error:  # a database that cannot be opened or migrated
        _fail(f"the database {database_url} cannot be used ({type(error).__name__}: {error})")
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/" + ("login" if accounts else "")
    click.echo(f"securebase {name}: open {address} in a browser (Ctrl-C to stop)", err=False)
    sys.stdout.flush()
    if open_browser:
        import webbrowser

        webbrowser.open(address)
    # proxy headers from the trusted proxy only: a client elsewhere cannot claim HTTPS or another address
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, timeout_graceful_shutdown=5,
                            proxy_headers=True, forwarded_allow_ips=forwarded_allow_ips)  # fmt: skip
    try:
        uvicorn.Server(config).run()
    except KeyboardInterrupt:  # Ctrl-C is how a server is stopped: every answered moment is already saved
        click.echo(f"securebase {name}: stopped (what was saved is kept).")


def _operations_database(value: str) -> str:
    """``--database``: a SQLAlchemy URL, or the path of an SQLite file."""
    return value if "://" in value else f"sqlite:///{Path(value).resolve()}"


def _add_practise_operations(group: click.Group) -> None:
    """``practise backup``, ``restore`` and ``backup-key`` (docs/practise-operations.md), on ``group``."""
    key_file_option = click.option(
        "--key-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help="File holding the backup key [default: the key in $SECUREBASE_BACKUP_KEY].")  # fmt: skip
    database_option = click.option(
        "--database", "database", required=True, metavar="URL",
        help="The database: a SQLAlchemy URL (postgresql+psycopg://..., sqlite:///...) or an SQLite file's path.")  # fmt: skip

    @group.command("backup-key")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    def backup_key(file: Path) -> None:
        """Make a new backup key in FILE (readable by you only; keep it apart from the backups)."""
        _require_extra("web", "securebase practise backup-key")
        from securebase.web.backup import BackupError, write_key

        try:
            write_key(file)
        except BackupError as error:
            _fail(str(error))
        click.echo(f"securebase practise: a new backup key is in {file}; without it no backup can be restored")

    @group.command("backup")
    @database_option
    @click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
                  help="The backup file to write (encrypted; replaced if it exists).")  # fmt: skip
    @key_file_option
    def backup(database: str, out: Path, key_file: Path | None) -> None:
        """Write an encrypted backup of every table of the database to --out."""
        _require_extra("web", "securebase practise backup")
        from sqlalchemy.exc import SQLAlchemyError

        from securebase.web import backup as backups

        url = _operations_database(database)
        try:
            key = backups.load_key(key_file)
            if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
                _fail(f"--database {database}: there is no such SQLite file; expected the server's database")
            summary = backups.backup(url, out, key)
        except backups.BackupError as error:
            _fail(str(error))
        except SQLAlchemyError as error:
            _fail(f"--database {backups.safe_url(url)} cannot be read ({_first_line(error)})")
        click.echo(f"securebase practise: backed up {summary.describe()} to {out}")

    @group.command("verify-backup")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @key_file_option
    def verify_backup(file: Path, key_file: Path | None) -> None:
        """Check that FILE is a whole backup this key opens, and say what it holds (nothing is restored)."""
        _require_extra("web", "securebase practise verify-backup")
        from securebase.web import backup as backups

        try:
            summary = backups.verify(file, backups.load_key(key_file))
        except backups.BackupError as error:
            _fail(str(error))
        click.echo(f"securebase practise: {file} is a whole backup: {summary.describe()}")

    @group.command("restore")
    @database_option
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @key_file_option
    @click.option("--replace", is_flag=True, help="Delete the database's rows first (it must otherwise be empty).")
    def restore(database: str, file: Path, key_file: Path | None, replace: bool) -> None:
        """Load the backup FILE into an empty database (a new one is migrated first), then migrate it to the latest."""
        _require_extra("web", "securebase practise restore")
        from alembic.util import CommandError
        from sqlalchemy.exc import SQLAlchemyError

        from securebase.web import backup as backups

        url = _operations_database(database)
        try:
            key = backups.load_key(key_file)
            summary = backups.restore(url, file, key, replace=replace)
        except backups.BackupError as error:
            _fail(str(error))
        except (SQLAlchemyError, CommandError) as error:
            _fail(f"--database {backups.safe_url(url)} cannot be restored into ({_first_line(error)})")
        click.echo(f"securebase practise: restored {summary.describe()} into {backups.safe_url(url)}")

    @group.command("purge")
    @database_option
    def purge(database: str) -> None:
        """Delete the journal entries past the retention setting, old failed sign-ins and expired sessions (for
        cron; the server also does it when it starts and daily). Audited."""
        _require_extra("web", "securebase practise purge")
        from alembic.util import CommandError
        from sqlalchemy.exc import SQLAlchemyError
        from sqlalchemy.orm import Session

        from securebase.web import db, retention
        from securebase.web.backup import safe_url
        from securebase.web.migrate import upgrade

        url = _operations_database(database)
        if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
            _fail(f"--database {database}: there is no such SQLite file; expected the server's database")
        try:
            upgrade(url)
            engine = db.make_engine(url)
            with Session(engine) as session:
                purged = retention.purge(session, "purge command")
                session.commit()
            engine.dispose()
        except (SQLAlchemyError, CommandError) as error:
            _fail(f"--database {safe_url(url)} cannot be purged ({_first_line(error)})")
        click.echo(f"securebase practise: purged {purged.describe()}")


def _first_line(error: Exception) -> str:
    return f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"


_add_practise_operations(practise)
