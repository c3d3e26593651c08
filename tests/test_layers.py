"""The house's floors (simlib/__init__.py): imports point down, never in a circle, modules stay small.

- ``lint-imports`` (the import-linter contracts in pyproject.toml): the layers, and plotly / ipywidgets only
  under ``viz/`` and ``ui/``;
- every import of every module — at the top, inside a function, anywhere but an ``if TYPE_CHECKING:``
  block, which never runs — read from the source: no cycle among simlib's modules, no floor importing a
  floor above it or the package face;
- no module over :data:`MAX_LINES` lines; the content root found in one module only; random draws only
  through :class:`simlib.base.rng.Streams` or a generator a caller hands in.
"""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "simlib"
MAX_LINES = 800
FLOORS = ("base", "formulas", "core", "models", "analysis", "data", "workshop", "viz", "content", "ui")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports(path: Path) -> set[str]:
    """The simlib modules ``path`` imports anywhere (top level, functions, classes), but under TYPE_CHECKING."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()

    def visit(node: ast.AST) -> None:
        if _type_checking(node):
            return
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            for a in node.names:
                out.add(f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    resolved = set()
    for target in out:
        while target and target not in MODULES:      # simlib.core.people.People -> simlib.core.people
            target = target.rpartition(".")[0]
        if target.startswith("simlib") and target != name:
            resolved.add(target)
    return resolved


GRAPH = {name: imports(path) for name, path in MODULES.items()}


def floor(name: str) -> int | None:
    parts = name.split(".")
    return FLOORS.index(parts[1]) if len(parts) > 1 and parts[1] in FLOORS else None


def test_every_module_lives_on_a_floor_or_is_the_package_face():
    face = {"simlib", "simlib.__main__", "simlib.cli", "simlib.targets", "simlib.incentives", "simlib.crm",
            "simlib.whatif", "simlib.accounts", "simlib.cases"}
    assert {n for n in MODULES if floor(n) is None} == face


def test_a_floor_imports_only_from_floors_at_or_below_it():
    upward = []
    for name, targets in GRAPH.items():
        here = floor(name)
        if here is None:
            continue
        for target in targets:
            there = floor(target)
            if there is None and target != f"simlib.{FLOORS[here]}" or there is not None and there > here:
                upward.append(f"{name} -> {target}")
    assert upward == []


def test_no_import_cycle_even_inside_functions():
    """Tarjan's strongly connected components over every import: each component is one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def strongconnect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in GRAPH[v]:
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for v in GRAPH:
        if v not in index:
            strongconnect(v)
    # the package face imports its floors, and a subpackage's __init__ may name its modules: those edges
    # point from the face down, so a cycle through them means a floor imported the face
    assert cycles == []


def test_no_module_is_two_concepts():
    long = {n: len(p.read_text(encoding="utf-8").splitlines()) for n, p in MODULES.items()}
    assert {n: k for n, k in long.items() if k > MAX_LINES} == {}


def test_the_content_root_is_found_in_one_module():
    """Only simlib/base/paths.py looks at where the package file lies."""
    finders = [n for n, p in MODULES.items() if "__file__" in p.read_text(encoding="utf-8").replace('"__file__"', "")]
    assert finders == ["simlib.base.paths"]


def test_plotly_and_widgets_only_in_viz_and_ui():
    heavy = ("plotly", "ipywidgets", "anywidget", "voila")
    found = []
    for name, path in MODULES.items():
        if floor(name) is not None and FLOORS[floor(name)] in ("viz", "ui"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            mods = ([a.name for a in node.names] if isinstance(node, ast.Import)
                    else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{name}: {m}" for m in mods if m.split(".")[0] in heavy]
    assert found == []


def test_import_linter_contracts_are_kept():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    run = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_random_draws_come_from_the_streams():
    """No generator is made outside simlib.base.rng: every draw comes from a named stream of one
    SeedSequence (common random numbers), or from a generator the caller passes in. One documented
    exception: ``synthetic_accounts(seed=...)`` makes the one generator of a synthetic table from its seed."""
    makers = ("default_rng", "SeedSequence(", "np.random.Generator(", "RandomState", "import random")
    found = []
    for name, path in MODULES.items():
        if name == "simlib.base.rng":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#")[0]
            if any(m in code for m in makers) and not code.lstrip().startswith((">>>", "...")):
                found.append(f"{name}:{n}: {line.strip()}")
    assert [f for f in found if "simlib.formulas.customers.synthetic" not in f] == []
