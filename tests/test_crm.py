"""CRM deal tables (COURSE.md §2, §8): the CSV format and its validation (row and column named, in three
languages, never a traceback), the export of a simulation, and calibrating a scenario from deals."""
from __future__ import annotations

import io
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simlib
from simlib.data import crm
from simlib.data.crm import (
    LOSS_REASONS,
    MAX_ISSUES,
    calibrate,
    deals_from_result,
    loss_reason_label,
    outcome_label,
    read_deals,
    stage_names,
    stage_stats,
    to_csv,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "scenarios" / "crm" / "sample_deals.csv"
BAD = ROOT / "tests" / "data" / "bad_deals.csv"
LANGS = ("zh-Hant", "zh-Hans", "en")
HEADER = "deal_id,rep,created,opportunity_date,proposal_date,closed,outcome,amount,loss_reason"


def table(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def problems(source, **kw) -> simlib.ScenarioError:
    with pytest.raises(simlib.ScenarioError) as info:
        read_deals(source, **kw)
    return info.value


def assert_named(err: simlib.ScenarioError, path: str, row: int | None = None) -> None:
    """The issue at ``path`` is there, and every language's message names its row and column."""
    assert path in err.paths, err.paths
    issue = err.issues[err.paths.index(path)]
    msgs = {lang: issue.message(lang) for lang in LANGS}
    column = path.split(":")[0]
    for lang, text in msgs.items():
        if column:
            assert column in text, (lang, text)
        if row is not None:
            assert f"{row}" in text, (lang, text)
    assert msgs["zh-Hant"] != msgs["en"] and msgs["zh-Hans"] != msgs["zh-Hant"]


@pytest.fixture(scope="module")
def sim():
    sc = simlib.load_scenario("scenarios/funnel_basics.yaml").with_changes({"horizon_weeks": 26})
    return simlib.simulate(sc, seed=11)


@pytest.fixture(scope="module")
def sample():
    return read_deals(SAMPLE)


# ---------------------------------------------------------------------------------------------
# The format and a good file
# ---------------------------------------------------------------------------------------------
def test_sample_file_reads_into_the_tidy_format(sample):
    assert stage_names(sample) == ["lead", "opportunity", "proposal", "negotiation"]
    assert list(sample.columns[:6]) == ["deal_id", "rep", "region", "product", "created", "lead_date"]
    assert {"closed", "outcome", "amount", "loss_reason", "stage", "stage_index", "cycle_days"} <= set(sample.columns)
    assert len(sample) > 1000 and sample["deal_id"].is_unique
    assert set(sample["outcome"]) == {"won", "lost", "open"}
    assert (sample["lead_date"] == sample["created"]).all()
    assert pd.api.types.is_datetime64_any_dtype(sample["created"]) and sample["amount"].dtype == float
    won = sample[sample["outcome"] == "won"]
    assert (won["stage"] == "negotiation").all() and won["closed"].notna().all()
    assert sample.loc[sample["outcome"] == "open", "closed"].isna().all()
    assert sample.loc[sample["outcome"] == "open", "cycle_days"].isna().all()
    assert set(sample.loc[sample["outcome"] == "lost", "loss_reason"]) <= set(LOSS_REASONS)


def test_sample_file_is_what_the_documented_recipe_makes():
    """scenarios/crm/sample_deals.csv = funnel_basics, 26 weeks, seed 7, from 2024-12-16 (ends mid-June,
    mid-quarter), regions by rep, S1's product shares."""
    sc = simlib.load_scenario("scenarios/funnel_basics.yaml").with_changes({"horizon_weeks": 26})
    d = deals_from_result(simlib.simulate(sc, seed=7), start="2024-12-16",
                          regions=("East", "South", "North", "West"),
                          products={"core": 0.6, "new": 0.3, "accessories": 0.1})
    assert to_csv(d) == SAMPLE.read_text(encoding="utf-8")


def test_round_trip_through_csv_keeps_every_cell(sim):
    d = deals_from_result(sim, regions=["East", "West"], products=["a", "b"])
    back = read_deals(to_csv(d))
    pd.testing.assert_frame_equal(back, d, check_dtype=False)
    assert back.attrs["stages"] == d.attrs["stages"]


def test_every_kind_of_source(tmp_path, sample):
    text = SAMPLE.read_text(encoding="utf-8")
    path = tmp_path / "deals.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))            # UTF-8 with a BOM
    for src in (str(path), path, text, text.encode("utf-8"), io.BytesIO(text.encode("utf-8")), io.StringIO(text)):
        got = read_deals(src)
        pd.testing.assert_frame_equal(got, sample)
    records = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False).to_dict("records")
    pd.testing.assert_frame_equal(read_deals(records), sample)


def test_a_dataframe_with_real_dates_and_numbers():
    df = pd.DataFrame({"deal_id": [1, 2], "rep": ["甲", "乙"],
                       "created": pd.to_datetime(["2025-03-03", "2025-03-04"]),
                       "closed": [pd.Timestamp("2025-03-20"), pd.NaT], "outcome": ["won", "open"],
                       "amount": [12000, np.nan]})
    d = read_deals(df)
    assert d["deal_id"].tolist() == ["1", "2"] and d["cycle_days"].iloc[0] == 17.0
    assert math.isnan(d["amount"].iloc[1])


def test_chinese_headers_outcomes_amounts_and_dates():
    text = ("商機編號,業務員,區域,建立日期,方案日期,結案日期,結果,金額,丟單原因\n"
            "A1,王小明,華東,2025/1/6,2025年1月9日,2025.01.20,贏單,\"¥52,000\",\n"
            "A2,李華,華南,2025-1-7,,2025-01-08 15:30,丢单,3000元,價格太高\n"
            "A3,王小明,華東,2025-01-08,,,進行中,,\n")
    d = read_deals(text)
    assert stage_names(d) == ["lead", "方案"]
    assert d["outcome"].tolist() == ["won", "lost", "open"]
    assert d["amount"].tolist()[:2] == [52000.0, 3000.0]
    assert d["方案_date"].iloc[0] == pd.Timestamp("2025-01-09")
    assert d["closed"].iloc[1] == pd.Timestamp("2025-01-08 15:30")
    assert d["loss_reason"].iloc[1] == "價格太高" and d["region"].iloc[0] == "華東"
    # zh-Hans headers too
    hans = "商机编号,业务员,创建日期,结案日期,结果,金额\nB1,张三,2025-02-03,2025-02-10,赢单,100\n"
    assert read_deals(hans)["rep"].tolist() == ["张三"]


@pytest.mark.parametrize("encoding", ["gb18030", "big5"])
def test_a_chinese_excel_export_is_recognised(encoding):
    text = "商機編號,業務員,建立日期,結案日期,結果,金額\nA1,王小明,2025-01-06,2025-01-20,贏單,50000\n"
    if encoding == "gb18030":
        text = "商机编号,业务员,创建日期,结案日期,结果,金额\nA1,王小明,2025-01-06,2025-01-20,赢单,50000\n"
    d = read_deals(text.encode(encoding))
    assert d["rep"].tolist() == ["王小明"] and d["amount"].tolist() == [50000.0]


def test_an_xlsx_workbook_is_read_with_spreadsheet_row_numbers(tmp_path):
    pytest.importorskip("openpyxl")
    df = pd.DataFrame({"deal_id": ["A", "B", "C"], "rep": ["R1", "R1", "R2"],
                       "created": ["2025-01-06", "2025-01-07", "2025-01-08"], "closed": ["", "", ""],
                       "outcome": ["open", "open", "open"], "amount": [1, -2, 3]})
    path = tmp_path / "deals.xlsx"
    df.to_excel(path, index=False)
    err = problems(path.read_bytes())
    assert err.paths == ["amount:3"]


def test_stage_names_from_a_scenario_and_extra_columns_kept():
    sc = simlib.load_scenario("scenarios/funnel_basics.yaml")
    text = ("deal_id,rep,created,opportunity_date,proposal_date,negotiation_date,closed,outcome,amount,customer\n"
            "1,R01,2025-01-06,2025-01-07,,,,open,100,甲公司\n")
    d = read_deals(text, stages=sc)
    assert stage_names(d) == sc.stage_names and d["stage"].tolist() == ["opportunity"]
    assert d["customer"].tolist() == ["甲公司"]
    err = problems("deal_id,rep,created,opportunity_date,closed,outcome,amount\n1,R01,2025-01-06,,,open,1\n",
                   stages=sc)
    assert err.paths == ["proposal_date", "negotiation_date"]
    assert_named(err, "negotiation_date")


def test_a_skipped_stage_counts_as_passed_and_won_deals_pass_every_stage():
    d = read_deals(table("1,R,2025-01-06,,2025-01-10,,open,5,", "2,R,2025-01-06,,,2025-01-09,won,5,"))
    assert d["stage_index"].tolist() == [2, 2]
    s = stage_stats(d)
    assert s["entered"].tolist() == [2, 2, 2] and s["passed"].tolist() == [2, 2, 1]


def test_blank_lines_keep_the_spreadsheet_row_numbers():
    text = table("1,R,2025-01-06,,,,open,5,", "", ",,,,,,,,", "2,R,2025-01-06,,,,open,-5,")
    assert problems(text).paths == ["amount:5"]
    assert len(read_deals(table("1,R,2025-01-06,,,,open,5,", "", "2,R,2025-01-07,,,,open,5,"))) == 2


# ---------------------------------------------------------------------------------------------
# Validation: every problem names the row (header = 1) and the column, in three languages
# ---------------------------------------------------------------------------------------------
def test_the_broken_sample_reports_every_problem():
    err = problems(BAD)
    assert err.paths == ["created:4", "proposal_date:5", "closed:6", "deal_id:7", "amount:7", "outcome:8", "rep:9",
                         "amount:9", "closed:10", "closed:11", "amount:12"]
    assert [i.code for i in err.issues] == [
        "crm_date", "crm_stage_order", "crm_closed_before_created", "crm_duplicate_id", "crm_amount_number",
        "crm_outcome", "crm_required", "crm_amount_negative", "crm_closed_missing_won", "crm_closed_open",
        "crm_amount_won"]
    for path in err.paths:
        assert_named(err, path, row=int(path.split(":")[1]))
    assert err.source == str(BAD) and "bad_deals.csv" in err.message("zh-Hant")
    assert "第 4 行" in err.message("zh-Hant") and "第 4 行" in err.message("zh-Hans")   # rows are 行 (GLOSSARY.md) and "Row 4" in str(err)


@pytest.mark.parametrize(("row", "path", "code"), [
    ("1,R,2025-02-30,,,,open,5,", "created:2", "crm_date"),
    ("1,R,06/01/2025,,,,open,5,", "created:2", "crm_date"),                 # day first: refused, not guessed
    ("1,R,2025-01-06,soon,,,open,5,", "opportunity_date:2", "crm_date"),
    ("1,R,2025-01-06,,,2025-13-01,lost,5,", "closed:2", "crm_date"),
    ("1,R,2025-01-06,,,,open,-1,", "amount:2", "crm_amount_negative"),
    ("1,R,2025-01-06,,,,open,lots,", "amount:2", "crm_amount_number"),
    ("1,R,2025-01-06,,,2025-01-07,won,,", "amount:2", "crm_amount_won"),
    ("1,R,2025-01-06,,,,maybe,5,", "outcome:2", "crm_outcome"),
    ("1,R,2025-01-06,,,,,5,", "outcome:2", "crm_required"),
    ("1,,2025-01-06,,,,open,5,", "rep:2", "crm_required"),
    (",R,2025-01-06,,,,open,5,", "deal_id:2", "crm_required"),
    ("1,R,,,,,open,5,", "created:2", "crm_required"),
    ("1,R,2025-01-06,2025-01-05,,,open,5,", "opportunity_date:2", "crm_stage_order"),
    ("1,R,2025-01-06,2025-01-09,2025-01-08,,open,5,", "proposal_date:2", "crm_stage_order"),
    ("1,R,2025-01-06,,2025-01-09,2025-01-08,lost,5,", "closed:2", "crm_stage_order"),
    ("1,R,2025-01-06,,,2025-01-01,lost,5,", "closed:2", "crm_closed_before_created"),
    ("1,R,2025-01-06,,,2025-01-07,open,5,", "closed:2", "crm_closed_open"),
    ("1,R,2025-01-06,,,,lost,5,", "closed:2", "crm_closed_missing_lost"),
])
def test_each_problem_names_row_and_column(row, path, code):
    err = problems(table(row))
    assert err.paths == [path] and err.issues[0].code == code
    assert err.issues[0].params["row"] == 2
    assert_named(err, path, row=2)


def test_duplicate_ids_name_the_first_row():
    err = problems(table("A,R,2025-01-06,,,,open,5,", "B,R,2025-01-06,,,,open,5,", "A,R,2025-01-07,,,,open,5,"))
    assert err.paths == ["deal_id:4"] and err.issues[0].params["first"] == 2
    assert "2" in err.message("zh-Hant").split("第 4 行")[1]


def test_missing_and_doubled_columns():
    err = problems("deal_id,rep,created\n1,R,2025-01-06\n")
    assert err.paths == ["closed", "outcome", "amount"]
    assert_named(err, "amount")
    err = problems("deal_id,rep,業務員,created,closed,outcome,amount\n1,R,R,2025-01-06,,open,1\n")
    assert err.issues[0].code == "crm_duplicate_column" and "業務員" in err.message("en")


def test_at_most_twenty_problems_then_a_count():
    rows = [f"{i},R,2025-01-06,,,,open,-{i + 1}," for i in range(50)]
    err = problems(table(*rows))
    assert len(err.issues) == MAX_ISSUES + 1
    assert err.paths[:MAX_ISSUES] == [f"amount:{i + 2}" for i in range(MAX_ISSUES)]
    assert err.issues[-1].code == "crm_more" and err.issues[-1].params["count"] == 30
    assert "30" in err.issues[-1].message("zh-Hans")


@pytest.mark.parametrize(("source", "code"), [
    ("missing_file.csv", "crm_file_not_found"),
    (b"\xff\xfe\x00\x81\x82 not text", "crm_encoding"),
    ("", "crm_empty"),
    ("deal_id,rep,created,closed,outcome,amount\n", "crm_empty"),
    ("deal_id,rep,created,closed,outcome,amount\n\n\n", "crm_empty"),
    ("deal_id,rep,created,closed,outcome,amount\n1,R,2025-01-06,,open,5,extra\n", "crm_fields"),
    (b"PK\x03\x04 not really a workbook", "crm_excel_bad"),
    (42, "crm_table"),
    (None, "crm_table"),
])
def test_unreadable_input_is_a_message_not_a_traceback(source, code):
    err = problems(source)
    assert [i.code for i in err.issues] == [code]
    for lang in LANGS:
        assert err.message(lang) and "error." not in err.message(lang)


def test_too_many_stages():
    header = "deal_id,rep,created," + ",".join(f"s{i}_date" for i in range(12)) + ",closed,outcome,amount"
    err = problems(header + "\n1,R,2025-01-06" + "," * 12 + ",,open,1\n")
    assert err.issues[0].code == "crm_too_many_stages"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.text(alphabet="0123456789-/.,年月日 wonlstpe\"", max_size=12), min_size=9, max_size=9),
                min_size=1, max_size=6))
