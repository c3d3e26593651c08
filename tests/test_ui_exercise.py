"""Exercise pages without a browser (simlib/ui/exercise.py, simlib/ui/exercise_forms.py, simlib/viz/drills):
each drill's page builds in the three languages, a right answer typed into its form passes, a typical
mistake gets its feedback, every check is saved and comes back on a new page, the trainee's answers
download as CSV and Excel, and nothing of a trainer's key reaches the page; a trainee reaches only their own
answers (their name and answer key, or the JupyterHub user), and the trainer's export sees everyone's.

Answers go to a temporary SQLite file (``SDW_ANSWERS`` points there too), never to the user's home.
The right answers are built here from the keys' ``sample_answer`` — tests may read keys; pages never do."""
from __future__ import annotations

import base64
import copy
import io
import json
import re
from html import unescape
from pathlib import Path

import ipywidgets as W
import pandas as pd
import pytest

from simlib.base.i18n import t
from simlib.content import drills as D
from simlib.data import answers
from simlib.data.answers import AnswerStore, identify
from simlib.ui import exercise_forms as F
from simlib.ui.exercise import PITCH_FIGURE, REVIEW_FIGURES, ExercisePage

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("zh-Hant", "zh-Hans", "en")
FAST = {"smart_target": {"n": 30}}          # drill 01 simulates the quarter: fewer runs in tests


def sample(drill: str) -> dict:
    return copy.deepcopy(D.load_key(drill)["sample_answer"])


def wrong(drill: str) -> tuple[dict, str]:
    """A typical mistake per drill and the feedback key it must get."""
    a = sample(drill)
    if drill == "smart_target":
        return {"statement": "提高銷售額"}, "smart.hint.measurable"
    if drill == "decomposition":
        a["months"]["m3"] = 356000                      # 100,000 short: a "black hole"
        return a, "drills.decomposition.months_short"
    if drill == "mid_quarter_review":
        return {"causes": ["leads"], "fixes": {"leads_pct": 20}}, "drills.mid_quarter_review.cause_wrong"
    if drill == "self_check":
        a["actuals"]["satisfaction"] = 8                # 8 of 10, not 0.8
        return a, "drills.self_check.share"
    if drill == "pitch_scoring":
        a["scores"]["value"] = 24
        return a, "drills.pitch_scoring.too_generous"
    if drill == "improvement_plan":
        a["phases"]["targets"]["days"] = [1, 3]         # overlaps the analysis day
        return a, "drills.improvement_plan.days_overlap"
    if drill == "screening_341":
        a["scores"]["xiaolin"]["size"] = 4
        return a, "drills.screening_341.score_off"
    if drill == "abc_tiering":
        mat = D.load_material("abc_tiering")
        ranked = sorted(mat["accounts"], key=lambda r: -r["revenue"])   # by revenue, not profit
        return {"tiers": {r["account"]: "A" if i < 2 else "B" if i < 5 else "C" for i, r in enumerate(ranked)}}, \
            "drills.abc_tiering.by_revenue"
    if drill == "coin_feedback":
        a["observation"] = "你態度有問題,太不用心了。"
        return a, "appraisal.coin.hint.judgement"
    if drill == "okr_scoring":
        a["scores"]["kr1"] = 0.93                       # actual ÷ target
        return a, "drills.okr_scoring.from_baseline"
    if drill == "review_form":
        a["actions"][0]["measure"] = "做得更好"              # no number: how would anyone know?
        return a, "drills.review_form.no_measure"
    if drill == "target_check":
        a["checks"]["q4"] = "yes"                       # a flat 3 % taken for an incentive that matches +20 %
        return a, "drills.target_check.reread.q4"
    if drill == "objection_handling":
        a["steps"][0], a["steps"][2] = a["steps"][2], a["steps"][0]
        return a, "drills.objection_handling.order"
    if drill == "group_work":
        a["payback_months"] = 0.58                      # divided by a year's gain
        return a, "drills.group_work.payback_year"
    raise AssertionError(drill)


def same_answer(form_answer: dict, expected: dict) -> None:
    """The form's answer is the expected one (a slider at 0 is the same as no lever moved)."""
    got = copy.deepcopy(form_answer)
    fixes = got.get("fixes", {})
    for k in [k for k, v in fixes.items() if v == 0]:
        del fixes[k]
    assert got == F.prune(expected)


