"""Workshops as trainers and teams use them (CONTRACT §5; simlib/workshop/api.py): codes and keys, versions,
privacy between teams, publishing, replay and determinism, the command line — on SQLite and on a real
PostgreSQL server."""
from __future__ import annotations

import pandas as pd
import pytest

from simlib.base.schema import ScenarioError
from simlib.workshop import AccessDenied, Workshop
from simlib.workshop.access import MAX_FAILURES

SPEC = "scenarios/workshop/b2b_quarter.yaml"


@pytest.fixture
def db(db_url):
    """A new, empty database: SQLite, then PostgreSQL (conftest's ``db_url``)."""
    return db_url


@pytest.fixture
def ws(db):
    return Workshop.create(SPEC, teams=["A", "B", "C"], rounds=2, seed=3, db=db)


def submit_all(ws, change=None):
    for name, code in ws.team_codes.items():
        team = ws.join(code)
        d = team.template()
        if change and name in change:
            d = change[name](d)
        team.submit(d)


def test_codes_are_shown_once_and_stored_hashed(ws, db):
    assert set(ws.team_codes) == {"A", "B", "C"} and len(ws.trainer_key) >= 22
    again = Workshop.open(db, ws.id)
    assert again.team_codes == {} and again.trainer_key is None
    stored = again.store.teams(ws.id)
    assert all(code not in h for code, h in zip(ws.team_codes.values(), stored.values(), strict=True))
    assert ws.trainer_key not in again.store.workshop(ws.id)["trainer_key_hash"]


def test_a_code_works_however_it_is_typed(ws):
    code = ws.team_codes["B"]
    assert ws.join(code.lower().replace("-", " ")).name == "B"


def test_wrong_codes_are_refused_then_slowed_down(ws):
    for _ in range(MAX_FAILURES):
        with pytest.raises(AccessDenied) as err:
            ws.join("AAAA-AAAA-AAAA", client="page-1")
        assert err.value.code == "wrong"
    with pytest.raises(AccessDenied) as err:                      # even the right code waits now
        ws.join(ws.team_codes["A"], client="page-1")
    assert err.value.code == "slow_down" and "60" in err.value.message("en")
    assert ws.join(ws.team_codes["A"], client="page-2").name == "A"   # another page is not held up
    with pytest.raises(AccessDenied):
        ws.as_trainer("not the key")


def test_every_version_is_kept_and_the_latest_counts(ws):
    team = ws.join(ws.team_codes["A"])
    first = team.template()
    assert team.submit(first) == 1
    changed = dict(first, mentoring=not first["mentoring"])
    assert team.submit(changed) == 2
    assert team.template() == team._ws.store.latest_of(ws.id, "A", 1)
    assert team.template()["mentoring"] == changed["mentoring"]
    subs = team.submissions()
    assert list(subs["version"]) == [1, 2] and set(subs["team"]) == {"A"}


def test_a_team_sees_only_its_own_rows(ws):
    submit_all(ws)
    a = ws.join(ws.team_codes["A"])
    assert len(a.results()) == 0                                   # nothing before publishing
    ws.as_trainer(ws.trainer_key).close_round()
    mine = a.results()
    assert len(mine) == 1 and set(mine["team"]) == {"A"}
    assert set(a.rep_results()["team"]) == {"A"}
    assert set(a.submissions()["team"]) == {"A"}


def test_rounds_open_close_and_finish(ws):
    trainer = ws.as_trainer(ws.trainer_key)
    assert trainer.status()["waiting"] == ["A", "B", "C"]
    ws.join(ws.team_codes["B"]).submit(ws.join(ws.team_codes["B"]).template())
    assert trainer.status()["submitted"] == ["B"]
    trainer.close_round()                                          # A and C keep their defaults
    assert ws.join(ws.team_codes["A"]).round == 2
    assert trainer.status()["status"] == {1: "published", 2: "open"}
    trainer.close_round()
    team = ws.join(ws.team_codes["A"])
    with pytest.raises(ScenarioError) as err:
        team.submit(team.template())
    assert err.value.issues[0].code == "workshop_round_closed"
    with pytest.raises(ScenarioError):
        trainer.close_round()
    board = trainer.leaderboard()
    assert len(board) == 3 and list(board.columns)[:2] == ["rank", "team"]
    assert list(board["rank"]) == [1, 2, 3] and board["score"].is_monotonic_decreasing


