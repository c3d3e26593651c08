"""Customers (COURSE.md §6): A/B/C tiering and synthetic accounts, "341" screening, CLV, NPS/CSAT,
complaint SLAs and root causes, the lifecycle — units, properties, localised validation messages."""
from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import simlib
from simlib.base.i18n import t
from simlib.formulas.customers import (
    COMPLAINT_SLA_HOURS,
    COMPLAINT_STEPS,
    Lifecycle,
    Severity,
    abc_tiers,
    check_complaints,
    clv,
    clv_simple,
    complaint_summary,
    csat,
    expected_lifetime,
    explain_prospect,
    localise,
    nps,
    root_causes,
    screen_prospects,
    synthetic_accounts,
)

LANGS = ("zh-Hant", "zh-Hans", "en")


def assert_names(err: simlib.ScenarioError, path: str) -> None:
    assert path in err.paths
    msgs = {lang: err.message(lang) for lang in LANGS}
    for lang, text in msgs.items():
        assert path in text, (lang, text)
    assert msgs["zh-Hant"] != msgs["en"]


# ---------------------------------------------------------------------------------------------
# A/B/C tiering
# ---------------------------------------------------------------------------------------------
PROFITS = pd.DataFrame({"account": list("abcdefghij"), "profit": [500, 200, 90, 60, 40, 30, 30, 20, 20, 10]})


def test_tiers_by_share_of_accounts():
    r = abc_tiers(PROFITS)
    assert r.accounts["tier"].tolist() == ["A"] * 2 + ["B"] * 3 + ["C"] * 5
    assert r.summary["accounts"].tolist() == [2, 3, 5]
    assert r.summary["value_share"].round(3).tolist() == [0.7, 0.19, 0.11]
    assert r.accounts["rank"].tolist() == list(range(1, 11))
    assert r.accounts["cum_value_share"].iloc[-1] == pytest.approx(1.0)


def test_tiers_by_cumulative_value():
    r = abc_tiers(PROFITS, method="value")
    assert r.accounts["tier"].tolist() == ["A"] * 4 + ["B"] * 3 + ["C"] * 3
    r = abc_tiers(PROFITS, method="value", shares=(0.5, 0.3, 0.2))
    assert r.accounts["tier"].tolist()[:2] == ["A", "B"]


def test_table_order_does_not_matter_and_ties_keep_the_table_order():
    shuffled = PROFITS.sample(frac=1, random_state=3)
    r = abc_tiers(shuffled)
    assert dict(zip(r.accounts["account"], r.accounts["tier"], strict=True)) == \
        dict(zip(PROFITS["account"], abc_tiers(PROFITS).accounts["tier"], strict=True))
    tied = pd.DataFrame({"account": list("wxyz"), "profit": [5, 5, 5, 5]})
    assert abc_tiers(tied, shares=(0.25, 0.25, 0.5)).accounts["tier"].tolist() == ["A", "B", "C", "C"]


def test_s2_tiers_by_arpu_and_repurchase():
    df = pd.DataFrame({"account": list("abcd"), "arpu": [100, 900, 500, 300], "repurchase": [0.9, 0.1, 0.6, 0.3],
                       "profit": [10, 50, 40, 20]})
    r = abc_tiers(df, by=("arpu", "repurchase"), shares=(0.25, 0.25, 0.5))
    assert r.accounts.sort_values("rank")["account"].tolist() == ["c", "a", "b", "d"]   # c is good on both
    assert r.value == "profit" and r.by == ("arpu", "repurchase")
    assert abc_tiers(df, by=("arpu", "repurchase"), value="arpu").value == "arpu"


@pytest.mark.parametrize("lang, words", [("en", ["A: 20% of accounts, 70% of profit"]),
                                         ("zh-Hant", ["A 類：20% 的客戶，70% 的利潤"]),
                                         ("zh-Hans", ["A 类：20% 的客户，70% 的利润"])])
def test_tier_text_and_table_in_three_languages(lang, words):
    r = abc_tiers(PROFITS)
    assert all(w in r.text(lang) for w in words)
    table = r.table(lang)
    assert table.shape == (3, 6)
    assert table.columns[0] == t("customers.col.tier", lang)