def widget_texts(page: ExercisePage) -> str:
    """Every text a browser could show of the page: values, labels, options, tooltips."""
    out = []
    for w in page.all_widgets():
        for attr in ("value", "description", "placeholder", "tooltip"):
            v = getattr(w, attr, None)
            if isinstance(v, str):
                out.append(unescape(re.sub(r"<[^>]+>", " ", v)))
        for label in getattr(w, "_options_labels", ()) or ():
            out.append(str(label))
    return "\n".join(out)


def key_only_texts(drill: str) -> list[str]:
    """Free texts of the key a page must never show: the trainer notes (sentence by sentence, every
    language), keywords and the sample answer's texts."""
    key = D.load_key(drill)
    texts = []
    notes = key.get("trainer_notes") or {}
    for note in (notes.values() if isinstance(notes, dict) else [notes]):
        texts.append(str(note).strip())
        texts += [s.strip() for s in re.split(r"[。;;]|\.\s", str(note)) if len(s.strip()) >= 12]

    def leaves(node):
        if isinstance(node, dict):
            for v in node.values():
                yield from leaves(v)
        elif isinstance(node, list):
            for v in node:
                yield from leaves(v)
        elif isinstance(node, str):
            yield node
    texts += [s for s in leaves(key.get("sample_answer", {})) if len(s) >= 12]
    return [s for s in texts if s]


@pytest.fixture
def store(tmp_path, monkeypatch):
    path = tmp_path / "answers.sqlite"
    monkeypatch.setenv("SDW_ANSWERS", str(path))     # a page opened without a store writes here too
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)   # a page's identity is the name typed in
    return AnswerStore(path)


def page_of(drill: str, store: AnswerStore, lang: str = "en", trainee: str = "王小明") -> ExercisePage:
    page = ExercisePage(drill, lang=lang, store=store, trainee=trainee, check_options=FAST.get(drill))
    assert not page.error_text(), (page.error_text(), page.last_exception)
    return page


def levels(page: ExercisePage) -> list[str]:
    return re.findall(r'<li class="sdw-level-(\w+)"', page.feedback_view.value)


# ---------------------------------------------------------------------------------------------
# every drill
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("drill", D.DRILLS)
def test_page_builds_in_the_three_languages(drill, store):
    titles = {}
    for lang in LANGS:
        page = page_of(drill, store, lang)
        mat = D.load_material(drill, lang)
        titles[lang] = page.title.value
        assert t(f"app.exercise_{drill}.title", lang) in unescape(page.title.value)
        assert mat["task"] in unescape(page.material_view.value)
        assert "sdw-no-feedback" in page.feedback_view.value          # no feedback before a check
        assert page.check_button.description == t("exercise.check", lang)
        assert page.trainee.value == "王小明"
        for ctl in page.form.inputs.values():                         # every field is labelled
            assert re.search(r"<label[^>]*>[^<]+</label>", ctl.label.value), ctl.spec.name
        assert page.form.answer() == {} or drill == "mid_quarter_review"   # sliders start at 0
    assert len(set(titles.values())) == 3


@pytest.mark.parametrize("drill", D.DRILLS)
def test_a_right_answer_passes_and_is_saved(drill, store):
    page = page_of(drill, store)
    page.form.fill(sample(drill))
    same_answer(page.form.answer(), sample(drill))
    fb = page.check()
    assert fb is not None and fb.passed, fb and fb.lines("en")
    assert 'class="sdw-headline sdw-passed"' in page.feedback_view.value
    assert levels(page) and set(levels(page)) <= {"ok", "hint"}
    assert page.attempt == 1 and "Attempt 1" in page.status.value
    assert page.new_key and page.new_key in page.identity_view.value          # the answer key, shown once
    hist = store.history(page.identity(), drill)
    assert list(hist["attempt"]) == [1] and hist["score"].iloc[0] == fb.score == 100.0
    same_answer(hist["answer"].iloc[0], sample(drill))
    # a reload: a new page on the same store shows the answer again once given the name and its key
    again = page_of(drill, store, "zh-Hant")
    assert again.loaded is None and "data-attempt" not in again.saved_view.value
    again.token.value = page.new_key
    same_answer(again.form.answer(), sample(drill))
    assert again.loaded == 1 and "第 1 次" in again.status.value
    assert 'data-attempt="1"' in again.saved_view.value