def test_replay_and_a_fresh_workshop_give_identical_results(ws, db, tmp_path):
    submit_all(ws, change={"B": lambda d: dict(d, mentoring=not d["mentoring"])})
    trainer = ws.as_trainer(ws.trainer_key)
    first = trainer.close_round().teams
    trainer.replay(1)                                              # raises if anything differs
    other = Workshop.create(SPEC, teams=["A", "B", "C"], rounds=2, seed=3, db=f"sqlite:///{tmp_path}/other.sqlite")
    submit_all(other, change={"B": lambda d: dict(d, mentoring=not d["mentoring"])})
    second = other.as_trainer(other.trainer_key).close_round().teams
    pd.testing.assert_frame_equal(first.reset_index(drop=True), second.reset_index(drop=True))
    assert trainer.leaderboard().equals(trainer.leaderboard())


def test_a_team_sees_its_situation_before_each_round(ws):
    team = ws.join(ws.team_codes["A"])
    before = team.situation()
    team.submit(dict(team.template(), hires=1))
    ws.as_trainer(ws.trainer_key).close_round()
    after = team.situation()
    assert len(after.seats) == len(before.seats) + 1                      # the hire carries into round 2


def test_bad_decisions_name_the_field(ws):
    team = ws.join(ws.team_codes["C"])
    bad = dict(team.template(), target=-5)
    with pytest.raises(ScenarioError) as err:
        team.submit(bad)
    assert any("target" in i.path for i in err.value.issues)
    assert "target" in err.value.message("zh-Hant")


def test_command_line_prepares_and_archives_a_workshop(tmp_path, capsys):
    from simlib.cli import main
    url = f"sqlite:///{tmp_path}/cli.sqlite"
    assert main(["workshop", "--db", url, "create", SPEC, "--teams", "A", "B", "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    ws_id = out.split("workshop: ")[1].split()[0]
    key = out.split("trainer key (shown once): ")[1].split()[0]
    code_a = out.split("team A: join code ")[1].split()[0]
    team = Workshop.open(url, ws_id).join(code_a)
    team.submit(team.template(), by="Mei")
    assert main(["workshop", "--db", url, "status", ws_id, "--key", key]) == 0
    assert "round 1 of 1; submitted: A" in capsys.readouterr().out
    assert main(["workshop", "--db", url, "status", ws_id, "--key", "wrong"]) == 2
    assert main(["workshop", "--db", url, "close", ws_id, "--key", key]) == 0
    assert main(["workshop", "--db", url, "export", ws_id, "--key", key, "--out", str(tmp_path / "debrief")]) == 0
    results = pd.read_csv(tmp_path / "debrief" / "results.csv")
    assert set(results["team"]) == {"A", "B"}
    assert (tmp_path / "debrief" / "decisions.csv").is_file() and (tmp_path / "debrief" / "leaderboard.csv").is_file()
    xlsx = tmp_path / "debrief.xlsx"                               # Excel too, with submissions' times in it
    assert main(["workshop", "--db", url, "export", ws_id, "--key", key, "--out", str(xlsx)]) == 0
    assert set(pd.read_excel(xlsx, sheet_name=None)) == {"decisions", "results", "reps", "leaderboard"}


def test_a_team_sees_each_reps_quota_before_it_submits(db_url):
    ws = Workshop.create("scenarios/workshop/b2b_quarter.yaml", teams=["A"], rounds=1, seed=2, db=db_url)
    team = ws.join(ws.team_codes["A"])
    tpl = team.template()
    q = team.quotas(tpl)
    assert sum(q.values()) == tpl["target"] and list(q) == [r.name for r in ws.spec.scenario.team.reps]
    assert q["張經理"] > q["黃婷"]                  # by capability: the veteran carries more than the new rep
    equal = team.quotas(dict(tpl, split="equal", hires=1, dismiss=["黃婷"]))
    assert "黃婷" not in equal and "H1-1" in equal and max(equal.values()) - min(equal.values()) <= 1
    with pytest.raises(ScenarioError) as err:
        team.quotas(dict(tpl, split={"李明": 1}))
    assert err.value.issues[0].path.startswith("decisions.split")


def test_a_rounds_decisions_are_due_minutes_after_it_opened(db_url):
    ws = Workshop.create("scenarios/workshop/b2b_quarter.yaml", teams=["A"], rounds=2, seed=2, db=db_url,
                         settings={"deadline_minutes": 12})
    made = ws.store.workshop(ws.id)["created_at"]
    assert ws.deadline() == pd.Timestamp(made) + pd.Timedelta(minutes=12)
    trainer = ws.as_trainer(ws.trainer_key)
    trainer.close_round()
    published = ws.store.rounds(ws.id).set_index("round").loc[1, "published_at"]
    assert trainer.status()["deadline"] == published + pd.Timedelta(minutes=12)
    trainer.close_round()
    assert ws.deadline() is None and trainer.status()["deadline"] is None
