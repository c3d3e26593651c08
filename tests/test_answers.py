"""The answer store (simlib/data/answers): every attempt kept with its UTC time and score, answers survive a
reload, a trainee's history and its CSV / Excel exports, and two stores (or processes) on one file; identities:
one trainee cannot read another's answers, JUPYTERHUB_USER fixes the identity, a wrong key is refused, the
trainer's export sees all, and an answer file of the old layout migrates in place."""
from __future__ import annotations

import io
import json
import multiprocessing
import re
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import simlib
from simlib.content import drills as D
from simlib.data import answers as A
from simlib.data.answers import AnswerStore, default_path

LANGS = ("zh-Hant", "zh-Hans", "en")
OKR = {"scores": {"kr1": 0.93, "kr2": 0.86, "kr3": 1.3}, "objective": 1.03}
OKR_RIGHT = {"scores": {"kr1": 0.7, "kr2": 0.3, "kr3": 1.0}, "objective": 0.67}


@pytest.fixture
def store(tmp_path):
    return AnswerStore(tmp_path / "answers.sqlite")


def test_round_trip_keeps_every_attempt(store):
    assert store.latest("王小明", "okr_scoring") is None
    assert store.save("王小明", "okr_scoring", OKR, feedback_score=0) == 1
    fb = D.check("okr_scoring", OKR_RIGHT)
    assert store.save("王小明", "okr_scoring", OKR_RIGHT, feedback_score=fb.score) == 2
    assert store.save("王小明", "coin_feedback", {"context": "上週三的演示"}) == 1
    assert store.latest("王小明", "okr_scoring") == OKR_RIGHT
    h = store.history("王小明")
    assert list(h.columns) == ["trainee", "drill", "attempt", "saved_at", "score", "answer"]
    assert h["drill"].tolist() == ["okr_scoring", "okr_scoring", "coin_feedback"]
    assert h["attempt"].tolist() == [1, 2, 1]
    assert h["score"].tolist()[:2] == [0.0, 100.0] and np.isnan(h["score"].iloc[2])
    assert h["answer"].iloc[0] == OKR
    for stamp in h["saved_at"]:
        assert stamp.endswith("Z")
        when = datetime.fromisoformat(stamp)
        assert when.tzinfo is not None and abs((datetime.now(UTC) - when).total_seconds()) < 60
    assert h["saved_at"].is_monotonic_increasing
    assert store.history("王小明", "coin_feedback")["attempt"].tolist() == [1]
    assert store.history("nobody").empty


def test_answers_survive_a_reload(tmp_path):
    path = tmp_path / "deep" / "folder" / "answers.sqlite"
    AnswerStore(path).save("李明", "abc_tiering", {"tiers": {"a1": "A"}}, feedback_score=10)
    assert path.is_file()
    again = AnswerStore(path)                                   # a new page, a new kernel
    assert again.latest("李明", "abc_tiering") == {"tiers": {"a1": "A"}}
    assert again.save("李明", "abc_tiering", {"tiers": {"a1": "A", "a2": "B"}}) == 2
    assert AnswerStore(str(path)).trainees() == ["李明"]


def test_trainees_are_kept_apart(store):
    store.save("甲", "okr_scoring", OKR)
    store.save("乙", "okr_scoring", OKR_RIGHT)
    assert store.latest("甲", "okr_scoring") == OKR and store.latest("乙", "okr_scoring") == OKR_RIGHT
    assert store.history("甲")["trainee"].unique().tolist() == ["甲"]
    assert store.trainees() == sorted(["甲", "乙"])
    assert store.save(" 甲 ", "okr_scoring", OKR) == 2            # surrounding blanks do not make a new trainee


def test_default_location_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SDW_ANSWERS", str(tmp_path / "env" / "a.sqlite"))
    s = AnswerStore()
    assert s.path == tmp_path / "env" / "a.sqlite" and s.path.is_file()
    monkeypatch.delenv("SDW_ANSWERS")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_path() == tmp_path / "home" / ".sales-drill" / "answers.sqlite"
    s = AnswerStore()
    s.save("t", "d", {"x": 1})
    assert (tmp_path / "home" / ".sales-drill" / "answers.sqlite").is_file()


