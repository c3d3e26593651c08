"""Every notebook under notebooks/ (the served pages, the drills in notebooks/exercises/) runs top to bottom in a fresh kernel, as Voilà runs it, without an error.

Committed notebooks carry no outputs (they churn with widget ids); the apps' own behaviour is tested
in tests/test_ui.py and, in a browser, in tests/browser/.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
NB_ID = lambda p: p.relative_to(ROOT).as_posix()


def test_there_are_notebooks():
    names = {p.name for p in NOTEBOOKS}
    assert {"index.ipynb", "funnel_lab.ipynb", "smart_target.ipynb"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NB_ID)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: strip the outputs"


@pytest.mark.parametrize("query", ["", "lang=en"], ids=["default", "en"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=NB_ID)
def test_notebook_runs_without_error(path, query, monkeypatch, tmp_path):
    monkeypatch.setenv("QUERY_STRING", query)   # what Voilà gives the kernel for ?lang=en
    monkeypatch.setenv("SDW_ANSWERS", str(tmp_path / "answers.sqlite"))   # each kernel its own answer store
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()                               # raises CellExecutionError on any error
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    stderr = "".join(o.get("text", "") for o in outputs if o.output_type == "stream" and o.name == "stderr")
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    shown = [o for o in outputs if o.output_type == "display_data"]
    assert any("application/vnd.jupyter.widget-view+json" in o.data for o in shown), "the app is not displayed"
