"""Shared fixtures: the base scenario of CONTRACT §1 and small variants of it."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

import simlib

# Property tests are judged on what they find, not on how fast one example runs: a shared 2-core CI machine
# under load made single examples exceed hypothesis's 200 ms deadline (DeadlineExceeded) without any bug.
settings.register_profile("workbook", deadline=None)
settings.load_profile("workbook")

ROOT = Path(__file__).resolve().parents[1]

# Finished case runs are cached (simlib.ui.case_study.cache_dir); the tests keep theirs apart from a
# user's, and every process they start (Voilà, notebook kernels) inherits this.
os.environ.setdefault("SDW_CACHE", str(Path(tempfile.gettempdir()) / "sdw-test-cache"))
# A catalog text asked for without one of its {placeholders} raises (simlib.base.i18n): a test fails instead
# of a page showing a raw template. Kernels and servers the tests start inherit it.
os.environ.setdefault("SDW_STRICT_I18N", "1")
# Exercise pages save a trainee's answers (simlib.data.answers): tests never write to the user's home.
os.environ.setdefault("SDW_ANSWERS", str(Path(tempfile.gettempdir()) / f"sdw-test-answers-{os.getpid()}.sqlite"))

BASE = {
    "name": "test",
    "horizon_weeks": 13,
    "leads": {"per_week": 60},
    "funnel": {
        "stages": [
            {"name": "lead", "conversion": 0.5, "work_hours": 0.5},
            {"name": "opportunity", "conversion": 0.6, "work_hours": 2},
            {"name": "proposal", "conversion": 0.5, "work_hours": 6},
            {"name": "negotiation", "conversion": 0.4, "work_hours": 4},
        ],
        "deal_value": {"mean": 50000, "cv": 0.4},
    },
    "team": {"reps": 15, "hours_per_week": 28},
}


@pytest.fixture
def base():
    return simlib.load_scenario(BASE)


@pytest.fixture
def base_dict():
    import copy
    return copy.deepcopy(BASE)


def _pg_helper():
    """tests/pg.py, loaded by path (the tests are not a package)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("sdw_tests_pg", Path(__file__).with_name("pg.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server of this test process (each xdist worker its own), stopped at the end; skipped
    only when the machine has no PostgreSQL binaries (tests/pg.py)."""
    pg = _pg_helper()
    try:
        server = pg.PostgresServer.start()
    except pg.Unavailable as err:
        pytest.skip(str(err))
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A new, empty database for a workshop store: a SQLite file, or a database on this process's PostgreSQL
    server (dropped afterwards). Tests that take it run once on each."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ws.sqlite'}"
        return
    server = request.getfixturevalue("postgres")
    name = server.create_database()
    yield server.url(name)
    server.drop_database(name)
