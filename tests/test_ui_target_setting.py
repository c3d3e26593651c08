"""Target Setting without a browser: widgets in; numbers equal to simlib's, exact sums, messages and files out."""
from __future__ import annotations

import base64
import io
import re
from html import unescape

import pandas as pd
import pytest

import simlib
from simlib import targets
from simlib.analysis import achievability as smart
from simlib.base.i18n import t
from simlib.ui import target_setting as ts
from simlib.ui.hub import Hub
from simlib.ui.target_setting import ADJUST_PRESETS, DIMENSIONS, TargetSetting

S1_DIMS = {"product": {"core": .6, "new": .3, "accessories": .1},
           "region": {"east": .35, "south": .25, "north": .2, "other": .2},
           "customer": {"key": .5, "smb": .3, "new": .2}}
N = 60  # replications in these tests: enough to compare numbers, quick to run


@pytest.fixture
def app():
    return TargetSetting(lang="en", smart_n=N)


def text_of(widget) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", widget.value))


def checks(widget) -> dict[str, bool]:
    return {k: v == "true" for k, v in re.findall(r'data-check="(\w+)" data-ok="(\w+)"', widget.value)}


# -- 1. the time split --------------------------------------------------------------------------------
def test_first_render_matches_the_library(app):
    df = targets.split_time(100_000_000, 2026, "cn_retail", unit=(10_000, 10_000, 1))
    assert app.split.attrs == df.attrs
    assert list(app.split["target"]) == list(df["target"])
    assert checks(app.split_view) == {"quarters": True, "months": True, "weeks": True}
    assert app.error_text() == "" and app.message.value == "" and app.last_exception is None
    fig = app.figures["split"].figure
    assert len(fig.data[0].x) == 12 and sum(fig.data[0].y) == 100_000_000
    assert "Noto Sans CJK TC" in fig.layout.font.family


@pytest.mark.parametrize("preset", targets.SEASONALITY_PRESETS)
def test_every_level_adds_up_exactly(app, preset):
    app.unit.value = 1
    app.preset.value = preset
    app.annual.value = 123_456_789
    q, m = app.split.attrs["quarters"], app.split.attrs["months"]
    assert sum(q.values()) == sum(m.values()) == app.split["target"].sum() == 123_456_789
    assert checks(app.split_view) == {"quarters": True, "months": True, "weeks": True}
    for quarter, total in q.items():
        row = re.search(rf'data-quarter="{quarter}">(.*?)</tr>', app.split_view.value).group(1)
        assert f"{total:,}" in row and "sdw-ok" in row
    assert "123,456,789" in text_of(app.split_view)


def test_chart_level_and_annual_target_redraw(app):
    app.level.value = "quarter"
    assert list(app.figures["split"].figure.data[0].x) == ["Q1", "Q2", "Q3", "Q4"]
    app.level.value = "week"
    weeks = app.figures["split"].figure.data[0]
    assert len(weeks.x) >= 52 and sum(weeks.y) == 100_000_000
    app.annual.value = 80_000_000
    assert sum(app.figures["split"].figure.data[0].y) == 80_000_000
    assert app.matrix["target"].sum() == 80_000_000          # the matrix follows the annual target


def test_a_total_that_is_not_a_whole_number_of_units_is_named(app):
    app.annual.value = 100_000_001                          # rounding unit is 10,000
    assert "total" in app.error_text() and "10000" in app.error_text()
    assert 'role="alert"' in app.message.value and "Traceback" not in app.message.value
    assert app.split is None and app.last_exception is None
    assert t("target_setting.fix_inputs", "en") in text_of(app.split_view)
    app.unit.value = 1
    assert app.error_text() == "" and app.split["target"].sum() == 100_000_001


# -- 2. the matrix ----------------------------------------------------------------------------------------
def test_matrix_is_s1s_example_and_sums_exactly(app):
    lib = targets.split_matrix(100_000_000, S1_DIMS, unit=10_000)
    assert list(app.matrix["target"]) == list(lib["target"])
    assert len(app.matrix) == 36 and app.matrix["target"].sum() == 100_000_000
    assert list(app.matrix.columns[:3]) == ["Product line", "Region", "Customer type"]
    assert checks(app.matrix_view) == {"matrix": True}
    cells = re.findall(r'data-row="Core products">(.*?)</tr>', app.matrix_view.value)[0]
    assert "10,500,000" not in cells and "35,000,000" not in cells   # product × region sums customer types
    assert re.search(r'data-col="East">21,000,000<', cells)         # 100 M × 60 % × 35 %
    assert re.search(r'data-total="all">100,000,000<', app.matrix_view.value)