def test_plain_data_is_stored_as_json(store):
    answer = {"n": np.int64(3), "x": np.float64(0.5), "ok": np.bool_(True), "arr": np.array([1, 2]),
              "when": datetime(2025, 9, 30, tzinfo=UTC).date(), "text": "華達機械 38,000 元", "nested": {"list": [1, "二"]}}
    store.save("t", "d", answer)
    got = store.latest("t", "d")
    assert got == {"n": 3, "x": 0.5, "ok": True, "arr": [1, 2], "when": "2025-09-30", "text": "華達機械 38,000 元",
                   "nested": {"list": [1, "二"]}}
    # feedback records are plain data too
    fb = D.check("okr_scoring", OKR)
    store.save("t", "okr_scoring", {"answer": OKR, "feedback": fb.as_dict()}, feedback_score=fb.score)
    assert store.latest("t", "okr_scoring")["feedback"]["items"][0]["key"] == "drills.okr_scoring.from_baseline"


@pytest.mark.parametrize(("kwargs", "path", "code"), [
    ({"trainee": "  "}, "trainee", "answers_trainee"),
    ({"trainee": 7}, "trainee", "answers_trainee"),
    ({"drill": ""}, "drill", "answers_drill"),
    ({"answer": [1, 2]}, "answer", "type_mapping"),
    ({"answer": {"x": object()}}, "answer", "answers_json"),
    ({"answer": {"x": float("nan")}}, "answer", "answers_json"),
    ({"feedback_score": 120}, "feedback_score", "answers_score"),
    ({"feedback_score": True}, "feedback_score", "answers_score"),
])
def test_bad_input_is_refused_naming_the_field(store, kwargs, path, code):
    args = {"trainee": "t", "drill": "okr_scoring", "answer": OKR} | kwargs
    with pytest.raises(simlib.ScenarioError) as err:
        store.save(**args)
    assert err.value.paths == [path] and err.value.issues[0].code == code
    for lang in LANGS:
        assert path in err.value.message(lang)
    assert store.history("t").empty


def test_csv_export_opens_with_pandas(store):
    store.save("王小明", "okr_scoring", OKR, feedback_score=0)
    store.save("王小明", "screening_341", {"good": ["huada"], "note": "華達機械,規模大"}, feedback_score=50)
    store.save("別人", "okr_scoring", OKR_RIGHT)
    data = store.export_csv("王小明")
    assert data.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert df.columns.tolist() == ["trainee", "drill", "attempt", "saved_at", "score", "answer"]
    assert df["trainee"].unique().tolist() == ["王小明"] and len(df) == 2
    assert json.loads(df["answer"].iloc[1]) == {"good": ["huada"], "note": "華達機械,規模大"}
    zh = pd.read_csv(io.BytesIO(store.export_csv("王小明", lang="zh-Hant")), encoding="utf-8-sig")
    assert zh.columns.tolist()[:3] == ["學員", "演練", "第幾次"]
    assert zh["演練"].tolist() == ["OKR 評分", "「341」法篩選客戶"]
    en = pd.read_csv(io.BytesIO(store.export_csv("王小明", lang="en")), encoding="utf-8-sig")
    assert en["Drill"].tolist() == ["OKR scoring", "\"341\" screening"]


def test_xlsx_export_opens_with_openpyxl_and_pandas(store):
    store.save("王小明", "okr_scoring", OKR, feedback_score=0)
    store.save("王小明", "okr_scoring", OKR_RIGHT, feedback_score=100)
    store.save("王小明", "objection_handling", {"model": "laer", "steps": [{"step": "listen", "text": "先聽完"}]})
    data = store.export_xlsx("王小明")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["answers", "okr_scoring", "objection_handling"]
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None)
    assert len(sheets["answers"]) == 3
    okr = sheets["okr_scoring"]
    assert okr["scores.kr1"].tolist() == [0.93, 0.7] and okr["objective"].tolist() == [1.03, 0.67]
    assert okr["attempt"].tolist() == [1, 2]
    steps = json.loads(sheets["objection_handling"]["steps"].iloc[0])
    assert steps == [{"step": "listen", "text": "先聽完"}]
    zh = pd.read_excel(io.BytesIO(store.export_xlsx("王小明", lang="zh-Hans")), sheet_name=None)
    assert zh["answers"].columns.tolist()[0] == "学员" and "第几次" in zh["okr_scoring"].columns
    empty = pd.read_excel(io.BytesIO(store.export_xlsx("nobody")), sheet_name=None)
    assert list(empty) == ["answers"] and empty["answers"].empty