def test_any_cells_give_a_table_or_a_scenario_error(rows):
    """Fuzz: whatever is in the cells, the import returns a table or a ScenarioError — never a traceback."""
    df = pd.DataFrame(rows, columns=HEADER.split(","))
    try:
        out = read_deals(df)
    except simlib.ScenarioError as err:
        assert err.issues and all(i.message("zh-Hant") for i in err.issues)
    else:
        assert len(out) <= len(rows)


# ---------------------------------------------------------------------------------------------
# From a simulation
# ---------------------------------------------------------------------------------------------
def test_export_matches_the_simulation(sim):
    d = deals_from_result(sim, start="2025-03-03")
    s = sim.summary()
    assert len(d) == s["leads"]
    assert (d["outcome"].value_counts().reindex(["won", "lost", "open"]).tolist()
            == [s["won"], s["lost"], s["open"]])
    assert d.loc[d["outcome"] == "won", "amount"].sum() == pytest.approx(s["revenue"], abs=s["won"])
    ours = stage_stats(d)[["stage", "entered", "passed", "lost", "open"]]
    theirs = sim.stage_counts()[["stage", "entered", "passed", "lost", "open"]]
    pd.testing.assert_frame_equal(ours, theirs, check_dtype=False)
    assert d["created"].min() >= pd.Timestamp("2025-03-03")
    assert d["created"].max() < pd.Timestamp("2025-03-03") + pd.Timedelta(weeks=26)
    for a, b in zip(["created", "opportunity_date", "proposal_date"], ["opportunity_date", "proposal_date",
                                                                       "negotiation_date"], strict=True):
        both = d[a].notna() & d[b].notna()
        assert (d.loc[both, a] <= d.loc[both, b]).all()
    assert (d["closed"].dropna() >= d.loc[d["closed"].notna(), "negotiation_date"].fillna(pd.Timestamp(0))).all()