@pytest.mark.parametrize("drill", D.DRILLS)
def test_a_typical_mistake_gets_its_feedback(drill, store):
    answer, key = wrong(drill)
    page = page_of(drill, store)
    page.form.fill(answer)
    fb = page.check()
    assert fb is not None and not fb.passed
    assert key in [i.key for i in fb.items], fb.lines("en")
    assert {"hint", "problem"} & set(levels(page))
    assert 'class="sdw-headline sdw-not-yet"' in page.feedback_view.value
    # every item is a li of its level, in the page's language
    assert levels(page) == [i.level for i in fb.items]
    for line in fb.lines("en"):
        assert line in unescape(page.feedback_view.value)
    assert store.history(page.identity(), drill)["score"].iloc[-1] == fb.score


@pytest.mark.parametrize("drill", D.DRILLS)
def test_downloads_of_the_trainees_answers(drill, store):
    page = page_of(drill, store, "zh-Hant")
    assert page.downloads.value == ""                     # nothing saved yet
    page.form.fill(sample(drill))
    page.check()
    links = dict(re.findall(r'data-kind="(\w+)" download="([^"]+)"', page.downloads.value))
    assert links == {"csv": "answers_王小明.csv", "xlsx": "answers_王小明.xlsx"}
    b64 = re.search(r'data-kind="csv"[^>]*href="data:text/csv;base64,([^"]+)"', page.downloads.value).group(1)
    table = pd.read_csv(io.BytesIO(base64.b64decode(b64)), encoding="utf-8-sig")
    assert list(table.columns[:3]) == [t(f"drills.answers.col.{c}", "zh-Hant") for c in ("trainee", "drill", "attempt")]
    assert table.iloc[0, 0] == "王小明" and table.iloc[0, 1] == t(f"drills.title.{drill}", "zh-Hant")
    xlsx = re.search(r'data-kind="xlsx"[^>]*href="data:[^;]+;base64,([^"]+)"', page.downloads.value).group(1)
    sheets = pd.read_excel(io.BytesIO(base64.b64decode(xlsx)), sheet_name=None)
    assert len(sheets) == 2 and drill in sheets


@pytest.mark.parametrize("drill", D.DRILLS)
def test_the_page_never_shows_the_key(drill, store):
    secrets = key_only_texts(drill)
    assert secrets
    page = page_of(drill, store, "zh-Hant")
    answer, _ = wrong(drill)
    page.form.fill(answer)
    page.check()
    for lang in LANGS:
        page.set_language(lang)
        shown = widget_texts(page)
        leaked = [s for s in secrets if s in shown and s not in json.dumps(answer, ensure_ascii=False)]
        assert not leaked, f"{drill} page shows key texts: {leaked}"


@pytest.mark.parametrize("drill", D.DRILLS)
def test_language_switch_keeps_the_answer_and_relabels(drill, store):
    page = page_of(drill, store, "zh-Hant")
    answer, _ = wrong(drill)
    page.form.fill(answer)
    before = page.form.answer()
    fb = page.check()
    page.set_language("en")
    assert page.form.answer() == before
    assert t(f"app.exercise_{drill}.title", "en") in unescape(page.title.value)
    assert D.load_material(drill, "en")["task"] in unescape(page.material_view.value)
    assert fb.lines("en")[0] in unescape(page.feedback_view.value)
    labels = " ".join(c.label.value for c in page.form.inputs.values())
    assert not re.search(r"[\u4e00-\u9fff]", labels), labels
    page.set_language("zh-Hans")
    assert fb.lines("zh-Hans")[0] in unescape(page.feedback_view.value)
    assert not page.error_text()