def test_two_stores_on_one_file(tmp_path):
    path = tmp_path / "shared.sqlite"
    a, b = AnswerStore(path), AnswerStore(path)
    attempts = [(a if i % 2 else b).save("同學", "okr_scoring", {"i": i}) for i in range(10)]
    assert attempts == list(range(1, 11))
    assert a.latest("同學", "okr_scoring") == {"i": 9} == b.latest("同學", "okr_scoring")
    assert b.history("同學")["answer"].tolist() == [{"i": i} for i in range(10)]


def _save_many(path: str, who: str, n: int) -> list[int]:
    store = AnswerStore(path)
    return [store.save("同學", "okr_scoring", {"who": who, "i": i}) for i in range(n)]


def test_two_processes_write_to_one_file(tmp_path):
    path = str(tmp_path / "shared.sqlite")
    AnswerStore(path)
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        results = pool.starmap(_save_many, [(path, "p1", 15), (path, "p2", 15)])
    numbers = sorted(results[0] + results[1])
    assert numbers == list(range(1, 31))                      # no attempt number twice, none lost
    h = AnswerStore(path).history("同學")
    assert len(h) == 30 and sorted(h["attempt"]) == numbers
    assert {a["who"] for a in h["answer"]} == {"p1", "p2"}


def test_the_store_file_is_sqlite_with_json_text(store):
    import sqlite3
    store.save("t", "d", {"文字": "繁體"})
    con = sqlite3.connect(Path(store.path))
    (text,) = con.execute("SELECT answer FROM answers").fetchone()
    con.close()
    assert json.loads(text) == {"文字": "繁體"} and "繁體" in text


# ---------------------------------------------------------------------------------------------
# identities: each trainee reaches only their own answers; the trainer reaches all
# ---------------------------------------------------------------------------------------------


def refused(call, path: str, code: str) -> simlib.ScenarioError:
    with pytest.raises(simlib.ScenarioError) as err:
        call()
    assert err.value.paths == [path] and err.value.issues[0].code == code, err.value
    for lang in LANGS:
        assert path in err.value.message(lang) and "answers_" not in err.value.message(lang)
    return err.value