def test_stage_dates_are_the_visits_finish_times(sim):
    d = deals_from_result(sim, start="2025-01-06")
    v = sim.visits
    first = v[(v.stage == "lead") & v.finished_at.notna()].set_index("deal_id")["finished_at"]
    passed = d[d["stage_index"] >= 1]
    ids = passed["deal_id"].str[1:].astype(int)
    want = (pd.Timestamp("2025-01-06") + pd.to_timedelta(first.loc[ids].to_numpy() * 7, unit="D")).floor("D")
    assert (passed["opportunity_date"].to_numpy() == want.to_numpy()).all()


def test_loss_reasons_are_reproducible_and_only_on_lost_deals(sim):
    a, b = deals_from_result(sim), deals_from_result(sim)
    assert a["loss_reason"].tolist() == b["loss_reason"].tolist()
    lost = a["outcome"] == "lost"
    assert (a.loc[~lost, "loss_reason"] == "").all() and set(a.loc[lost, "loss_reason"]) == set(LOSS_REASONS)
    other = deals_from_result(simlib.simulate(sim.scenario, seed=12))
    assert other["loss_reason"].head(200).tolist() != a["loss_reason"].head(200).tolist()
    # late-stage losses are about price and competitors more often than early ones
    early = a[lost & (a["stage_index"] == 0)]["loss_reason"].isin(["price", "competitor"]).mean()
    late = a[lost & (a["stage_index"] == 3)]["loss_reason"].isin(["price", "competitor"]).mean()
    assert late > early + 0.2
    assert (deals_from_result(sim, loss_reasons=False)["loss_reason"] == "").all()