def test_editing_a_share_updates_the_cells_live(app):
    app.shares["product"]["core"].value = 50
    app.shares["product"]["new"].value = 40
    assert app.error_text() == ""
    by_product = app.matrix.groupby("Product line")["target"].sum()
    assert by_product["Core products"] == 50_000_000 and by_product["New products"] == 40_000_000
    assert app.matrix["target"].sum() == 100_000_000
    assert app.figures["matrix"].figure.data[0].y[0] == 50_000_000 * 0.35


def test_shares_that_do_not_add_up_are_named_not_fixed(app):
    app.shares["region"]["east"].value = 45                 # regions now 110 %
    msg = app.error_text()
    assert "dims.Region" in msg and "'Region'" in msg and "1.1" in msg
    assert app.matrix is None and app.last_exception is None
    assert 'data-ok="false"' in app.share_sums["region"].value and "110%" in text_of(app.share_sums["region"])
    assert 'data-ok="true"' in app.share_sums["product"].value
    assert app.shares["region"]["east"].value == 45          # never silently changed
    app.set_language("zh-Hant")
    assert "dims.區域" in app.error_text() and "「區域」" in app.error_text()
    app.shares["region"]["east"].value = 35
    assert app.error_text() == "" and app.matrix["target"].sum() == 100_000_000


def test_customer_type_can_be_left_out(app):
    app.use_customer.value = False
    assert len(app.matrix) == 12 and "Customer type" not in app.matrix.columns
    assert all(w.disabled for w in app.shares["customer"].values())
    app.shares["customer"]["key"].value = 10                 # an unused dimension cannot upset the matrix
    assert app.error_text() == ""
    app.use_customer.value = True
    assert "dims.Customer type" in app.error_text()


# -- 3. allocation -------------------------------------------------------------------------------------------
def test_allocation_equals_the_library_and_every_method_sums_exactly(app):
    reps, bottom_up = app.rep_records()
    lib = targets.allocation_table(5_000_000, reps, methods=targets.ALLOCATION_METHODS, bottom_up=bottom_up)
    pd.testing.assert_frame_equal(app.allocation, lib)
    for m in targets.ALLOCATION_METHODS:
        assert app.allocation[m].sum() == 5_000_000
        assert re.search(rf'data-total="{m}">5,000,000 <span class="sdw-ok">', app.alloc_view.value)
    sc = simlib.load_scenario(ts.DEFAULT_SCENARIO)
    assert [r["name"] for r in reps] == [r.name for r in sc.team.reps]
    assert reps[0]["history"] == sc.team.reps[0].history and bottom_up["王芳"] == ts.COMMITMENTS["王芳"]
    fig = app.figures["allocation"].figure
    assert [tr.name for tr in fig.data][:5] == [t(f"target_setting.method.{m}", "en") for m in targets.ALLOCATION_METHODS]


def test_editing_the_team_reallocates(app):
    before = app.allocation["capability"].tolist()
    app.rep_inputs["黃強"]["skill"].value = 2.0
    assert app.allocation["capability"].tolist() != before
    assert app.allocation["capability"].sum() == 5_000_000
    app.team_target.value = 6_000_001
    assert all(app.allocation[m].sum() == 6_000_001 for m in targets.ALLOCATION_METHODS)


def test_top_down_vs_bottom_up_gap(app):
    bu = sum(ts.COMMITMENTS.values())
    assert app.allocation["gap_blend"].sum() == 5_000_000 - bu
    assert f"¥{bu:,}" in text_of(app.alloc_view) and f"¥{5_000_000 - bu:,}" in text_of(app.alloc_view)
    app.gap_method.value = "equal"
    gaps = dict(re.findall(r'data-rep="([^"]+)">.*?data-col="gap">([^<]*)<', app.alloc_view.value))
    assert gaps["黃強"] == "+425,000"                       # 5 M / 8 − 200,000
    app.team_target.value = 4_000_000
    assert "more than the team target" in text_of(app.alloc_view)


def test_all_zero_weights_are_reported(app):
    for inputs in app.rep_inputs.values():
        inputs["potential"].value = 0
    assert "weights" in app.error_text() and app.last_exception is None
    assert app.allocation is None


# -- 4. SMART -----------------------------------------------------------------------------------------------
def test_achievability_equals_the_librarys(app):
    sc = simlib.load_scenario(ts.DEFAULT_SCENARIO)
    lib = smart.achievability(sc, 1_320_000, metric="revenue", n=N, seed=0)
    assert app.achievability == lib
    assert app.progress.value == N and app.progress.layout.visibility == "hidden"
    report = smart.smart_check(app.smart_text.value, "en", scenario=sc, target=1_320_000, n=N, seed=0,
                               priorities=app.priority_list())
    assert app.report.as_dict() == report.as_dict()
    assert f"{lib['probability']:.0%}" in text_of(app.smart_view)
    hist = app.figures["smart"].figure
    assert len(hist.data[0].x) == N and list(hist.data[1].x) == [1_320_000, 1_320_000]