@pytest.fixture
def no_hub(monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.delenv("SDW_TRAINER_KEY", raising=False)


def test_one_trainee_cannot_read_anothers_answers(store, no_hub, monkeypatch):
    monkeypatch.setattr(A, "MAX_KEY_FAILURES", 100)      # this test tries every call; the slow-down is below
    a, key_a = store.claim("甲")
    b, key_b = store.claim("乙")
    assert key_a != key_b and a.token == key_a
    store.save(a, "okr_scoring", OKR, feedback_score=0)
    store.save(a, "okr_scoring", OKR_RIGHT, feedback_score=100)
    store.save(b, "okr_scoring", {"b": 1})
    # B reads only B's rows
    assert store.history(b)["trainee"].tolist() == ["乙"] and store.latest(b, "okr_scoring") == {"b": 1}
    # without A's name B has no call that returns A's rows; with A's name but not A's key, every call is refused
    for who, code in (("甲", "answers_key_needed"), (A.identify("甲", key_b), "answers_key_wrong")):
        refused(lambda who=who: store.history(who), "token", code)
        refused(lambda who=who: store.latest(who, "okr_scoring"), "token", code)
        refused(lambda who=who: store.export_csv(who), "token", code)
        refused(lambda who=who: store.export_xlsx(who), "token", code)
        refused(lambda who=who: store.save(who, "okr_scoring", {"forged": True}), "token", code)
        refused(lambda who=who: store.check(who), "token", code)
    assert store.history(a)["attempt"].tolist() == [1, 2]                 # nothing was added to A's answers
    assert store.latest(A.identify(" 甲 ", key_a.lower().replace("-", " ")), "okr_scoring") == OKR_RIGHT  # as typed


def test_wrong_keys_for_a_name_are_slowed_down_wherever_they_come_from(store, no_hub, monkeypatch):
    me, _ = store.claim("丙")
    store.save(me, "okr_scoring", OKR)
    wrong = A.identify("丙", "AAAA-AAAA-AAAA")
    other = A.AnswerStore(store.path)                    # another page, another process: the same file
    for k in range(A.MAX_KEY_FAILURES):
        guess = (store, other)[k % 2]
        refused(lambda g=guess, k=k: g.save(wrong, "okr_scoring", {"forged": k}), "token", "answers_key_wrong")
    err = refused(lambda: A.AnswerStore(store.path).history(me), "token", "answers_key_slow_down")
    assert "60" in err.message("en") and "丙" in err.message("zh-Hant")
    assert store.history(me)["attempt"].tolist() == [1]   # known on this page: no scrypt, no refusal
    later = time.time() + A.KEY_FAILURE_WINDOW_S + 1
    monkeypatch.setattr(A.time, "time", lambda: later)
    fresh = A.AnswerStore(store.path)
    assert fresh.latest(me, "okr_scoring") == OKR and fresh.history(me)["answer"].size == 1
    refused(lambda: fresh.history(A.identify("乙乙", "AAAA-AAAA-AAAA")), "token", "answers_key_wrong")


def test_a_name_is_claimed_once_and_its_key_is_stored_only_hashed(store, no_hub):
    me, key = store.claim("紅隊/王小明")
    assert (me.team, me.display_name, store.name_status("紅隊 / 王小明")) == ("紅隊", "王小明", "key")
    refused(lambda: store.claim("紅隊/王小明"), "trainee", "answers_name_taken")
    refused(lambda: store.history(A.identify("無名", "AAAA-AAAA-AAAA")), "token", "answers_key_wrong")
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", key) and set(key) - {"-"} <= set(A.KEY_ALPHABET)
    assert key not in repr(me) and key not in str(me)
    store.save(me, "okr_scoring", OKR)
    raw = Path(store.path).read_bytes()
    assert key.encode() not in raw and key.replace("-", "").encode() not in raw and b"scrypt$" in raw


def test_a_name_is_claimed_by_one_of_many_at_once(tmp_path, no_hub):
    path = tmp_path / "race.sqlite"
    AnswerStore(path)
    outcomes: list[str] = []

    def claim() -> None:
        try:
            AnswerStore(path).claim("同名")
            outcomes.append("won")
        except simlib.ScenarioError as err:
            outcomes.append(err.issues[0].code)

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes) == ["answers_name_taken"] * 7 + ["won"]


@pytest.mark.parametrize(("name", "code"), [("紅隊/", "answers_team_name"), ("/王小明", "answers_team_name"),
                                            ("a/b/c", "answers_team_name"), ("  ", "answers_trainee")])
def test_a_bad_identity_is_refused_naming_the_trainee(name, code):
    refused(lambda: A.identify(name), "trainee", code)