@pytest.mark.parametrize("kwargs, path", [
    ({"accounts": PROFITS, "by": "proft"}, "accounts.proft"),
    ({"accounts": PROFITS.assign(profit=[1, 2, "x", 4, 5, 6, 7, 8, 9, 10])}, "accounts[2].profit"),
    ({"accounts": PROFITS.assign(profit=[1, 2, np.nan, 4, 5, 6, 7, 8, 9, 10])}, "accounts[2].profit"),
    ({"accounts": PROFITS, "shares": (0.2, 0.3, 0.6)}, "shares"),
    ({"accounts": PROFITS, "shares": (0.5, 0.5)}, "shares"),
    ({"accounts": PROFITS, "method": "pareto"}, "method"),
    ({"accounts": PROFITS.assign(profit=-1)}, "accounts.profit"),
    ({"accounts": PROFITS.iloc[0:0]}, "accounts"),
    ({"accounts": "accounts.csv"}, "accounts"),
])
def test_bad_tiering_input_names_the_field(kwargs, path):
    with pytest.raises(simlib.ScenarioError) as info:
        abc_tiers(**kwargs)
    assert_names(info.value, path)


def test_negative_profits_are_allowed_when_the_total_is_positive():
    df = pd.DataFrame({"profit": [100, 10, -5, -5]})
    r = abc_tiers(df, shares=(0.25, 0.25, 0.5))
    assert r.summary.loc["C", "value"] == -10 and r.summary["value_share"].sum() == pytest.approx(1)


@st.composite
def account_tables(draw):
    vals = draw(st.lists(st.floats(0.01, 1e6, allow_nan=False), min_size=1, max_size=60))
    return pd.DataFrame({"account": [f"c{i}" for i in range(len(vals))], "profit": vals})


SHARES = st.sampled_from([(0.2, 0.3, 0.5), (0.1, 0.2, 0.7), (1 / 3, 1 / 3, 1 / 3), (0.5, 0.5, 0.0)])


@given(account_tables(), SHARES)
@settings(max_examples=80, deadline=None)
def test_tiering_properties(df, shares):
    r = abc_tiers(df, shares=shares)
    n = len(df)
    counts = r.summary["accounts"]
    assert counts.sum() == n
    for k, s in zip("ABC", shares, strict=True):
        assert abs(counts[k] - s * n) < 1 + 1e-9                      # within one account of its share
    assert r.summary["value_share"].sum() == pytest.approx(1.0)
    tiers = r.accounts.groupby("tier")["profit"]
    present = [k for k in "ABC" if counts[k]]
    for hi, lo in pairwise(present):
        assert tiers.min()[hi] >= tiers.max()[lo]                     # every A ≥ every B ≥ every C
    assert sorted(r.accounts["rank"]) == list(range(1, n + 1))


@given(account_tables())
@settings(max_examples=80, deadline=None)
def test_value_method_properties(df):
    r = abc_tiers(df, method="value")
    a = r.summary.loc["A"]
    assert a["accounts"] >= 1 and a["value_share"] >= 0.8 - 1e-9      # A holds at least the first 80 %
    without_last = a["value_share"] - r.accounts.loc[r.accounts["tier"] == "A", "profit"].min() / df["profit"].sum()
    assert without_last < 0.8 + 1e-9                                  # … and no more accounts than needed


@given(account_tables(), st.randoms())
@settings(max_examples=40, deadline=None)
def test_tier_summary_is_invariant_under_row_order(df, rnd):
    assume(df["profit"].is_unique)
    order = list(range(len(df)))
    rnd.shuffle(order)
    a = abc_tiers(df).summary
    b = abc_tiers(df.iloc[order].reset_index(drop=True)).summary
    pd.testing.assert_frame_equal(a, b, check_exact=False)


# ---------------------------------------------------------------------------------------------
# Synthetic accounts
# ---------------------------------------------------------------------------------------------
def test_synthetic_accounts_are_reproducible_and_seeded():
    a = synthetic_accounts(300, seed=11)
    assert a.equals(synthetic_accounts(300, seed=11))
    assert not a.equals(synthetic_accounts(300, seed=12))
    assert len(a) == 300 and a["account"].is_unique
    assert (a["profit"] > 0).all() and a["margin"].between(0.15, 0.45).all() and a["repurchase"].between(0, 1).all()
    assert set(a["region"]) <= {"East", "South", "North", "other"}


def test_synthetic_accounts_draw_from_the_generator_the_caller_passes():
    from simlib.base.rng import Streams
    a = synthetic_accounts(300, seed=11)
    assert a.equals(synthetic_accounts(300, rng=np.random.default_rng(11)))     # a seed is its generator
    b = synthetic_accounts(300, rng=Streams(11)["customers"])
    assert b.equals(synthetic_accounts(300, rng=Streams(11)["customers"])) and not b.equals(a)
    gen = np.random.default_rng(3)
    first, second = synthetic_accounts(50, rng=gen), synthetic_accounts(50, rng=gen)   # the caller's stream moves on
    assert not first.equals(second)
    with pytest.raises(TypeError):
        synthetic_accounts(10, rng=11)


