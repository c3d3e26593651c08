"""The package face is what CONTRACT.md promises, and the library never imports widget code."""
import subprocess
import sys

import simlib


def test_public_names():
    for name in ("load_scenario", "ScenarioError", "simulate", "replicate", "expected", "required_leads"):
        assert name in simlib.__all__ and callable(getattr(simlib, name))
    assert set(simlib.__all__) <= set(dir(simlib))


def test_core_does_not_import_widgets():
    code = ("import sys, simlib, simlib.core.funnel, simlib.core.results, simlib.core.engine, simlib.core.scenario;"
            "bad = [m for m in ('ipywidgets', 'voila', 'IPython', 'plotly') if m in sys.modules];"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