# ---------------------------------------------------------------------------------------------
# the form machinery
# ---------------------------------------------------------------------------------------------
def test_typing_into_the_widgets_gives_the_checkers_answer(store):
    page = page_of("okr_scoring", store)
    cells = page.form.inputs["scores"].cells
    cells["kr1"]["score"].widget.value = "0.7"
    cells["kr2"]["score"].widget.value = " 0.3 "
    cells["kr3"]["score"].widget.value = "1"
    page.form.inputs["objective"].input.widget.value = "0.67"
    assert page.form.answer() == {"scores": {"kr1": 0.7, "kr2": 0.3, "kr3": 1}, "objective": 0.67}
    assert page.check().passed

    page = page_of("screening_341", store)
    grid = page.form.inputs["scores"].cells
    grid["huada"]["size"].widget.value = 4
    page.form.inputs["good"].input.boxes["huada"].value = True
    assert page.form.answer() == {"scores": {"huada": {"size": 4}}, "good": ["huada"]}

    page = page_of("smart_target", store)
    page.form.inputs["target"].input.widget.value = "1,200,000"
    page.form.inputs["unit"].input.widget.value = "yuan"
    page.form.inputs["deadline"].input.set("2025-09-30")
    assert page.form.answer() == {"target": 1200000, "unit": "yuan", "deadline": "2025-09-30"}


def test_numbers_are_read_as_people_write_them():
    assert [F.read_number(x) for x in ("", " ", "1,200,000", "80%", "0.7", "-3", "12.0")] == \
        [None, None, 1200000, 80, 0.7, -3, 12]
    assert F.read_number("abc") == "abc" and F.read_number("1.2.3") == "1.2.3"
    assert [F.show_number(x) for x in (None, 1200000, 0.7, 12.0, "x")] == ["", "1200000", "0.7", "12", "x"]


def test_paths_and_pruning():
    a: dict = {}
    F.set_path(a, "phases.analysis.days.1", 3)
    F.set_path(a, "fixes.conversion_pp.proposal", None)
    F.set_path(a, "weeks.m1", [1, None])
    assert a == {"phases": {"analysis": {"days": [None, 3]}}, "fixes": {"conversion_pp": {"proposal": None}},
                 "weeks": {"m1": [1, None]}}
    assert F.get_path(a, "phases.analysis.days.1") == 3 and F.get_path(a, "phases.review.days.0") is None
    assert F.prune(a) == {"phases": {"analysis": {"days": [None, 3]}}, "weeks": {"m1": [1, None]}}


def test_table_rows_are_added_removed_and_blank_rows_left_out(store):
    page = page_of("decomposition", store)
    table = page.form.inputs["metrics"]
    assert len(table.rows) == 3 and "metrics" not in page.form.answer()     # defaults alone are blank
    table.add_button.click()
    table.add_button.click()
    table.add_button.click()
    assert len(table.rows) == 6 and table.add_button.disabled               # at most 6
    table.rows[1]["metric"].widget.value = "visits"
    table.rows[1]["owner"].widget.value = "王芳"
    assert page.form.answer()["metrics"] == [{"metric": "visits", "per": "week", "scope": "team", "owner": "王芳"}]
    table._remove_buttons[0].click()
    assert len(table.rows) == 5 and table.rows[0]["owner"].widget.value == "王芳"
    assert "sdw-cell-0-owner" in table.rows[0]["owner"].widget._dom_classes


def test_objection_steps_follow_the_chosen_model(store):
    page = page_of("objection_handling", store)
    steps = page.form.inputs["steps"]
    assert [v for _, v in steps.rows[0]["step"].widget.options] == [""]           # no model yet
    page.form.inputs["model"].input.widget.value = "four_step"
    assert {v for _, v in steps.rows[0]["step"].widget.options} == {"", "confirm", "listen", "respond", "verify"}
    steps.rows[0]["step"].widget.value = "listen"
    page.form.inputs["model"].input.widget.value = "laer"
    assert steps.rows[0]["step"].widget.value == "listen"                          # LAER has "listen" too
    steps.rows[1]["step"].widget.value = "acknowledge"
    page.form.inputs["model"].input.widget.value = "four_step"
    assert steps.rows[1]["step"].widget.value == ""                                # 5A has no "acknowledge"


def test_bad_input_is_a_message_naming_the_field_and_the_work_is_kept(store):
    page = page_of("okr_scoring", store, "zh-Hant")
    page.form.inputs["scores"].cells["kr1"]["score"].widget.value = "七成"
    assert page.check() is None
    msg = page.error_text()
    assert "scores.kr1" in msg and "Traceback" not in page.message.value
    assert 'role="alert"' in page.message.value and "sdw-no-feedback" in page.feedback_view.value
    assert page.last_exception is None                                            # a ScenarioError, not a bug
    hist = store.history(page.identity(), "okr_scoring")
    assert hist["answer"].iloc[-1] == {"scores": {"kr1": "七成"}} and pd.isna(hist["score"].iloc[-1])
    page.form.inputs["scores"].cells["kr1"]["score"].widget.value = "0.7"
    assert page.check() is not None and not page.error_text()