def test_synthetic_accounts_reproduce_the_80_20_pattern():
    shares = [abc_tiers(synthetic_accounts(1000, seed=s)).summary.loc["A", "value_share"] for s in range(40)]
    assert 0.77 <= np.mean(shares) <= 0.83
    assert min(shares) > 0.70 and max(shares) < 0.90
    small = abc_tiers(synthetic_accounts(200, seed=0)).summary
    assert 0.65 < small.loc["A", "value_share"] < 0.9 and small.loc["C", "value_share"] < 0.15


def test_synthetic_repurchase_rises_with_size_and_pareto_option():
    a = synthetic_accounts(2000, seed=5)
    assert np.corrcoef(a["profit"].rank(), a["repurchase"])[0, 1] > 0.5
    p = synthetic_accounts(500, seed=5, dist="pareto")
    assert (p["profit"] > 0).all() and len(p) == 500


@pytest.mark.parametrize("kwargs, path", [({"n": 0}, "n"), ({"n": 2.5}, "n"), ({"seed": -1}, "seed"),
                                          ({"dist": "normal"}, "dist"), ({"sigma": 0}, "sigma")])
def test_synthetic_accounts_refuse_bad_arguments(kwargs, path):
    with pytest.raises(simlib.ScenarioError) as info:
        synthetic_accounts(**{"n": 10, **kwargs})
    assert info.value.paths == [path]


# ---------------------------------------------------------------------------------------------
# "341" screening
# ---------------------------------------------------------------------------------------------
PROSPECTS = pd.DataFrame({"name": ["甲", "乙", "丙", "丁"], "size": [4, 2, 3, 1], "industry": [3, 2, 3, 1],
                          "pain": [2, 3, 2, 4]})


def test_341_screening_is_vectorised():
    out = screen_prospects(PROSPECTS)
    assert out["total"].tolist() == [9, 7, 8, 6]
    assert out["good"].tolist() == [True, False, True, False]
    assert out["weakest"].tolist() == ["pain", "size", "pain", "size"]
    assert screen_prospects(PROSPECTS, minimum=9)["good"].sum() == 1
    assert list(out.columns[:4]) == list(PROSPECTS.columns)          # the input is kept, not changed
    assert "total" not in PROSPECTS.columns


def test_341_with_records_and_custom_criteria():
    out = screen_prospects([{"budget": 4, "authority": 4, "need": 1, "timing": 2}],
                           ("budget", "authority", "need", "timing"), minimum=10)
    assert out["total"].iloc[0] == 11 and bool(out["good"].iloc[0])


@pytest.mark.parametrize("lang, words", [("en", ["Company size: 4 / 4", "Total 9 ≥ 8", "Pain-point fit"]),
                                         ("zh-Hant", ["企業規模：4 / 4", "總分 9 ≥ 8", "痛點匹配度"]),
                                         ("zh-Hans", ["企业规模：4 / 4", "总分 9 ≥ 8", "痛点匹配度"])])
def test_341_explanation_in_three_languages(lang, words):
    lines = explain_prospect({"size": 4, "industry": 3, "pain": 2}, lang=lang)
    assert len(lines) == 4
    assert all(any(w in line for line in lines) for w in words)
    assert "< 8" in explain_prospect({"size": 1, "industry": 3, "pain": 2}, lang=lang)[-1]


@pytest.mark.parametrize("df, kwargs, path", [
    (PROSPECTS.assign(size=[4, 5, 3, 1]), {}, "prospects[1].size"),
    (PROSPECTS.assign(pain=[2, 3, 2.5, 4]), {}, "prospects[2].pain"),
    (PROSPECTS.assign(industry=[0, 2, 3, 1]), {}, "prospects[0].industry"),
    (PROSPECTS.assign(industry=[None, 2, 3, 1]), {}, "prospects[0].industry"),
    (PROSPECTS.drop(columns="pain"), {}, "prospects.pain"),
    (PROSPECTS, {"minimum": 13}, "minimum"),
    (PROSPECTS, {"minimum": 2}, "minimum"),
    (PROSPECTS, {"criteria": ("size", "size", "pain")}, "criteria"),
])
def test_bad_prospects_name_the_cell(df, kwargs, path):
    with pytest.raises(simlib.ScenarioError) as info:
        screen_prospects(df, **kwargs)
    assert_names(info.value, path)


