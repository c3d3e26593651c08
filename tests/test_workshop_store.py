"""The workshop store (simlib.workshop.store): every test on a SQLite file and on a real PostgreSQL server.

The PostgreSQL server is the ``postgres`` fixture of conftest.py (tests/pg.py: Debian's binaries, one server
per test process); each test gets a database of its own. Concurrency and durability run real processes:
8 writers at once, and a writer killed with SIGKILL right after ``submit`` returned.
"""
from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

import simlib
from simlib.workshop.store import HISTORY_COLUMNS, Store
from simlib.workshop.tables import METADATA

ROOT = Path(__file__).resolve().parents[1]
TABLES = {"workshops", "teams", "submissions", "rounds", "results", "failures"}


@pytest.fixture
def url(db_url):
    """A new, empty database: SQLite, then PostgreSQL (conftest's ``db_url``)."""
    return db_url


@pytest.fixture
def store(url):
    s = Store(url)
    yield s
    s.dispose()


@pytest.fixture
def ws(store):
    return store.create_workshop({"scenario": "demo.yaml", "seed": 7, "rounds": 3}, "key-hash",
                                 {"東區": "code-east", "West": "code-west", "C": "code-c"})


def run_python(code: str, *args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


# ---------------------------------------------------------------------------------------------
# Round trips
# ---------------------------------------------------------------------------------------------
def test_a_workshop_and_its_teams_round_trip(store, ws):
    row = store.workshop(ws)
    assert row["id"] == ws and len(ws) == 16 and ws.replace("-", "").replace("_", "").isalnum()
    assert row["config"] == {"scenario": "demo.yaml", "seed": 7, "rounds": 3}
    assert row["trainer_key_hash"] == "key-hash"
    assert (row["current_round"], row["status"]) == (1, "active")
    assert row["created_at"].tzinfo is not None and abs(time.time() - row["created_at"].timestamp()) < 60
    assert store.teams(ws) == {"東區": "code-east", "West": "code-west", "C": "code-c"}
    assert list(store.teams(ws)) == ["東區", "West", "C"]                     # the order given
    assert store.round_status(ws, 1) == "open" and store.round_status(ws, 2) is None
    assert store.workshop("no-such-id") is None and store.teams("no-such-id") == {}
    other = store.create_workshop({}, "k2", {"A": "a"})
    assert other != ws
    listed = store.list_workshops()
    assert {w["id"] for w in listed} == {ws, other}
    mine = next(w for w in listed if w["id"] == ws)
    assert mine["teams"] == 3 and "trainer_key_hash" not in mine
    store.set_current_round(ws, 2)
    store.set_status(ws, "finished")
    assert (store.workshop(ws)["current_round"], store.workshop(ws)["status"]) == (2, "finished")


def test_submissions_keep_every_version_and_the_latest_counts(store, ws):
    assert store.latest(ws, 1) == {} and store.latest_of(ws, "West", 1) is None
    assert store.submit(ws, "West", 1, {"price": 1.0}, by="小王") == 1
    assert store.submit(ws, "West", 1, {"price": 1.2}) == 2
    assert store.submit(ws, "東區", 1, {"price": 0.9}) == 1
    assert store.submit(ws, "West", 2, {"price": 1.5}) == 1              # versions count per round
    assert store.submit(ws, "West", 1, {"price": 1.1}) == 3
    assert store.latest(ws, 1) == {"東區": {"price": 0.9}, "West": {"price": 1.1}}
    assert list(store.latest(ws, 1)) == ["東區", "West"]                   # team order
    assert store.latest(ws, 2) == {"West": {"price": 1.5}}
    assert store.latest_of(ws, "West", 1) == {"price": 1.1}
    assert store.latest_of(ws, "C", 1) is None
    h = store.history(ws)
    assert tuple(h.columns) == HISTORY_COLUMNS
    assert h[["team", "round", "version"]].values.tolist() == [
        ["東區", 1, 1], ["West", 1, 1], ["West", 1, 2], ["West", 1, 3], ["West", 2, 1]]
    assert h["decisions"].tolist()[1:4] == [{"price": 1.0}, {"price": 1.2}, {"price": 1.1}]
    assert h["submitted_by"].tolist()[1] == "小王"
    assert isinstance(h["submitted_at"].dtype, pd.DatetimeTZDtype) and str(h["submitted_at"].dt.tz) == "UTC"
    assert h[(h["team"] == "West") & (h["round"] == 1)]["submitted_at"].is_monotonic_increasing
    assert store.history("nobody").shape == (0, len(HISTORY_COLUMNS))


def test_a_resubmission_never_duplicates_a_version(store, ws):
    same = {"hours": 30, "mix": [0.5, 0.5]}
    versions = [store.submit(ws, "C", 1, same) for _ in range(5)]
    assert versions == [1, 2, 3, 4, 5]
    h = store.history(ws)
    assert not h.duplicated(["team", "round", "version"]).any()
    assert len(h) == 5 and store.latest(ws, 1) == {"C": same}
    with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as conn:    # the database refuses one too
        conn.execute(sa.text("INSERT INTO submissions (workshop_id, team, round, version, decisions, "
                             "submitted_at, submitted_by) VALUES (:w, 'C', 1, 3, '{}', :t, '')"),
                     {"w": ws, "t": pd.Timestamp.now(tz="UTC").to_pydatetime()})
    assert len(store.history(ws)) == 5


def test_floats_and_text_round_trip_exactly(store, ws):
    awkward = {"third": 1 / 3, "tiny": 5e-324, "huge": 1.7976931348623157e308, "big": 1e16, "neg": -0.1 - 0.2,
               "int": 2**62, "one": 1.0, "np": np.float64(0.1) * 3, "n": np.int64(7), "text": "回款 \"ok\" ✓",
               "nested": {"b": [1.25, None, True], "a": {}}, "order": {"z": 1, "a": 2}}
    store.submit(ws, "C", 1, awkward)
    back = Store(store.url).latest_of(ws, "C", 1)
    assert back["third"] == 1 / 3 and type(back["third"]) is float
    assert back["tiny"] == 5e-324 and back["huge"] == 1.7976931348623157e308
    assert back["big"] == 1e16 and type(back["big"]) is float                 # not turned into an integer
    assert back["neg"] == -0.1 - 0.2 and back["one"] == 1.0 and type(back["one"]) is float
    assert back["int"] == 2**62 and type(back["int"]) is int
    assert back["np"] == 0.30000000000000004 and back["n"] == 7
    assert back["text"] == "回款 \"ok\" ✓" and back["nested"] == {"b": [1.25, None, True], "a": {}}
    assert list(back["order"]) == ["z", "a"]                                  # key order kept


def test_rounds_are_opened_closed_and_published_with_their_times(store, ws):
    store.set_round(ws, 1, "closed")
    r = store.rounds(ws).set_index("round")
    assert store.round_status(ws, 1) == "closed" and pd.notna(r.loc[1, "closed_at"])
    assert pd.isna(r.loc[1, "published_at"])
    closed_at = r.loc[1, "closed_at"]
    store.set_round(ws, 1, "published")
    store.set_round(ws, 2, "open")
    r = store.rounds(ws).set_index("round")
    assert r["status"].to_dict() == {1: "published", 2: "open"}
    assert r.loc[1, "closed_at"] == closed_at and r.loc[1, "published_at"] >= closed_at   # stamped once
    assert pd.isna(r.loc[2, "closed_at"])
    store.set_round(ws, 1, "open")                                            # reopened: times cleared
    assert store.round_status(ws, 1) == "open" and pd.isna(store.rounds(ws).set_index("round").loc[1, "closed_at"])


def test_results_are_replaced_as_a_whole_and_filtered(store, ws):
    team_rows = [{"team": "東區", "round": 1, "revenue": 1.5e6, "rank": 1},
                 {"team": "West", "round": 1, "revenue": 1.2e6, "rank": 2, "margin": float("nan")}]
    rep_rows = [{"team": "West", "rep": "李明", "round": 1, "won": 3}, {"team": "東區", "rep": "王芳", "round": 1}]
    store.save_results(ws, 1, team_rows, rep_rows)
    store.save_results(ws, 2, [{"team": "West", "round": 2, "revenue": 2.0}], [])
    assert [r["team"] for r in store.results(ws, 1)] == ["東區", "West"]            # saved order
    assert store.results(ws, 1)[1]["margin"] is None                                 # NaN is stored as null
    assert store.results(ws, 1, kind="rep") == rep_rows
    assert store.results(ws, team="West") == [{k: v for k, v in team_rows[1].items() if k != "margin"}
                                               | {"margin": None}, {"team": "West", "round": 2, "revenue": 2.0}]
    assert store.results(ws, 2, team="東區") == []
    store.save_results(ws, 1, [{"team": "C", "round": 1, "revenue": 9.0}], [])      # a re-run replaces round 1
    assert store.results(ws, 1) == [{"team": "C", "round": 1, "revenue": 9.0}]
    assert store.results(ws, 1, kind="rep") == []
    assert len(store.results(ws)) == 2                                               # round 2 untouched


def test_a_failed_save_of_results_keeps_the_old_ones(store, ws):
    store.save_results(ws, 1, [{"team": "C", "x": 1}], [])
    with pytest.raises(simlib.ScenarioError) as err:
        store.save_results(ws, 1, [{"team": "C", "x": 2}], [{"bad": object()}])
    assert err.value.paths == ["rep_rows[0]"]
    assert store.results(ws, 1) == [{"team": "C", "x": 1}]


def test_failed_codes_are_counted_in_their_window(store):
    assert store.recent_failures("10.0.0.1", 60) == 0
    for _ in range(3):
        store.note_failure("10.0.0.1")
    store.note_failure("10.0.0.2")
    assert store.recent_failures("10.0.0.1", 60) == 3
    assert store.recent_failures("10.0.0.2", 60) == 1
    time.sleep(0.3)
    assert store.recent_failures("10.0.0.1", 0.2) == 0                    # older than the window


def test_bad_input_names_the_field(store, ws):
    cases = [
        (lambda: store.submit(ws, "Nobody", 1, {}), "team", "ws_store_team"),
        (lambda: store.submit("nope", "C", 1, {}), "ws_id", "ws_store_workshop"),
        (lambda: store.submit(ws, "C", 0, {}), "round_no", "greater_than_equal"),
        (lambda: store.submit(ws, "C", True, {}), "round_no", "type_integer"),
        (lambda: store.submit(ws, "C", 1, [1, 2]), "decisions", "type_mapping"),
        (lambda: store.submit(ws, "C", 1, {"x": float("nan")}), "decisions", "ws_store_json"),
        (lambda: store.submit(ws, "C", 1, {"x": object()}), "decisions", "ws_store_json"),
        (lambda: store.set_round(ws, 1, "done"), "status", "choice"),
        (lambda: store.set_status(ws, "paused"), "status", "choice"),
        (lambda: store.results(ws, kind="boss"), "kind", "choice"),
        (lambda: store.create_workshop({}, "k", {}), "teams", "too_short"),
        (lambda: store.create_workshop({}, "", {"A": "a"}), "trainer_key_hash", "string_too_short"),
        (lambda: store.create_workshop({}, "k", {"A": "a", " A ": "b"}), "teams", "duplicate_name"),
        (lambda: store.create_workshop({"x": object()}, "k", {"A": "a"}), "config", "ws_store_json"),
        (lambda: store.note_failure(""), "who", "string_too_short"),
    ]
    for call, path, code in cases:
        with pytest.raises(simlib.ScenarioError) as err:
            call()
        assert [(i.path, i.code) for i in err.value.issues] == [(path, code)], (path, code)
        for lang in ("zh-Hant", "zh-Hans", "en"):
            assert not err.value.message(lang).startswith("error.")
    assert "West" in str(pytest.raises(simlib.ScenarioError, store.submit, ws, "Nobody", 1, {}).value)
    assert len(store.history(ws)) == 0                                    # nothing half-written


def test_urls_are_understood(tmp_path, monkeypatch):
    from simlib.workshop.store import _url
    assert _url("postgresql://u:p@h/db").drivername == "postgresql+psycopg"
    assert _url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert _url(str(tmp_path / "a.sqlite")).database == str(tmp_path / "a.sqlite")
    with pytest.raises(simlib.ScenarioError) as err:
        _url("mysql://u:secret@h/db")
    assert err.value.paths == ["url"] and "secret" not in str(err.value)
    monkeypatch.setenv("SDW_DB", str(tmp_path / "env" / "w.sqlite"))
    with Store() as s:
        assert s.url == f"sqlite:///{tmp_path / 'env' / 'w.sqlite'}"
        assert (tmp_path / "env" / "w.sqlite").is_file()
    monkeypatch.delenv("SDW_DB")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    with Store() as s:
        assert s.url.endswith("/home/.sales-drill/workshops.sqlite")


def test_sqlite_runs_in_wal_with_full_sync_and_foreign_keys(tmp_path):
    with Store(tmp_path / "w.sqlite") as s, s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2           # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000


# ---------------------------------------------------------------------------------------------
# Migrations
# ---------------------------------------------------------------------------------------------
def test_a_fresh_database_is_upgraded_to_head_and_opening_again_changes_nothing(url):
    from importlib import resources

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("simlib.workshop") / "migrations"))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    first = Store(url)
    assert first.schema_version() == head == "0001"
    assert TABLES <= set(sa.inspect(first.engine).get_table_names())
    ws = first.create_workshop({}, "k", {"A": "a"})
    first.submit(ws, "A", 1, {"v": 1})
    first.dispose()
    again = Store(url)
    assert again.schema_version() == head
    with again.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 1
    assert again.latest(ws, 1) == {"A": {"v": 1}}
    again.dispose()