def test_regions_and_products(sim):
    d = deals_from_result(sim, regions=["East", "South"], products={"core": 0.6, "new": 0.4})
    by_rep = d.groupby("rep")["region"].nunique()
    assert (by_rep == 1).all() and d.loc[d["rep"] == "R01", "region"].iloc[0] == "East"
    assert d.loc[d["rep"] == "R02", "region"].iloc[0] == "South"
    assert abs((d["product"] == "core").mean() - 0.6) < 0.05


def test_labels():
    assert outcome_label("lost", "zh-Hans") == "输单" and outcome_label("weird", "en") == "weird"
    assert [loss_reason_label(r, "zh-Hant") for r in LOSS_REASONS] == ["價格", "時機", "競爭對手", "沒有預算", "未做決定"]
    assert loss_reason_label("", "en") == "Not recorded"


# ---------------------------------------------------------------------------------------------
# Calibration
# ---------------------------------------------------------------------------------------------
TRUTH = {"name": "truth", "horizon_weeks": 52, "leads": {"per_week": 40},
         "funnel": {"stages": [
             {"name": "lead", "conversion": 0.5, "work_hours": 0.5, "wait_weeks": 0.5},
             {"name": "opportunity", "conversion": 0.6, "work_hours": 2, "wait_weeks": 1.0},
             {"name": "proposal", "conversion": 0.5, "work_hours": 4, "wait_weeks": 2.0},
             {"name": "negotiation", "conversion": 0.4, "work_hours": 3, "wait_weeks": 1.0}],
             "deal_value": {"mean": 50_000, "cv": 0.4}},
         "team": {"reps": 10, "hours_per_week": 40}}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_calibration_recovers_the_scenario_that_made_the_deals(seed):
    """Simulate a known scenario (hours ample: ~32 % of them used, so queues are short), export it, calibrate,
    and every estimate lies within 4 standard errors of the truth:

    * leads per week: Poisson, SE = √(λ / weeks);
    * a stage's conversion: binomial, SE = √(p (1 − p) / decided);
    * deal value mean: SE = cv · mean / √won; cv: within 0.12 (its SE is ≈ 0.03 with ~120 wins);
    * wait_weeks: the sample median of an exponential has SE ≈ mean / √n, so the estimate (÷ ln 2) has
      SE ≈ 1.443 · wait / √n; plus 0.05 weeks for the day-rounding of dates and the short queues.
    """
    truth = simlib.load_scenario(TRUTH)
    deals = deals_from_result(simlib.simulate(truth, seed=seed))
    est = simlib.load_scenario(calibrate(deals, horizon_weeks=52, scenario=truth))
    stats = stage_stats(deals)
    lam = truth.leads.per_week
    assert abs(est.leads.per_week - lam) < 4 * math.sqrt(lam / 52)
    for k, (s, e) in enumerate(zip(truth.funnel.stages, est.funnel.stages, strict=True)):
        n = stats["decided"].iloc[k]
        assert abs(e.conversion - s.conversion) < 4 * math.sqrt(s.conversion * (1 - s.conversion) / n), s.name
        se_wait = 1.443 * s.wait_weeks / math.sqrt(stats["dwell_n"].iloc[k])
        assert abs(e.wait_weeks - s.wait_weeks) < 4 * se_wait + 0.05, (s.name, e.wait_weeks)
        assert e.work_hours == s.work_hours and e.name == s.name
    won = (deals["outcome"] == "won").sum()
    dv = truth.funnel.deal_value
    assert abs(est.funnel.deal_value.mean - dv.mean) < 4 * dv.cv * dv.mean / math.sqrt(won)
    assert abs(est.funnel.deal_value.cv - dv.cv) < 0.12
    assert [r.name for r in est.team.reps] == [r.name for r in truth.team.reps]
    assert est.team.hours_per_week == 40 and est.horizon_weeks == 52


