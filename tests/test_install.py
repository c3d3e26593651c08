"""A core install works away from the source tree: ``pip install .`` (no extras, not editable) into a fresh
virtual environment, then, from another folder, ``python -m simlib.cases <case>`` — with ``--workers 2`` too —
finds the shipped scenarios (installed under ``<prefix>/share/sales-drill-workbook``) and needs no plotly.

The wheel is built once per session; installing its dependencies comes from pip's cache or the package
index (about 30 s the first time on this machine).
"""
from __future__ import annotations

import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ("scenarios", "exercises/keys", "exercises/material", "notebooks")


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False, **kw)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)])
    if build.returncode != 0:
        pytest.fail(f"pip wheel failed: {build.stderr[-2000:]}")
    [whl] = out.glob("*.whl")
    return whl


def test_every_content_file_is_declared_for_the_wheel():
    """Each folder of content is listed in pyproject's data-files (a new folder must be added there)."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["data-files"]
    declared = {Path(pattern).parent.as_posix() for patterns in data.values() for pattern in patterns}
    folders = {p.parent.relative_to(ROOT).as_posix() for top in ("scenarios", "exercises", "notebooks")
               for p in (ROOT / top).rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts}
    assert folders <= declared, sorted(folders - declared)


def test_the_wheel_carries_the_content_and_no_tests(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert wheel.name.startswith("sales_drill_workbook-")
    shared = [n.split("/share/sales-drill-workbook/", 1)[1] for n in names if "/share/sales-drill-workbook/" in n]
    for folder in CONTENT:
        assert any(n.startswith(folder + "/") for n in shared), folder
    assert "scenarios/cases/electronics_bottleneck.yaml" in shared
    assert not any(n.startswith("tests/") for n in names)
    assert "simlib/locales/en.yaml" in names


@pytest.fixture(scope="module")
def core_env(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel and its core dependencies only (no app extra)."""
    env = tmp_path_factory.mktemp("core-venv")
    venv.EnvBuilder(with_pip=True).create(env)
    py = env / "bin" / "python"
    inst = run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)])
    if inst.returncode != 0:
        pytest.fail(f"pip install failed: {inst.stderr[-2000:]}")
    return py


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_core_install_runs_a_case_from_another_folder(core_env, tmp_path, workers):
    out = run([str(core_env), "-m", "simlib.cases", "electronics_bottleneck", "--n", "4", "--workers", workers],
              cwd=tmp_path)
    assert out.returncode in (0, 1), out.stderr[-3000:]       # 1: a figure off the deck's with 4 replications
    assert "| Visit → proposal before | 20.0 % |" in out.stdout, out.stdout[-2000:]
    assert "Traceback" not in out.stderr, out.stderr[-3000:]


def test_a_core_install_has_no_app_packages(core_env, tmp_path):
    code = ("import importlib.util as u, simlib, simlib.cli, simlib.analysis.cases;"
            "print([m for m in ('plotly', 'ipywidgets', 'voila') if u.find_spec(m)])")
    out = run([str(core_env), "-c", code], cwd=tmp_path)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stdout + out.stderr[-2000:]