def test_the_migrations_and_the_tables_module_describe_the_same_schema(store):
    from importlib import resources

    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), METADATA)
    assert diff == []
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("simlib.workshop") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", store.url)
    command.check(cfg)                            # raises AutogenerateDiffsDetected on any pending difference
    inspector = sa.inspect(store.engine)
    for table in METADATA.sorted_tables:
        assert {c["name"] for c in inspector.get_columns(table.name)} == set(table.columns.keys())
        assert ({u["name"] for u in inspector.get_unique_constraints(table.name)}
                >= {c.name for c in table.constraints if isinstance(c, sa.UniqueConstraint)})


def test_several_processes_opening_a_new_database_migrate_it_once(url):
    code = """
        import sys
        from simlib.workshop.store import Store
        s = Store(sys.argv[1]); print(s.schema_version()); s.dispose()
    """
    procs = [run_python(code, url) for _ in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [e[-2000:] for _, e in outs]
    assert [o.strip() for o, _ in outs] == ["0001"] * 4


# ---------------------------------------------------------------------------------------------
# Concurrency and durability: real processes
# ---------------------------------------------------------------------------------------------
WRITER = """
    import json, os, sys, time
    from simlib.workshop.store import Store
    url, ws, team, proc, n, go = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    store = Store(url)
    open(f"{go}.ready{proc}", "w").close()
    while not os.path.exists(go):
        time.sleep(0.005)
    versions = [store.submit(ws, team, 1, {"proc": proc, "k": k, "x": proc + k / 10}, by=f"p{proc}")
                for k in range(n)]
    print(json.dumps(versions))
"""


@pytest.mark.parametrize("teams", ["same", "different"])
def test_eight_processes_submitting_at_once_lose_nothing(store, url, tmp_path, teams):
    n_proc, n_sub = 8, 10
    names = [f"T{i}" for i in range(n_proc)]
    ws = store.create_workshop({}, "k", {name: "h" for name in names})
    go = tmp_path / "go"
    procs = [run_python(WRITER, url, ws, names[0] if teams == "same" else names[i], str(i), str(n_sub), str(go))
             for i in range(n_proc)]
    deadline = time.monotonic() + 240
    while len(list(tmp_path.glob("go.ready*"))) < n_proc and time.monotonic() < deadline:
        time.sleep(0.01)                                             # every writer has opened its store
    go.touch()                                                       # then all start at once
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * n_proc, [e[-2000:] for _, e in outs]
    got = [json.loads(o) for o, _ in outs]
    h = store.history(ws)
    assert len(h) == n_proc * n_sub                                  # nothing lost
    assert not h.duplicated(["team", "round", "version"]).any()
    for versions in got:
        assert versions == sorted(versions)                          # each writer's versions rise
    if teams == "same":
        assert sorted(v for vs in got for v in vs) == list(range(1, n_proc * n_sub + 1))    # 1..80, no gap
        last = h[h["version"] == n_proc * n_sub].iloc[0]
        assert store.latest(ws, 1) == {names[0]: last["decisions"]}
        winner = next(i for i, vs in enumerate(got) if vs[-1] == n_proc * n_sub)
        assert last["decisions"] == {"proc": winner, "k": n_sub - 1, "x": winner + (n_sub - 1) / 10}
    else:
        assert got == [list(range(1, n_sub + 1))] * n_proc
        assert store.latest(ws, 1) == {f"T{i}": {"proc": i, "k": n_sub - 1, "x": i + (n_sub - 1) / 10}
                                       for i in range(n_proc)}


def test_a_submission_that_returned_survives_a_kill_9(store, url):
    ws = store.create_workshop({}, "k", {"A": "a"})
    code = """
        import sys, time
        from simlib.workshop.store import Store
        s = Store(sys.argv[1])
        v = s.submit(sys.argv[2], "A", 1, {"price": 0.97, "note": "最後一版"})
        print("ok", v, flush=True)
        time.sleep(120)
    """
    proc = run_python(code, url, ws, start_new_session=True)
    line = proc.stdout.readline()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert line.split() == ["ok", "1"], proc.stderr.read()[-2000:]
    assert proc.returncode == -signal.SIGKILL
    fresh = Store(url)
    assert fresh.latest_of(ws, "A", 1) == {"price": 0.97, "note": "最後一版"}
    assert fresh.submit(ws, "A", 1, {"price": 1.0}) == 2
    fresh.dispose()


def test_submit_latency_is_measured(store, url, capsys):
    """Not a timed assertion: prints p50/p95 of a submit (what the report quotes); checks the versions."""
    ws = store.create_workshop({}, "k", {"A": "a", "B": "b"})
    decisions = {f"d{i}": i * 0.37 for i in range(20)}
    times = []
    for k in range(60):
        t0 = time.perf_counter()
        store.submit(ws, "AB"[k % 2], 1, decisions)
        times.append(time.perf_counter() - t0)
    p50, p95 = np.percentile(times[5:], [50, 95]) * 1000
    with capsys.disabled():
        print(f"\n[store latency] {url.split(':')[0]}: submit p50 {p50:.2f} ms, p95 {p95:.2f} ms (n={len(times) - 5})")
    assert store.history(ws)["version"].max() == 30 and math.isfinite(p95)
