"""What a plain install gives, and what the extras add: every command's --help loads nothing heavy, the simulate
path needs no extra, and a command whose extra is missing says which to install (one line, exit 2)."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
import typing
from pathlib import Path

import pytest
from helpers import TINY_SCENARIO
from test_newcomer import HEAVY

from securebase.cli import main
from securebase.extras import EXTRAS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
#: every extra's modules (the cuda extra's numba-cuda too), by import name: none is needed to simulate
EXTRA_MODULES = ("dask", *sorted({m for modules in EXTRAS.values() for m in modules}), "numba.cuda", "numba_cuda")


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_commands_help_imports_no_heavy_module(command: str) -> None:
    code = (
        "import sys\nfrom securebase.cli import main\n"
        f"try:\n    main([{command!r}, '--help'])\nexcept SystemExit as stop:\n    assert not stop.code, stop.code\n"
        f"print('loaded:', [m for m in {HEAVY + EXTRA_MODULES!r} if m in sys.modules])"
    )
    done = _python(code)
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout
    assert done.stdout.splitlines()[-1] == "loaded: []"


def test_the_options_choices_are_the_ones_the_engine_takes() -> None:
    from securebase import choices
    from securebase.engine import kernels, simulation
    from securebase.model import state
    from securebase.studies import STUDY_NAMES, get_study
    from securebase.sweep.spec import SweepSpec
    from securebase.trials.spec import TrialSpec

    assert kernels.KERNELS is simulation.KERNELS is choices.KERNELS
    assert state.PRECISIONS is choices.PRECISIONS
    assert STUDY_NAMES is choices.STUDY_NAMES
    assert all(get_study(name).name == name for name in STUDY_NAMES)
    for spec in (SweepSpec, TrialSpec):  # a sweep's or a trial's `kernel` field offers the same kernels
        assert typing.get_args(spec.model_fields["kernel"].annotation) == choices.KERNELS
    parameters = {p.name: p for p in main.commands["run"].params}
    assert tuple(parameters["kernel"].type.choices) == choices.KERNELS
    assert tuple(parameters["precision"].type.choices) == choices.PRECISIONS
    assert tuple(main.commands["study"].params[0].type.choices) == choices.STUDY_NAMES


def hiding(*modules: str) -> str:
    """The start of a script in which ``modules`` cannot be imported, as if their packages were not installed."""
    return f"import sys\nfor name in {modules!r}:\n    sys.modules[name] = None\n"


def run_cli(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=False, cwd=cwd
    )


def assert_names_the_extra(done: subprocess.CompletedProcess[str], what: str, extra: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"securebase: error: {what} needs the {extra} extra ("), lines[0]
    assert lines[0].endswith(f"expected it installed: pip install 'securebase[{extra}]'") or lines[0].endswith(
        f"expected it installed: pip install 'securebase[{extra}]'."
    ), lines[0]


@pytest.mark.parametrize("module", EXTRAS["web"])
def test_rehearse_without_the_web_extra_names_it(tmp_path: Path, module: str) -> None:
    code = hiding(module) + "from securebase.cli import main\nmain(['rehearse', '--port', '0'])"
    assert_names_the_extra(run_cli(code, tmp_path), "securebase rehearse", "web")


@pytest.mark.parametrize("command", ["sweep", "trial"])
def test_a_scheduler_without_the_dask_extra_names_it(tmp_path: Path, command: str) -> None:
    file = EXAMPLES / ("sweep-warmth.toml" if command == "sweep" else "trial-home-visiting.toml")
    out = tmp_path / "out"
    args = [command, str(file), "--scheduler", "tcp://127.0.0.1:8786", "--out", str(out)]
    code = hiding("dask", "distributed") + f"from securebase.cli import main\nmain({args!r})"
    assert_names_the_extra(run_cli(code, tmp_path), "--scheduler 'tcp://127.0.0.1:8786' (a Dask cluster)", "dask")
    assert not out.exists()


def test_the_environment_without_the_rl_extra_names_it(tmp_path: Path) -> None:
    code = hiding("gymnasium") + (
        "try:\n    import securebase.rehearse.env\n"
        "except ImportError as error:\n    print(type(error).__name__, error)\n"
    )
    done = run_cli(code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("MissingExtra securebase.rehearse.env (the Gymnasium environment) needs the rl extra")
    assert done.stdout.strip().endswith("pip install 'securebase[rl]'")


SMALL_SWEEP = """\
name = "small"
scenario = "tiny.toml"
seeds = [1]
design = "grid"

