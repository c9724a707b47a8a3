"""Options the machine or the file system cannot honour get one line naming the option, and exit 2, before anything
is written: an --out that is a file (a folder, for calibrate's file), and --kernel cuda without a GPU.

The --out cases run in the test's process; the cuda cases in processes of their own (asking for the kernel
initialises numba.cuda's driver, which the test process must not keep).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import SHIPPED, TINY_SCENARIO

from securebase.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

#: every command with an --out folder, with what it needs besides (an output folder is checked before the work)
FOLDER_COMMANDS = {
    "run": ["run", "tiny.toml"],  # written in the test's folder
    "sweep": ["sweep", str(EXAMPLES / "sweep-warmth.toml")],
    "trial": ["trial", str(EXAMPLES / "trial-home-visiting.toml")],
    "study": ["study", "repair", "--quick"],
    "report": ["report", "--quick"],
    "validate": ["validate", "--n", "100"],
}


def securebase(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "securebase", *args], capture_output=True, text=True, timeout=600, check=False, cwd=cwd
    )


def python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=False, cwd=cwd
    )


def assert_one_line_error(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("securebase: error: "), lines[0]
    assert all(word in lines[0] for word in words), lines[0]


def in_process(*args: str, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> subprocess.CompletedProcess[str]:
    """``securebase ARGS`` run in this process from ``cwd`` (click's CliRunner: the same exit code and streams; an
    exception that escapes the command shows as a traceback on stderr, as from a process)."""
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(main, list(args))
    escaped = result.exception is not None and not isinstance(result.exception, SystemExit)
    stderr = result.stderr + (f"Traceback: {result.exception!r}\n" if escaped else "")
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, stderr)


@pytest.mark.parametrize("command", sorted(FOLDER_COMMANDS))
def test_an_out_that_is_a_file_is_one_line(tmp_path: Path, command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    afile = tmp_path / "afile"
    afile.write_text("mine", encoding="utf-8")
    (tmp_path / "tiny.toml").write_text(TINY_SCENARIO, encoding="utf-8")
    done = in_process(*FOLDER_COMMANDS[command], "--out", str(afile), cwd=tmp_path, monkeypatch=monkeypatch)
    assert_one_line_error(done, "--out", str(afile), "is a file", "expected a folder")
    assert afile.read_text(encoding="utf-8") == "mine"


def test_calibrates_out_that_is_a_folder_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    done = in_process("calibrate", "--out", str(tmp_path), cwd=tmp_path, monkeypatch=monkeypatch)
    assert_one_line_error(done, "--out", str(tmp_path), "is a folder", "expected the path of the calibration file")
    assert list(tmp_path.iterdir()) == []


#: run in one process of its own: whether the cuda kernel can run here, then each cuda command from its folder
#: (CliRunner, as the in-process tests); asking for the kernel initialises numba.cuda's driver, which the test
#: process must not keep, and one process pays numba.cuda's import once for every command
_CUDA_SCRIPT = """
import json, os, sys
from click.testing import CliRunner
from securebase.cli import main
from securebase.engine.kernels import kernel_unavailable
answers = {"gpu": kernel_unavailable("cuda") is None}
for name, (folder, args) in json.loads(sys.argv[1]).items():
    os.chdir(folder)
    result = CliRunner().invoke(main, args)
    escaped = result.exception is not None and not isinstance(result.exception, SystemExit)
    answers[name] = [result.exit_code, result.stderr + (f"Traceback: {result.exception!r}" if escaped else "")]