@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4)), min_size=1, max_size=30),
       st.integers(3, 12))
@settings(max_examples=60, deadline=None)
def test_341_properties(rows, minimum):
    df = pd.DataFrame(rows, columns=["size", "industry", "pain"])
    out = screen_prospects(df, minimum=minimum)
    assert out["total"].between(3, 12).all()
    assert (out["good"] == (out["total"] >= minimum)).all()
    for _, r in out.iterrows():
        assert r[r["weakest"]] == min(r["size"], r["industry"], r["pain"])


# ---------------------------------------------------------------------------------------------
# CLV, NPS, CSAT
# ---------------------------------------------------------------------------------------------
def test_clv_examples():
    assert expected_lifetime(0.8) == 5.0
    assert clv_simple(100_000, 0.3, 5) == 150_000
    assert clv(100_000, 0.3, 0.8) == 150_000                            # no discount: the simple CLV
    assert clv(100_000, 0.3, 0.8, discount_rate=0.1) == pytest.approx(110_000)
    assert clv(100_000, 0.3, 0.8, discount_rate=0.1, years=3) == pytest.approx(30_000 * (1 + 8 / 11 + (8 / 11) ** 2),
                                                                               abs=0.01)
    assert clv(100_000, 0.3, 1.0, years=4) == 120_000                   # retention 1 with a horizon
    assert clv(100_000, 0.3, 0.8, acquisition_cost=50_000) == 100_000


def test_clv_is_vectorised():
    out = clv(np.array([100_000, 50_000]), 0.3, np.array([0.8, 0.5]))
    assert out.tolist() == [150_000, 30_000]


@pytest.mark.parametrize("args, kwargs, path", [
    ((100, 0.3, 1.0), {}, "retention"), ((100, 0.3, 1.2), {"years": 3}, "retention"),
    ((100, 1.5, 0.5), {}, "margin"), ((-1, 0.3, 0.5), {}, "annual_revenue"),
    ((100, 0.3, 0.5), {"discount_rate": -0.1}, "discount_rate"), ((100, 0.3, 0.5), {"years": 0}, "years"),
    (("lots", 0.3, 0.5), {}, "annual_revenue"),
])
def test_bad_clv_input_names_the_argument(args, kwargs, path):
    with pytest.raises(simlib.ScenarioError) as info:
        clv(*args, **kwargs)
    assert_names(info.value, path)


money = st.floats(0, 1e7, allow_nan=False)
rate = st.floats(0, 0.99, allow_nan=False)


@given(money, st.floats(0, 1), rate, st.floats(0, 0.5), st.integers(1, 60))
def test_clv_properties(revenue, margin, retention, d, years):
    simple = clv(revenue, margin, retention)
    disc = clv(revenue, margin, retention, discount_rate=d)
    finite = clv(revenue, margin, retention, discount_rate=d, years=years)
    assert disc <= simple + 0.01 and finite <= disc + 0.01
    assert simple == pytest.approx(clv_simple(revenue, margin, expected_lifetime(retention)), abs=0.02)
    q = retention / (1 + d)
    explicit = sum(revenue * margin * q ** k for k in range(years))
    assert finite == pytest.approx(explicit, rel=1e-9, abs=0.01)
    assert clv(revenue, margin, min(0.99, retention + 0.005), discount_rate=d) >= disc - 0.01


def test_nps_examples():
    r = nps([10, 9, 9, 8, 7, 6, 3, 10, 9, 5])
    assert (r.n, r.promoters, r.passives, r.detractors, r.nps) == (10, 0.5, 0.2, 0.3, 20.0)
    assert nps([10] * 4).nps == 100 and nps([0, 6]).nps == -100 and nps([7, 8]).nps == 0
    assert nps(np.array([9, 9, 6])).nps == pytest.approx(100 / 3)
    assert nps(pd.Series([9, 0])).nps == 0


@pytest.mark.parametrize("lang, word", [("en", "promoters 50%"), ("zh-Hant", "推薦者 50%"), ("zh-Hans", "推荐者 50%")])
def test_nps_text(lang, word):
    assert word in nps([10, 0]).text(lang) and "+0" in nps([10, 0]).text(lang)


@pytest.mark.parametrize("scores, path", [([9, 11], "scores[1]"), ([3.5], "scores[0]"), (["9"], "scores[0]"),
                                          ([], "scores"), ("9", "scores"), ([True], "scores[0]")])