def test_trainee_from_the_query_and_a_change_of_trainee(store, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "lang=en&trainee=%E6%9D%8E%E6%98%8E")
    page = ExercisePage.from_query("okr_scoring", store=store)
    assert page.lang == "en" and page.trainee.value == "李明"
    monkeypatch.setenv("QUERY_STRING", "")
    assert ExercisePage.from_query("okr_scoring", store=store).trainee.value == ""     # no shared default name
    page.form.fill(sample("okr_scoring"))
    page.check()
    other = page_of("okr_scoring", store, trainee="王小明")
    assert other.form.answer() == {} and "王小明" in other.saved_view.value
    other.trainee.value = "李明"                                    # types the other name: sees nothing of theirs
    assert other.form.answer() == {} and other.loaded is None and other.downloads.value == ""
    assert t("exercise.identity.key_needed", "en", name="李明") in unescape(other.saved_view.value)
    other.token.value = page.new_key                                # with 李明's answer key: it is 李明 again
    same_answer(other.form.answer(), sample("okr_scoring"))
    assert other.loaded == 1


def test_a_page_without_a_store_uses_the_answer_file(store, tmp_path):
    page = ExercisePage("coin_feedback", lang="en", trainee="王小明")   # SDW_ANSWERS -> tmp_path
    assert page.store.path == tmp_path / "answers.sqlite"
    page.form.fill(sample("coin_feedback"))
    assert page.check().passed
    assert store.latest(identify("王小明", page.new_key), "coin_feedback") == sample("coin_feedback")


def test_unknown_drill_is_refused():
    import simlib
    with pytest.raises(simlib.ScenarioError):
        ExercisePage("smart", lang="en")


# ---------------------------------------------------------------------------------------------
# drill 03: the dashboard and the projection
# ---------------------------------------------------------------------------------------------
def test_review_shows_the_dashboard_and_charts_the_projection(store):
    page = page_of("mid_quarter_review", store)
    dash = D.review_dashboard()
    assert set(page.figures) == set(REVIEW_FIGURES)
    assert f"{dash['summary']['completion']:.0%}" in page.dashboard_view.value
    assert 'data-stage="proposal"' in page.dashboard_view.value
    for name in ("review-pace", "review-funnel", "review-activity"):
        fig = page.figures[name].figure
        assert fig is not None and fig.data
        for tr in fig.to_plotly_json()["data"]:
            assert all(isinstance(tr.get(k, []), list) for k in ("x", "y")), name     # plain lists
    assert page.figures["review-projection"].figure is None                           # not before a check
    assert page.feedback_chart.layout.display == "none"                               # nor an empty frame
    page.form.fill(sample("mid_quarter_review"))
    fb = page.check()
    assert page.feedback_chart.layout.display == "flex"
    fig = page.figures["review-projection"].figure
    assert [tr.name for tr in fig.data][:4] == [t(f"exercise.viz.{k}", "en")
                                                for k in ("actual", "baseline", "with_fixes", "target_pace")]
    # the other futures, shaded: lower and upper edge of each band, filled between
    bands = [tr for tr in fig.data[4:]]
    assert [tr.name for tr in bands] == [t("exercise.viz.band_baseline", "en", share="80%")] * 2 + \
        [t("exercise.viz.band_fixes", "en", share="80%")] * 2
    assert [tr.fill for tr in bands] == [None, "tonexty", None, "tonexty"]
    assert list(bands[3].y[-1:]) == [pytest.approx(fb.data["band"]["with_fixes_high"].iloc[-1])]
    assert "drills.mid_quarter_review.futures" in [i.key for i in fb.items]
    proj = D.project_quarter(sample("mid_quarter_review")["fixes"])
    assert fig.data[2].y[-1] == pytest.approx(proj["table"]["with_fixes"].iloc[-1])
    assert fb.data["completion"]["with_fixes"] == pytest.approx(proj["with_fixes"])
    # the key's causes are never hinted at: no checkbox is ticked when the page opens
    fresh = page_of("mid_quarter_review", store, trainee="someone else")
    assert not any(b.value for b in fresh.form.inputs["causes"].input.boxes.values())
    page.set_language("zh-Hant")
    assert page.figures["review-projection"].figure.data[2].name == t("exercise.viz.with_fixes", "zh-Hant")