@pytest.mark.parametrize("target, achievable", [(200_000, True), (5_000_000, False)])
def test_verdicts_follow_smart_check(target, achievable):
    app = TargetSetting(lang="zh-Hant", smart_n=N, smart_target=target)
    sc = simlib.load_scenario(ts.DEFAULT_SCENARIO)
    lib = smart.smart_check(app.smart_text.value, "zh-Hant", scenario=sc, target=target, n=N, seed=0,
                            priorities=app.priority_list())
    assert app.report.achievable is lib.achievable is achievable
    assert app.report.hints == lib.hints


def test_other_periods_and_metrics(app):
    app.smart_horizon.value = "year"
    app.smart_metric.value = "won"
    app.smart_target.value = 90
    assert 'data-criterion="achievable" data-ok="none"' in app.smart_view.value   # stale until simulated
    assert t("target_setting.smart.press_simulate", "en") in text_of(app.smart_view)
    app.smart_button.click()
    sc = simlib.load_scenario(ts.DEFAULT_SCENARIO).with_changes({"horizon_weeks": 52})
    assert app.achievability == smart.achievability(sc, 90, metric="won", n=N, seed=0)
    assert 'data-criterion="achievable" data-ok="none"' not in app.smart_view.value


def test_a_vague_target_fails_with_hints_in_the_page_language(app):
    app.smart_text.value = "Increase sales"
    r = app.report
    assert (r.specific, r.measurable, r.time_bound) == (False, False, False)
    assert 'data-criterion="measurable" data-ok="false"' in app.smart_view.value
    assert t("smart.hint.time_bound", "en") in text_of(app.smart_view)
    assert 'data-passed="false"' in app.smart_view.value
    app.set_language("zh-Hans")
    assert app.smart_text.value == "Increase sales"                       # the trainee's own words stay
    assert t("smart.hint.time_bound", "zh-Hans") in text_of(app.smart_view)
    assert "可衡量" in text_of(app.smart_view)


def test_an_empty_target_is_a_message_not_an_exception(app):
    app.smart_text.value = "   "
    assert "text" in app.error_text() and app.last_exception is None
    app.smart_text.value = "本季度簽約5個大型企業客戶"
    assert app.error_text() == "" and app.report.measurable


def test_priorities_decide_relevance(app):
    app.priorities.value = "電商、直播"
    assert app.report.relevant is False
    app.priorities.value = ""
    assert app.report.relevant is None
    assert t("target_setting.smart.no_priorities", "en") in text_of(app.smart_view)


# -- 5. adjustment ------------------------------------------------------------------------------------------
def test_three_short_months_trigger_a_clamped_adjustment(app):
    adj = app.adjustment
    months = app.split.attrs["months"]
    assert [w.value for w in app.adj_target] == [float(months[m]) for m in range(1, 13)]
    assert adj["needs"] is True
    assert adj["needs"] == targets.needs_adjustment(adj["attainment"])
    assert adj["current"] == sum(months[m] for m in range(6, 13))
    assert adj["new"] == targets.clamp_adjustment(adj["current"], adj["proposed"]) == round(adj["current"] * 0.8)
    assert 'data-needs="true"' in app.adjust_view.value and "-20%" in text_of(app.adjust_view)


@pytest.mark.parametrize("preset, needs", [("one_bad", False), ("near_miss", False), ("running_hot", True),
                                           ("on_track", False)])
def test_presets(app, preset, needs):
    app.adj_preset.value = preset
    assert app.adjustment["needs"] is needs
    att = app.adjustment["attainment"]
    assert att == pytest.approx(ADJUST_PRESETS[preset][:5], abs=1e-6)
    if preset == "running_hot":
        assert app.adjustment["new"] == targets.clamp_adjustment(app.adjustment["current"], app.adjustment["proposed"])
        assert app.adjustment["new"] > app.adjustment["current"] and "+20%" in text_of(app.adjust_view)


def test_own_figures_and_months_reported(app):
    app.adj_actual[5].value = 1.0                            # June, not reported yet: nothing changes
    assert app.adj_preset.value == ts.CUSTOM
    app.adj_months.value = 6
    assert app.adjustment["needs"] is True and app.adjustment["attainment"][-1] < 0.01
    app.adj_months.value = 2
    assert app.adjustment["needs"] is False and "needs 3 in a row" in text_of(app.adjust_view)
    app.adj_target[0].value = 0
    assert "Jan" in app.error_text() and app.last_exception is None
    app.annual.value = 50_000_000                            # own figures are not overwritten by section 1
    assert app.adj_target[0].value == 0