def test_calibrated_scenario_simulates_like_the_original():
    truth = simlib.load_scenario(TRUTH)
    deals = deals_from_result(simlib.simulate(truth, seed=5))
    est = simlib.load_scenario(calibrate(deals, horizon_weeks=52, scenario=truth))
    a, b = simlib.expected(truth), simlib.expected(est)
    assert b["won"] == pytest.approx(a["won"], rel=0.25)


def test_calibration_without_a_scenario_states_its_assumptions(sample):
    cal = calibrate(sample)
    sc = simlib.load_scenario(cal)
    assert sc.team.hours_per_week == crm.DEFAULT_HOURS_PER_WEEK
    assert all(s.work_hours == crm.DEFAULT_WORK_HOURS for s in sc.funnel.stages)
    assert len(sc.team.reps) == 15 and sc.horizon_weeks == 13
    assert sc.leads.per_week == pytest.approx(len(sample) / 26, rel=0.01)
    for lang in LANGS:
        assert "28" in sc.description[lang]
    sc2 = simlib.load_scenario(calibrate(sample, reps=4, hours_per_week=35, work_hours={"proposal": 6},
                                         horizon_weeks=26))
    assert len(sc2.team.reps) == 4 and sc2.team.hours_per_week == 35 and sc2.horizon_weeks == 26
    assert [s.work_hours for s in sc2.funnel.stages] == [2.0, 2.0, 6.0, 2.0]
    assert simlib.load_scenario(calibrate(sample, reps=["甲", "乙"])).team.reps[1].name == "乙"