# ---------------------------------------------------------------------------------------------
# the group work: the pitch's minutes as a chart
# ---------------------------------------------------------------------------------------------
def test_group_work_charts_the_trainees_pitch_minutes(store):
    page = page_of("group_work", store)
    assert set(page.figures) == {PITCH_FIGURE} and page.figures[PITCH_FIGURE].figure is None
    assert page.feedback_chart.layout.display == "none"                               # no empty frame
    page.check()                                                                       # nothing typed: no minutes
    assert page.feedback_chart.layout.display == "none"
    answer = sample("group_work")
    answer["pitch"]["desire"]["minutes"] = 3                                           # 6 minutes in all
    page.form.fill(answer)
    fb = page.check()
    assert page.feedback_chart.layout.display == "flex"
    assert "drills.group_work.pitch_total" in [i.key for i in fb.problems]
    fig = page.figures[PITCH_FIGURE].figure
    parts = D.load_material("group_work", "en")["pitch_parts"]
    assert [tr.name for tr in fig.data] == list(parts.values())
    assert [tr.x[0] for tr in fig.data] == [answer["pitch"][p]["minutes"] for p in parts]
    assert "6" in fig.layout.title.text and "5" in fig.layout.title.text
    page.set_language("zh-Hant")
    assert page.figures[PITCH_FIGURE].figure.data[0].name == D.load_material("group_work", "zh-Hant")["pitch_parts"]["attention"]


# ---------------------------------------------------------------------------------------------
# notebooks
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("drill", D.DRILLS)
def test_notebook_is_one_stripped_cell(drill):
    nb = json.loads((ROOT / "notebooks" / "exercises" / f"{drill}.ipynb").read_text(encoding="utf-8"))
    assert nb["nbformat"] == 4 and len(nb["cells"]) == 1
    cell = nb["cells"][0]
    assert cell["cell_type"] == "code" and cell["outputs"] == [] and cell["execution_count"] is None
    src = "".join(cell["source"])
    assert src == f'from simlib.ui.exercise import ExercisePage\n\nExercisePage.from_query("{drill}").show()'
    assert "load_key" not in src


def test_notebook_cell_ids_are_unique():
    ids = [json.loads(p.read_text(encoding="utf-8"))["cells"][0]["id"] for p in sorted((ROOT / "notebooks" / "exercises").glob("*.ipynb"))]
    assert len(ids) == len(D.DRILLS) == len(set(ids))


def test_every_drill_has_a_form_and_a_material_panel():
    assert set(F.FORMS) == set(F.MATERIAL) == set(D.DRILLS)


def test_a_blank_trainee_name_is_asked_for_not_saved(store):
    page = page_of("okr_scoring", store)
    page.form.fill(sample("okr_scoring"))
    page.trainee.value = "  "
    assert t("exercise.saved.no_name", "en") in page.saved_view.value
    fb = page.check()
    assert fb.passed and page.attempt is None                       # checked, but not saved without a name
    assert "trainee" in page.error_text() and "Traceback" not in page.message.value
    page.trainee.value = "王小明"
    assert page.check().passed and page.attempt == 1 and not page.error_text()


# ---------------------------------------------------------------------------------------------
# whose answers: a name and its answer key, or the JupyterHub user
# ---------------------------------------------------------------------------------------------
def test_the_first_check_claims_the_name_and_shows_the_key_once(store):
    page = page_of("okr_scoring", store, trainee="紅隊/王小明")
    assert page.new_key is None and "sdw-identity-help" in page.identity_view.value
    assert isinstance(page.token, W.Password) and page.token.layout.display != "none"
    page.form.fill(sample("okr_scoring"))
    page.check()
    key = page.new_key
    assert page.attempt == 1 and store.name_status("紅隊/王小明") == "key"
    assert f'<code class="sdw-answer-key">{key}</code>' in page.identity_view.value
    assert t("exercise.identity.keep_key", "en") in unescape(page.identity_view.value)
    page.check()                                                   # the page keeps the key for its lifetime
    assert page.attempt == 2 and page.new_key is None and key not in page.identity_view.value
    assert not page.error_text() and 'data-attempt="2"' in page.saved_view.value
    links = dict(re.findall(r'data-kind="(\w+)" download="([^"]+)"', page.downloads.value))
    assert links["csv"] == "answers_紅隊_王小明.csv"