def test_jupyterhub_user_fixes_the_identity(store, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert A.hub_identity() is None
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    alice = A.hub_identity()
    assert alice.hub and alice.name == "alice" and alice.token is None
    assert store.save(alice, "okr_scoring", OKR) == 1
    assert store.name_status("alice") == "hub" and store.latest(alice, "okr_scoring") == OKR
    refused(lambda: store.latest("alice", "okr_scoring"), "trainee", "answers_hub_name")      # a name, no hub
    refused(lambda: store.claim("alice"), "trainee", "answers_name_taken")
    monkeypatch.setenv("JUPYTERHUB_USER", "bob")                                             # bob's server
    refused(lambda: store.history(alice), "trainee", "answers_hub_mismatch")
    bob = A.hub_identity()
    store.save(bob, "okr_scoring", {"bob": 1})
    assert store.history(bob)["trainee"].tolist() == ["bob"]


def test_the_trainer_export_sees_everyones_answers(store, monkeypatch, no_hub):
    a, _ = store.claim("紅隊/甲")
    store.save(a, "okr_scoring", OKR, feedback_score=0)
    b, _ = store.claim("乙")
    store.save(b, "screening_341", {"good": ["huada"]}, feedback_score=50)
    store.save("舊名", "okr_scoring", OKR_RIGHT)                                    # a name never claimed
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    store.save(A.hub_identity(), "okr_scoring", {"alice": 1})
    refused(lambda: store.export_all("anything"), "trainer_key", "answers_trainer_unset")
    monkeypatch.setenv("SDW_TRAINER_KEY", "s3cret-trainer-key")
    refused(lambda: store.export_all("s3cret-trainer-kez"), "trainer_key", "answers_trainer_key")
    refused(lambda: A.export_all(None, store.path), "trainer_key", "answers_trainer_key")
    every = store.export_all(" s3cret-trainer-key ")
    assert list(every.columns) == list(A.ALL_COLUMNS)
    assert every["trainee"].tolist() == ["紅隊/甲", "乙", "舊名", "alice"]
    assert every["team"].iloc[0] == "紅隊" and every["team"].iloc[1:].isna().all()
    assert every["display_name"].tolist() == ["甲", "乙", "舊名", "alice"]
    assert every["access"].tolist() == ["key", "key", "name", "hub"]
    assert every["answer"].iloc[0] == OKR and every["score"].iloc[1] == 50.0
    same = A.export_all("s3cret-trainer-key", store.path, lang="en")
    assert same["drill"].tolist()[:2] == ["OKR scoring", "\"341\" screening"]
    csv = pd.read_csv(io.BytesIO(store.export_all_csv("s3cret-trainer-key")), encoding="utf-8-sig")
    assert len(csv) == 4 and json.loads(csv["answer"].iloc[2]) == OKR_RIGHT


OLD_SCHEMA = """
CREATE TABLE answers (id INTEGER PRIMARY KEY AUTOINCREMENT, trainee TEXT NOT NULL, drill TEXT NOT NULL,
    attempt INTEGER NOT NULL, saved_at TEXT NOT NULL, score REAL, answer TEXT NOT NULL,
    UNIQUE (trainee, drill, attempt));
CREATE INDEX answers_by_trainee ON answers (trainee, drill, id);
INSERT INTO answers (trainee, drill, attempt, saved_at, score, answer) VALUES
    ('王小明', 'okr_scoring', 1, '2025-09-01T00:00:00.000000Z', 25.0, '{"scores": {"kr1": 0.9}}'),
    ('王小明', 'okr_scoring', 2, '2025-09-02T00:00:00.000000Z', 100.0, '{"scores": {"kr1": 0.7}}'),
    ('李明', 'abc_tiering', 1, '2025-09-03T00:00:00.000000Z', NULL, '{"tiers": {"a1": "A"}}');
"""


def test_an_old_answer_file_migrates_in_place(tmp_path, no_hub):
    import sqlite3
    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    con.executescript(OLD_SCHEMA)
    con.close()
    store = AnswerStore(path)
    assert store.schema_version() == A.SCHEMA_VERSION == 2
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    con.close()
    assert {"answers", "trainees"} <= tables
    assert AnswerStore(path).schema_version() == 2                        # opening again changes nothing
    # old rows: readable by their name alone until claimed
    assert store.name_status("王小明") == "unclaimed" and store.name_status("新人") == "free"
    assert store.history("王小明")["attempt"].tolist() == [1, 2]
    me, _ = store.claim("王小明")                                          # the first claim takes them over
    assert store.history(me)["score"].tolist() == [25.0, 100.0]
    assert store.save(me, "okr_scoring", {"scores": {"kr1": 0.7}}) == 3
    refused(lambda: store.history("王小明"), "token", "answers_key_needed")
    assert store.latest("李明", "abc_tiering") == {"tiers": {"a1": "A"}}   # still unclaimed