def test_calibration_keeps_the_scenarios_stage_labels(sample):
    sc = simlib.load_scenario(calibrate(sample, scenario="scenarios/funnel_basics.yaml"))
    assert sc.funnel.stages[1].display("zh-Hant") == "商機識別"


def test_calibration_rejects_bad_settings(sample):
    with pytest.raises(simlib.ScenarioError) as info:
        calibrate(sample, hours_per_week=0)
    assert info.value.paths == ["hours_per_week"]
    with pytest.raises(simlib.ScenarioError) as info:
        calibrate(sample, horizon_weeks=0)
    assert info.value.paths == ["horizon_weeks"]


def test_calibrate_reads_a_csv_or_a_simresult(sim):
    a = calibrate(sim)
    b = calibrate(to_csv(deals_from_result(sim)))
    assert a["funnel"] == b["funnel"] and a["leads"] == b["leads"]


# ---------------------------------------------------------------------------------------------
# Speed
# ---------------------------------------------------------------------------------------------
def test_ten_thousand_deals_read_and_calibrate_quickly():
    sc = simlib.load_scenario("scenarios/funnel_basics.yaml").with_changes({"horizon_weeks": 170})
    d = deals_from_result(simlib.simulate(sc, seed=1), regions=["E", "W"], products=["a", "b"])
    assert len(d) > 10_000
    text = to_csv(d)
    read_deals(text)                                   # warm the caches (catalogs)
    t0 = time.perf_counter()
    back = read_deals(text)
    cal = calibrate(back)
    elapsed = time.perf_counter() - t0
    assert elapsed < 1.5, elapsed                      # ~0.2 s on a quiet core
    assert len(back) == len(d) and simlib.load_scenario(cal)