def test_another_trainee_cannot_read_or_add_to_my_answers(store):
    mine = page_of("okr_scoring", store, trainee="甲")
    mine.form.fill(sample("okr_scoring"))
    mine.check()
    theirs = page_of("okr_scoring", store, trainee="乙")
    theirs.form.fill({"scores": {"kr1": 0.5}})
    theirs.check()
    assert theirs.attempt == 1 and theirs.new_key != mine.new_key
    assert "甲" not in theirs.saved_view.value and theirs.store.history(theirs.identity())["trainee"].unique() == ["乙"]
    theirs.trainee.value = "甲"                                    # 乙 types 甲's name: nothing of 甲's shows
    assert theirs.loaded is None and theirs.downloads.value == "" and "data-attempt" not in theirs.saved_view.value
    assert theirs.form.answer() == {"scores": {"kr1": 0.5}}        # 乙's own typing stays; 甲's never comes in
    assert theirs.check() is not None and theirs.attempt is None  # checked, not saved under 甲's name
    assert "token" in theirs.error_text()
    theirs.token.value = "AAAA-AAAA-AAAA"                          # a wrong key
    assert t("exercise.identity.key_wrong", "en", name="甲") in unescape(theirs.saved_view.value)
    theirs.check()
    assert theirs.attempt is None and "token" in theirs.error_text()
    assert store.history(mine.identity())["attempt"].tolist() == [1]    # 甲's answers untouched
    theirs.token.value = mine.new_key                              # with 甲's key it is 甲 (on another device)
    assert theirs.loaded == 1 and not theirs.error_text() and 'data-attempt="1"' in theirs.saved_view.value


def test_without_a_name_nothing_is_saved_and_the_page_says_why(store):
    page = ExercisePage("okr_scoring", lang="zh-Hans", store=store)
    assert page.trainee.value == "" and t("exercise.saved.no_name", "zh-Hans") in page.saved_view.value
    page.form.fill(sample("okr_scoring"))
    assert page.check().passed and page.attempt is None and page.new_key is None
    assert "trainee" in page.error_text() and store.trainees() == []


def test_jupyterhub_user_fixes_the_pages_identity(store, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    monkeypatch.setenv("QUERY_STRING", "lang=en&trainee=mallory")
    page = ExercisePage.from_query("okr_scoring", store=store)
    assert page.trainee.value == "alice" and page.trainee.disabled and page.token.layout.display == "none"
    assert "alice" in page.identity_view.value and "sdw-hub-user" in page.identity_view.value
    page.form.fill(sample("okr_scoring"))
    assert page.check().passed and page.attempt == 1 and page.new_key is None     # no key: the hub knows alice
    assert store.name_status("alice") == "hub" and store.trainees() == ["alice"]
    again = ExercisePage("okr_scoring", lang="en", store=store, trainee="bob")   # a reload on alice's server
    assert again.trainee.value == "alice" and again.loaded == 1
    monkeypatch.delenv("JUPYTERHUB_USER")                           # a server without a hub: alice's name is not enough
    other = page_of("okr_scoring", store, trainee="alice")
    assert other.loaded is None
    assert t("exercise.identity.hub_name", "en", name="alice") in unescape(other.saved_view.value)


def test_the_trainer_export_sees_every_pages_answers(store, monkeypatch):
    for name in ("甲", "紅隊/乙"):
        page = page_of("okr_scoring", store, trainee=name)
        page.form.fill(sample("okr_scoring"))
        page.check()
    monkeypatch.setenv("SDW_TRAINER_KEY", "trainer-key-123")
    every = answers.export_all("trainer-key-123", store.path)
    assert every["trainee"].tolist() == ["甲", "紅隊/乙"] and every["team"].tolist()[1] == "紅隊"
    assert (every["score"] == 100.0).all() and set(every["access"]) == {"key"}