def test_bad_nps_answers_are_named(scores, path):
    with pytest.raises(simlib.ScenarioError) as info:
        nps(scores)
    assert_names(info.value, path)


@given(st.lists(st.integers(0, 10), min_size=1, max_size=200))
def test_nps_properties(scores):
    r = nps(scores)
    assert -100 <= r.nps <= 100
    assert r.promoters + r.passives + r.detractors == pytest.approx(1)
    assert r.nps == pytest.approx(100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores))
    assert nps([*scores, 10]).nps >= r.nps - 1e-9 and nps([*scores, 0]).nps <= r.nps + 1e-9


def test_csat():
    assert csat([5, 4, 4, 3, 2, 5, 4, 1]) == 0.625
    assert csat([10, 8, 2], scale=10, satisfied=8) == pytest.approx(2 / 3)
    for bad, path in (([0], "scores[0]"), ([6], "scores[0]")):
        with pytest.raises(simlib.ScenarioError) as info:
            csat(bad)
        assert_names(info.value, path)
    with pytest.raises(simlib.ScenarioError) as info:
        csat([3], satisfied=6)
    assert info.value.paths == ["satisfied"]


# ---------------------------------------------------------------------------------------------
# Complaints
# ---------------------------------------------------------------------------------------------
COMPLAINTS = pd.DataFrame({
    "received": ["2025-05-06 09:00", "2025-05-06 10:00", "2025-05-06 11:00", "2025-05-06 12:00", "2025-05-05 08:00"],
    "responded": ["2025-05-07 08:00", "2025-05-06 16:30", None, "2025-05-06 12:30", "2025-05-06 09:00"],
    "severity": ["一般", "urgent", "重大", "major", "general"],
    "cause": ["delivery", "quality", "quality", "billing", "delivery"],
    "department": ["logistics", "factory", "factory", "finance", "logistics"],
})


def test_sla_defaults_keep_the_24_hours_of_s2():
    assert COMPLAINT_SLA_HOURS["general"] == 24
    assert COMPLAINT_SLA_HOURS["major"] < COMPLAINT_SLA_HOURS["urgent"] < COMPLAINT_SLA_HOURS["general"]
    assert [s.value for s in Severity] == list(COMPLAINT_SLA_HOURS)
    assert COMPLAINT_STEPS == ("accept", "classify", "handle", "feedback", "archive")


def test_complaints_are_checked_against_their_sla():
    out = check_complaints(COMPLAINTS, now="2025-05-06 13:00")
    assert out["severity"].tolist() == ["general", "urgent", "major", "major", "general"]
    assert out["status"].tolist() == ["on_time", "late", "overdue", "on_time", "late"]
    assert out["breached"].tolist() == [False, True, True, False, True]
    assert out["escalate"].tolist() == [False, False, True, True, False]
    assert out["response_hours"].iloc[4] == 25.0
    assert check_complaints(COMPLAINTS)["status"].iloc[2] == "open"         # no "now": only open
    assert check_complaints(COMPLAINTS, now="2025-05-06 11:30")["status"].iloc[2] == "open"


def test_sla_can_be_changed_and_datetimes_accepted():
    df = COMPLAINTS.assign(received=pd.to_datetime(COMPLAINTS["received"]))
    out = check_complaints(df, sla={"general": 48, "urgent": 8, "major": 1})
    assert out["status"].tolist()[:2] == ["on_time", "on_time"]
    assert check_complaints(COMPLAINTS.to_dict("records"))["status"].tolist()[0] == "on_time"


@pytest.mark.parametrize("label", ["一般", "緊急", "紧急", "重大", "General", "URGENT", "major"])
def test_severity_labels_in_any_language(label):
    df = COMPLAINTS.iloc[:1].assign(severity=[label])
    assert check_complaints(df)["severity"].iloc[0] in COMPLAINT_SLA_HOURS


@pytest.mark.parametrize("change, path", [
    ({"severity": ["一般", "high", "重大", "major", "general"]}, "complaints[1].severity"),
    ({"received": ["2025-05-06 09:00", "yesterday", "2025-05-06 11:00", "2025-05-06 12:00", "2025-05-05 08:00"]},
     "complaints[1].received"),
    ({"received": [None, "2025-05-06 10:00", "2025-05-06 11:00", "2025-05-06 12:00", "2025-05-05 08:00"]},
     "complaints[0].received"),
    ({"responded": ["2025-05-06 08:00", None, None, None, None]}, "complaints[0].responded"),
])
def test_bad_complaints_name_the_cell(change, path):
    with pytest.raises(simlib.ScenarioError) as info:
        check_complaints(COMPLAINTS.assign(**change))
    assert_names(info.value, path)