print(json.dumps(answers))
"""


def with_kernel(example: str, folder: Path, after: str) -> Path:
    """``example`` copied into ``folder`` (with the files it names) with ``kernel = "cuda"`` after the line ``after``."""
    for name in (example, "one-parent.toml"):
        shutil.copy(EXAMPLES / name, folder / name)
    path = folder / example
    text = path.read_text(encoding="utf-8")
    assert f"\n{after}\n" in text
    path.write_text(text.replace(f"\n{after}\n", f'\n{after}\nkernel = "cuda"\n', 1), encoding="utf-8")
    return path


CUDA_COMMANDS = {
    "run": lambda folder: ["run", "tiny.toml", "--kernel", "cuda"],
    "sweep": lambda folder: ["sweep", str(with_kernel("sweep-warmth.toml", folder, 'design = "grid"'))],
    "trial": lambda folder: ["trial", str(with_kernel("trial-home-visiting.toml", folder, "seed = 0"))],
}


@pytest.fixture(scope="module")
def cuda_answers(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Whether a GPU is here ("gpu"), and each cuda command's (exit code, stderr) with its folder."""
    cases, folders = {}, {}
    for command, arguments in CUDA_COMMANDS.items():
        folder = folders[command] = tmp_path_factory.mktemp(f"cuda-{command}")
        (folder / "tiny.toml").write_text(TINY_SCENARIO, encoding="utf-8")
        cases[command] = [str(folder), [*arguments(folder), "--out", str(folder / "out")]]
    done = subprocess.run([sys.executable, "-c", _CUDA_SCRIPT, json.dumps(cases)], capture_output=True, text=True,
                          timeout=300, check=True)  # fmt: skip
    return {"folders": folders, **json.loads(done.stdout.splitlines()[-1])}


@pytest.mark.parametrize("command", sorted(CUDA_COMMANDS))
def test_the_cuda_kernel_without_a_gpu_is_one_line_and_leaves_no_out(cuda_answers: dict, command: str) -> None:
    if cuda_answers["gpu"]:
        pytest.skip("this machine has a GPU: the cuda kernel runs")
    code, stderr = cuda_answers[command]
    done = subprocess.CompletedProcess(command, code, "", stderr)
    assert_one_line_error(done, "kernel has value 'cuda'", "expected an NVIDIA GPU", "pip install 'securebase[cuda]'")
    assert not (cuda_answers["folders"][command] / "out").exists()


def test_the_cuda_kernel_without_numba_cuda_names_the_extra(tmp_path: Path) -> None:
    """numba-cuda hidden (as if not installed): the same one line, on any machine, and nothing made."""
    (tmp_path / "tiny.toml").write_text(TINY_SCENARIO, encoding="utf-8")
    out = tmp_path / "out"
    code = (
        "import sys\nsys.modules['numba.cuda'] = None  # as if numba-cuda were not installed\n"
        "from securebase.cli import main\n"
        f"main(['run', 'tiny.toml', '--kernel', 'cuda', '--out', {str(out)!r}])"
    )
    done = python(code, cwd=tmp_path)
    assert_one_line_error(done, "--kernel has value 'cuda'", "numba-cuda cannot be imported", "securebase[cuda]")
    assert not out.exists()
    code = (
        "import sys\nsys.modules['numba.cuda'] = None\nimport securebase\n"
        "try:\n    securebase.simulate(securebase.load_scenario('tiny.toml'), kernel='cuda')\n"
        "except ValueError as error:\n    print(error)\n"
    )
    done = python(code, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "kernel has value 'cuda', but numba-cuda cannot be imported" in done.stdout


def test_resuming_a_cuda_run_without_a_gpu_is_one_line(tmp_path: Path, cuda_answers: dict) -> None:
    if cuda_answers["gpu"]:
        pytest.skip("this machine has a GPU: the cuda kernel runs")
    from securebase.engine.simulation import CHECKPOINT_NAME, Simulation
    from securebase.scenario import load_scenario

    (tmp_path / "tiny.toml").write_text(TINY_SCENARIO, encoding="utf-8")
    out = tmp_path / "out"
    simulation = Simulation(load_scenario(tmp_path / "tiny.toml"), params=SHIPPED.params)
    simulation.kernel = "cuda"  # as if run on a GPU (the checkpoint holds the state on the host)
    simulation.save(out / CHECKPOINT_NAME)
    done = securebase("run", "tiny.toml", "--out", str(out), "--resume", cwd=tmp_path)
    assert_one_line_error(done, "--resume", "was run with the kernel 'cuda'", "expected an NVIDIA GPU")
    assert (out / CHECKPOINT_NAME).is_file()


def test_rehearses_database_that_is_a_folder_is_one_line(tmp_path: Path) -> None:
    done = securebase("rehearse", "--port", "0", "--database", str(tmp_path), cwd=tmp_path)
    assert_one_line_error(done, "--database", str(tmp_path), "is a folder", "expected the path of an SQLite file")
    assert list(tmp_path.iterdir()) == []
