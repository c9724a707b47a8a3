"""The floors of the package (docs/ARCHITECTURE in the design notes): imports point down only, no circle.

The import graph is read from the source (``ast`` over src/securebase, imports inside functions
included), so it holds whichever modules a run happens to load. Run this file as a script to print
the arrows between packages.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "securebase"

#: each package's floor; an import from one package into another must go to a lower floor.
#: ``api`` is securebase/__init__.py (the one-line entry points), ``plotting`` the figures' low home.
FLOORS = {
    "choices": -1,  # the names the options offer (kernels, precisions, studies): imports nothing
    "extras": -1,  # the optional parts (pyproject.toml's extras) and the modules each needs
    "model": 0,
    "plotting": 0,
    "statistics": 0,  # every interval the package reports (scipy, statsmodels): imports nothing of securebase
    "_version": 0,  # the package's version and commit: imports nothing
    "stopping": 1,  # signals turned into exceptions and exit codes
    "progress": 1,  # progress of long work: a bar on a terminal, lines in a log
    "outputs": 1,  # atomic writes, locks and checks of an output folder
    "sizing": 1,  # up-front estimates of memory and time
    "scenario": 1,  # the schema and the caregiving draws, read by the engine
    "engine": 2,
    "instruments": 3,
    "calibration object": 4,  # calibration/calibration.py: the Calibration type that is passed down (no I/O at import)
    "studies": 5,
    "sweep": 5,
    "rehearse": 5,  # the rehearsal's Gymnasium environment, scenario library and policies
    "trials": 5.5,  # virtual trials: the engine's API for changes of care; their power replicates run as a sweep
    "calibration": 6,  # config at the edges: the fit and its measurements; only the interfaces load a file
    "filekind": 6,  # which kind of file (scenario, sweep, trial) a TOML file is, for `securebase check`
    "api": 7,
    "report": 8,
    "web": 8,  # the rehearsal app (securebase rehearse)
    "cli": 9,
}

#: modules that sit on a floor of their own, apart from their package's
MODULE_FLOORS = {"securebase.calibration.calibration": "calibration object"}

#: arrows that point up today and are being removed on another branch (the constants will be loaded by
#: the interfaces and passed down). Remove each pair from here once it is gone from the source.
KNOWN_UPWARD: set[tuple[str, str]] = set()

#: names imported from the root package that are metadata, not an arrow to the API (the root package is
#: imported before any of its modules in any case)
METADATA = {"__version__"}


def package_of(module: str) -> str:
    """``securebase.engine.simulation`` -> ``engine``; the root package is ``api``, ``__main__`` is ``cli``."""
    if module in MODULE_FLOORS:
        return MODULE_FLOORS[module]
    parts = module.split(".")
    if len(parts) == 1:
        return "api"
    return {"__main__": "cli"}.get(parts[1], parts[1])


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The securebase modules that ``path`` imports (at the top or inside functions)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "securebase")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "securebase":
                continue
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                if submodule in modules:
                    found.add(submodule)
                elif not (node.module == "securebase" and alias.name in METADATA):
                    found.add(node.module)
    return found


def module_graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in SOURCE.rglob("*.py")}
    return {name: imports_of(path, set(paths)) - {name} for name, path in paths.items()}


def package_arrows(graph: dict[str, set[str]]) -> dict[tuple[str, str], list[str]]:
    """(from package, to package) -> the module imports that make the arrow."""
    arrows: dict[tuple[str, str], list[str]] = defaultdict(list)
    for module, targets in graph.items():
        for target in targets:
            a, b = package_of(module), package_of(target)
            if a != b:
                arrows[a, b].append(f"{module} -> {target}")
    return dict(arrows)


def cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan)."""
    nodes = sorted({n for edge in edges for n in edge})
    out = defaultdict(list)
    for a, b in edges:
        out[a].append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in out[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in nodes:
        if node not in index:
            visit(node)
    return found


ARROWS = package_arrows(module_graph())


def test_every_package_has_a_floor() -> None:
    packages = {p for arrow in ARROWS for p in arrow}
    assert packages <= set(FLOORS), f"give these packages a floor: {packages - set(FLOORS)}"


def test_arrows_between_packages_point_down() -> None:
    upward = {
        arrow: where
        for arrow, where in ARROWS.items()
        if FLOORS[arrow[0]] <= FLOORS[arrow[1]] and arrow not in KNOWN_UPWARD
    }
    assert not upward, "imports that point up or sideways:\n" + "\n".join(
        line for where in upward.values() for line in sorted(where)
    )


def test_no_circle_between_packages() -> None:
    assert cycles(set(ARROWS) - KNOWN_UPWARD) == []


def test_studies_do_not_import_the_report() -> None:
    assert ("studies", "report") not in ARROWS


def test_plotting_imports_nothing_of_securebase() -> None:
    assert not any(arrow[0] == "plotting" for arrow in ARROWS)


def test_statistics_imports_nothing_of_securebase() -> None:
    assert not any(arrow[0] == "statistics" for arrow in ARROWS)


def test_the_graph_finds_a_circle_where_there_is_one() -> None:
    assert cycles({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == [["a", "b", "c"]]
    assert cycles({("a", "b"), ("b", "c")}) == []


if __name__ == "__main__":
    for (a, b), where in sorted(ARROWS.items(), key=lambda item: (-FLOORS[item[0][0]], item[0])):
        mark = "" if FLOORS[a] > FLOORS[b] else ("  (known, upward)" if (a, b) in KNOWN_UPWARD else "  UPWARD")
        print(f"{a} -> {b}{mark}: {len(where)} imports")
    print("circles:", cycles(set(ARROWS)) or "none", file=sys.stderr)


#: the compiled kernels that run the step: the developmental day's (an episode of a population) and the moment's
STEP_KERNELS = ("engine_episodes", "step_children")


def kernel_call_sites(source: str) -> list[tuple[str, int]]:
    """(kernel, line) of every call of a step kernel in ``source``: ``x.engine_episodes(...)``,
    ``kernels["step_children"][grid](...)`` or a backend's ``launch("engine_episodes", n)``."""
    sites = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        function, name = node.func, None
        while isinstance(function, ast.Subscript) and not (
            isinstance(function.slice, ast.Constant) and function.slice.value in STEP_KERNELS
        ):
            function = function.value  # kernels["x"][grid]: the launch configuration, then the kernel
        if isinstance(function, ast.Attribute) and function.attr in STEP_KERNELS:
            name = function.attr
        elif isinstance(function, ast.Subscript):
            name = function.slice.value
        elif isinstance(function, ast.Attribute) and function.attr == "launch" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and first.value in STEP_KERNELS:
                name = first.value
        if name is not None:
            sites.append((name, node.lineno))
    return sites


def test_one_loop_calls_the_compiled_day_and_moment_kernels() -> None:
    """The driver (engine/driver.py) is the only loop around the step: one call site of each step kernel."""
    sites: dict[str, list[str]] = defaultdict(list)
    for path in sorted(SOURCE.rglob("*.py")):
        for name, line in kernel_call_sites(path.read_text(encoding="utf-8")):
            sites[name].append(f"{path.relative_to(SOURCE).as_posix()}:{line}")
    for name in STEP_KERNELS:
        assert len(sites[name]) == 1, (name, sites[name])
        assert sites[name][0].startswith("engine/driver.py:"), (name, sites[name])


def test_the_call_site_count_sees_every_form_of_call() -> None:
    source = (
        'loops.engine_episodes(a)\ncompiled()["step_children"][grid](a)\nbackend.launch("engine_episodes", n)(a)\n'
        'backend.launch("read_outs", n)(a)\nloops.step_children\n'
    )
    assert sorted(kernel_call_sites(source)) == [("engine_episodes", 1), ("engine_episodes", 3), ("step_children", 2)]