def test_complaints_need_their_columns():
    with pytest.raises(simlib.ScenarioError) as info:
        check_complaints(COMPLAINTS.drop(columns="severity"))
    assert_names(info.value, "complaints.severity")


def test_complaint_summary():
    s = complaint_summary(COMPLAINTS, now="2025-05-06 13:00")
    assert s.index.tolist() == ["general", "urgent", "major"]
    assert s["complaints"].tolist() == [2, 1, 2] and s["breaches"].tolist() == [1, 1, 1]
    assert s.loc["general", "median_hours"] == 24.0 and s.loc["major", "responded"] == 1
    assert s.equals(complaint_summary(check_complaints(COMPLAINTS, now="2025-05-06 13:00")))


def test_root_causes_pareto():
    rc = root_causes(COMPLAINTS)
    assert rc["cause"].tolist() == ["delivery", "quality", "billing"]        # ties: first seen first
    assert rc["count"].tolist() == [2, 2, 1] and rc["cum_share"].tolist() == [0.4, 0.8, 1.0]
    assert rc["vital_few"].tolist() == [True, True, False]
    assert root_causes(COMPLAINTS, "department")["department"].iloc[0] == "logistics"
    assert root_causes(pd.DataFrame({"cause": ["x", None, ""]}))["cause"].tolist() == ["unknown", "x"]
    with pytest.raises(simlib.ScenarioError, match="complaints.reason"):
        root_causes(COMPLAINTS, "reason")


@pytest.mark.parametrize("lang", LANGS)
def test_complaint_tables_localise(lang):
    out = localise(check_complaints(COMPLAINTS, now="2025-05-06 13:00"), lang)
    assert t("customers.col.severity", lang) in out.columns
    assert out[t("customers.col.severity", lang)].iloc[2] == Severity.MAJOR.label(lang)
    assert out[t("customers.col.status", lang)].iloc[2] == t("customers.status.overdue", lang)
    assert t("customers.col.cause", lang) in out.columns


@given(st.lists(st.tuples(st.sampled_from(list(COMPLAINT_SLA_HOURS)), st.integers(0, 72 * 60)), min_size=1,
                max_size=30))
@settings(max_examples=60, deadline=None)
def test_breach_iff_response_slower_than_sla(rows):
    start = pd.Timestamp("2025-01-01 08:00")
    df = pd.DataFrame({"received": [start] * len(rows), "severity": [s for s, _ in rows],
                       "responded": [start + pd.Timedelta(minutes=m) for _, m in rows]})
    out = check_complaints(df)
    for (sev, minutes), breached in zip(rows, out["breached"], strict=True):
        assert breached == (minutes / 60 > COMPLAINT_SLA_HOURS[sev])
    s = complaint_summary(out)
    assert s["complaints"].sum() == len(rows) and s["breaches"].sum() == out["breached"].sum()


# ---------------------------------------------------------------------------------------------
# Lifecycle
# ---------------------------------------------------------------------------------------------
def test_lifecycle_stages_in_order_with_labels():
    assert [s.value for s in Lifecycle] == ["attract", "convert", "maintain", "deepen", "win_back"]
    assert [s.label("zh-Hant") for s in Lifecycle] == ["吸引", "轉化", "維護", "深度經營", "激活與挽留"]
    for lang in LANGS:
        labels = [s.label(lang) for s in Lifecycle]
        assert len(set(labels)) == 5 and all(not lab.startswith("customers.") for lab in labels)
        assert all(not s.strategy(lang).startswith("customers.") for s in Lifecycle)
    assert "cross-sell" in Lifecycle.DEEPEN.strategy("en").lower()
    assert Lifecycle("win_back") is Lifecycle.WIN_BACK


def test_localise_maps_lifecycle_values():
    df = pd.DataFrame({"account": ["a"], "lifecycle": ["deepen"]})
    assert localise(df, "zh-Hans")["lifecycle"].iloc[0] == "深度经营"


def test_every_catalog_text_of_this_module_exists_in_three_languages():
    from simlib.base.i18n import catalog
    keys = {k for k in catalog("en") if k.startswith(("customers.", "error.customers_"))}
    assert len(keys) > 60
    for lang in LANGS:
        assert keys <= set(catalog(lang))