[[parameters]]
path = "figures.parent.caregiving.warmth"
values = [0.3, 0.9]
"""


def test_simulating_needs_no_extra(tmp_path: Path) -> None:
    """With every extra's packages hidden: importing securebase, simulate(), and the simulate face's commands."""
    (tmp_path / "tiny.toml").write_text(TINY_SCENARIO.replace("days = 10", "days = 2"), encoding="utf-8")
    (tmp_path / "small.toml").write_text(SMALL_SWEEP, encoding="utf-8")
    commands = [
        ["scenarios"],
        ["show", "school-year"],
        ["check", "tiny.toml"],
        ["run", "tiny.toml", "--out", "run", "--no-progress"],
        ["sweep", "small.toml", "--out", "sweep", "--workers", "2", "--no-progress"],
    ]
    code = hiding(*EXTRA_MODULES) + (
        "import securebase\nfrom securebase.cli import main\n"
        "results = securebase.simulate(securebase.load_scenario('tiny.toml'), seed=1)\n"
        "print('simulated', len(results.summary))\n"
        f"for args in {commands!r}:\n"
        "    try:\n        main(args)\n    except SystemExit as stop:\n        print(args[0], 'exit', stop.code)\n"
    )
    done = run_cli(code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "simulated" in done.stdout
    for args in commands:
        assert f"{args[0]} exit 0" in done.stdout, done.stdout + done.stderr
    assert (tmp_path / "run" / "summary.html").is_file()
    assert len(list((tmp_path / "sweep" / "points").glob("*.parquet"))) == 2


def test_the_extras_are_the_projects() -> None:
    """securebase.extras names extras that pyproject.toml defines, none of their packages is a core dependency, and
    [test] installs every extra (the README's test command sets up everything the tests need)."""
    from packaging.requirements import Requirement  # pytest's own dependency

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    optional = {
        extra: [Requirement(r) for r in requirements]
        for extra, requirements in project["optional-dependencies"].items()
    }
    assert set(EXTRAS) <= set(optional)
    installed_by_test = {extra for r in optional["test"] if r.name == "securebase" for extra in r.extras}
    assert installed_by_test == set(optional) - {"test", "bench"}
    extras_packages = {r.name for extra in set(optional) - {"test", "bench"} for r in optional[extra]} - {"securebase"}
    assert extras_packages.isdisjoint(Requirement(r).name for r in project["dependencies"])
    assert {"dask", "gymnasium", "starlette", "numba-cuda"} <= extras_packages


#: the top-level import names of the extras' packages
EXTRA_TOP_LEVEL = {"starlette", "uvicorn", "python_multipart", "multipart", "sqlalchemy", "alembic", "gymnasium",
                   "cryptography", "psycopg", "argon2", "pyotp", "dask", "distributed", "numba_cuda"}  # fmt: skip
#: the modules that may import them: the web app and the environment (which need their extra), and, inside the
#: functions that need them, the command line (rehearse) and the sweep's Dask runner
EXTRA_HOMES = {"securebase.web", "securebase.rehearse.env"}
IMPORTED_INSIDE_FUNCTIONS = {"securebase.cli", "securebase.sweep.run"}


def test_only_the_extras_homes_import_their_packages() -> None:
    """Read from the source: any other module importing an extra's package would need the extra to simulate."""
    source = ROOT / "src" / "securebase"
    for path in source.rglob("*.py"):
        module = ".".join(path.relative_to(source.parent).with_suffix("").parts).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))

        def extras_in(nodes: list[ast.AST]) -> set[str]:
            names = {a.name for n in nodes if isinstance(n, ast.Import) for a in n.names}
            names |= {n.module for n in nodes if isinstance(n, ast.ImportFrom) and n.module and not n.level}
            return {name.split(".")[0] for name in names} & EXTRA_TOP_LEVEL

        if module in EXTRA_HOMES or module.startswith("securebase.web."):
            continue
        if module in IMPORTED_INSIDE_FUNCTIONS:
            assert not extras_in(tree.body), module  # at the top: every command would need the extra
            continue
        assert not extras_in(list(ast.walk(tree))), module