# -- language ------------------------------------------------------------------------------------------------
def test_language_switch_relabels_everything(app):
    assert "Target Setting" in app.title.value
    app.switch.widget.value = "zh-Hant"
    assert app.lang == "zh-Hant" and "目標設定" in app.title.value
    assert app.annual.description == "年度目標（元）"
    assert dict(app.preset.options)["中國零售日曆：春節低谷、618 與雙十一高峰"] == "cn_retail"
    assert app.preset.value == "cn_retail" and app.unit.value == 10_000     # values survive new labels
    assert app.shares["region"]["east"].description == "華東"
    assert "產品線" in app.matrix.columns
    assert app.figures["split"].figure.layout.title.text == "各月目標"
    assert list(app.figures["split"].figure.data[0].x)[:2] == ["1月", "2月"]
    assert app.smart_text.value == t("target_setting.smart.example", "zh-Hant")   # the example follows
    assert "維持目標" in text_of(app.adjust_view) or "需要調整" in text_of(app.adjust_view)
    app.switch.widget.value = "zh-Hans"
    assert "目标设定" in app.title.value and app.shares["product"]["core"].description == "核心产品"
    assert "业务员" in text_of(app.alloc_view)
    assert app.error_text() == ""


def test_from_query(monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "lang=en")
    app = TargetSetting.from_query(simulate_now=False)
    assert app.lang == "en" and app.annual.description == "Annual target (¥)"
    assert app.achievability is None and app.report.achievable is None
    monkeypatch.setenv("QUERY_STRING", "")
    assert TargetSetting.from_query(simulate_now=False).lang == "zh-Hant"


def test_an_unexpected_error_shows_a_notice_not_a_traceback(app, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("internal detail")
    monkeypatch.setattr(ts.time_split, "split_time", boom)       # the panel of section 1 splits the year
    app.annual.value = 90_000_000
    assert t("target_setting.error.unexpected", "en", kind="RuntimeError") in app.error_text()
    assert "internal detail" not in app.message.value and "Traceback" not in app.message.value
    assert isinstance(app.last_exception, RuntimeError)


# -- exports -------------------------------------------------------------------------------------------------
def _links(app) -> dict[str, bytes]:
    found = re.findall(r'data-kind="(\w+)" download="[^"]+" href="data:[^;]+(?:;charset=utf-8)?;base64,([^"]+)"',
                       app.downloads.value)
    return {kind: base64.b64decode(b64) for kind, b64 in found}


def test_exports_parse_and_hold_the_pages_numbers(app):
    app.annual.value = 120_000_000
    assert "data:" not in app.downloads.value
    app.export_button.click()
    files = _links(app)
    assert set(files) == {"split", "matrix", "allocation", "xlsx"}
    split = pd.read_csv(io.StringIO(files["split"].decode("utf-8-sig")))
    assert split["target"].sum() == 120_000_000 and len(split) == 365
    assert split.groupby("quarter")["target"].sum().to_dict() == app.split.attrs["quarters"]
    matrix = pd.read_csv(io.StringIO(files["matrix"].decode("utf-8-sig")))
    assert matrix["target"].sum() == 120_000_000 and "Product line" in matrix.columns
    alloc = pd.read_csv(io.StringIO(files["allocation"].decode("utf-8-sig")))
    assert alloc["blend"].tolist() == app.allocation["blend"].tolist()
    book = pd.read_excel(io.BytesIO(files["xlsx"]), sheet_name=None)
    assert list(book) == ["Quarters", "Months", "Weeks", "Days", "Matrix", "Allocation"]
    assert book["Quarters"]["target"].sum() == book["Weeks"]["target"].sum() == 120_000_000
    assert book["Matrix"]["target"].sum() == 120_000_000
    app.shares["product"]["core"].value = 61
    assert "data:" not in app.downloads.value                # stale links are withdrawn
    app.export_button.click()
    assert "dims.Product line" in app.error_text() and "data:" not in app.downloads.value


# -- hub and layering ---------------------------------------------------------------------------------------
def test_hub_lists_target_setting(monkeypatch):
    monkeypatch.delenv("SCRIPT_NAME", raising=False)
    hub = Hub(lang="zh-Hant")
    assert 'href="target_setting.ipynb?lang=zh-Hant"' in hub.page.value and "目標設定" in hub.page.value


def test_viz_targets_needs_no_widgets():
    import subprocess
    import sys
    code = ("import sys, simlib.viz.targets; bad = [m for m in ('ipywidgets', 'anywidget', 'voila') "
            "if m in sys.modules]; print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_dimensions_are_s1s_shares():
    assert {d: {m: v / 100 for m, v in ms.items()} for d, ms in DIMENSIONS.items()} == S1_DIMS
