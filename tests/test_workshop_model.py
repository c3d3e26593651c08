"""The workshop's model (simlib/workshop: spec, decisions, market, roster, service, scoring; CONTRACT §5):
decisions validated field by field in the reader's language, templates, a round as a pure function of its
inputs (in another process too), common random numbers, the shared market's shares, shocks, demand patterns,
carried-over state, the leaderboard and the budget. Small teams, one replication per round."""
from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from simlib.base.schema import ScenarioError
from simlib.workshop import market
from simlib.workshop.decisions import PlanEdit, cost, resolve_plan, template, validate_decisions
from simlib.workshop.market import demand_factor, market_shares, run_round, states_before
from simlib.workshop.roster import initial_state, start_round
from simlib.workshop.scoring import RoundResult, jain_index, leaderboard
from simlib.workshop.service import nps_of
from simlib.workshop.spec import Demand, load_workshop_spec

ROOT = Path(__file__).resolve().parents[1]

SMALL = {
    "name": {"zh-Hant": "小隊", "zh-Hans": "小队", "en": "A small team"},
    "scenario": {
        "horizon_weeks": 13,
        "leads": {"per_week": 14},
        "funnel": {"stages": [{"name": "lead", "conversion": 0.5, "work_hours": 1},
                              {"name": "proposal", "conversion": 0.5, "work_hours": 6},
                              {"name": "negotiation", "conversion": 0.6, "work_hours": 3}],
                   "deal_value": {"mean": 50000, "cv": 0.4}},
        "team": {"hours_per_week": 25, "reps": [
            {"name": "甲", "tenure_months": 24, "skill": 1.2, "history": 300000},
            {"name": "乙", "tenure_months": 12, "history": 200000},
            {"name": "丙", "tenure_months": 4}]},
        "incentives": {"base_pay": 15000, "commission": {"tiers": [{"from": 0, "rate": 0.02}]}},
        "quotas": {"per_rep": 250000},
        "behaviour": {"preset": "rational"},
        "people": {"ramp": {}, "attrition": {"annual_rate": 0.3}, "mentoring": {"hours_per_week": 2}},
    },
    "margin": 0.4,
    "plans": {
        "tiered": {"base_pay": 15000, "commission": {"tiers": [{"from": 0, "rate": 0.02}, {"from": 1, "rate": 0.04}]}},
        "linear": {"base_pay": 15000, "commission": {"tiers": [{"from": 0, "rate": 0.03}]}},
    },
    "courses": [{"stage": "proposal", "lift": 0.1, "hours": 4, "weeks": 1, "cost_per_trainee": 5000},
                {"stage": "negotiation", "lift": 0.05}],
    "hiring": {"max_per_round": 2},
    "customers": {"a_accounts": 10, "accounts_per_manager": 5, "max_managers": 2},
    "defaults": {"target": 1500000},
}


@pytest.fixture(scope="module")
def spec():
    return load_workshop_spec(SMALL)


def bad(spec, change, past=()):
    """The issues of a round-1 template with ``change`` applied."""
    data = dict(template(spec, list(past)), **change)
    with pytest.raises(ScenarioError) as err:
        validate_decisions(spec, list(past), data)
    return err.value


# ---------------------------------------------------------------------------------------------
# The workshop files
# ---------------------------------------------------------------------------------------------
def test_the_shipped_workshops_load_and_b2b_sorts_first():
    files = sorted((ROOT / "scenarios" / "workshop").glob("*.yaml"))
    assert [f.name for f in files] == ["b2b_quarter.yaml", "retail_channel.yaml"]
    b2b, retail = (load_workshop_spec(f) for f in files)
    assert len(b2b.scenario.team.reps) == 8 and b2b.weeks_per_round == 13
    assert retail.settings.demand.pattern == "seasonal" and retail.settings.demand.calendar == "cn_retail"
    # retail: more, smaller deals than B2B
    assert retail.scenario.leads.per_week > 10 * b2b.scenario.leads.per_week
    assert retail.scenario.funnel.deal_value.mean < b2b.scenario.funnel.deal_value.mean / 10
    for s in (b2b, retail):
        assert load_workshop_spec(s.model_dump(mode="json")) == s      # a store keeps the spec as JSON
        validate_decisions(s, [], template(s, []))


def test_a_spec_error_names_its_field(tmp_path):
    cases = {
        "settings.shocks[0].kind": {"settings": {"shocks": [{"round": 1, "kind": "meteor", "size": 0.1}]}},
        "settings.shocks[0].size": {"settings": {"shocks": [{"round": 1, "kind": "price_war", "size": 1.5}]}},
        "settings.score_weights.profitt": {"settings": {"score_weights": {"profitt": 1}}},
        "settings.market": {"settings": {"market": "global"}},
        "courses[0].stage": {"courses": [{"stage": "demo", "lift": 0.1}]},
        "plans.yearly.period": {"plans": {"yearly": {"period": "year", "base_pay": 1}}},
        "scenario.funnel.stages[0].conversion": {"scenario": {**SMALL["scenario"], "funnel": {
            "stages": [{"name": "lead", "conversion": 1.4, "work_hours": 1}], "deal_value": {"mean": 1}}}},
        "defaults.split": {"defaults": {"target": 1500000, "split": "random"}},
        "plans.missing": {"plans": {"missing": "plans/no_such_plan.yaml"}},
    }
    for path, change in cases.items():
        with pytest.raises(ScenarioError) as err:
            load_workshop_spec({**SMALL, **change})
        assert path in err.value.paths, (path, err.value.paths)
        assert path in err.value.message("zh-Hant") and path in err.value.message("en")
    short = load_workshop_spec({**SMALL, "settings": {"demand": "growing", "score_weights": {"profit": 1}}})
    assert short.settings.demand.pattern == "growing" and short.settings.score_weights == {"gross_profit": 1.0}
    (tmp_path / "base.yaml").write_text(json.dumps(SMALL["scenario"], ensure_ascii=False), encoding="utf-8")
    (tmp_path / "ws.yaml").write_text(json.dumps({**SMALL, "scenario": "base.yaml"}, ensure_ascii=False),
                                      encoding="utf-8")
    assert load_workshop_spec(tmp_path / "ws.yaml").scenario == load_workshop_spec(SMALL).scenario


# ---------------------------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------------------------
def test_each_bad_decision_names_its_field_in_both_languages(spec):
    even = {"甲": 500000, "乙": 500000, "丙": 500000}
    cases = {
        "decisions.target": {"target": -5},
        "decisions.split.乙": {"split": dict(even, 乙="many")},
        "decisions.split.丁": {"split": dict(even, 丁=1)},
        "decisions.split": {"split": dict(even, 甲=500001)},
        "decisions.plan": {"plan": "tierd"},
        "decisions.plan.tiers[1].rate": {"plan": {"tiers": [{"from": 0, "rate": 0.02}, {"from": 1, "rate": 1.4}]}},
        "decisions.plan.based_on": {"plan": {"based_on": "nothing"}},
        "decisions.hires": {"hires": 3},
        "decisions.dismiss[0]": {"dismiss": ["丁"]},
        "decisions.training": {"training": {"stage": "proposal", "lift": 0.3}},
        "decisions.training.reps[0]": {"training": {"stage": "proposal", "lift": 0.1, "reps": ["丁"]}},
        "decisions.focus": {"focus": "napping"},
        "decisions.discount_authority": {"discount_authority": 0.25},
        "decisions.a_tier_managers": {"a_tier_managers": 3},
        "decisions.mentoring": {"mentoring": "yes"},
        "decisions.tagret": {"tagret": 1},
    }
    for path, change in cases.items():
        err = bad(spec, change)
        assert err.paths == [path], (path, err.paths)
        zh, en = err.message("zh-Hant"), err.message("en")
        assert path in zh and path in en and zh != en
    assert "必須" in bad(spec, {"target": -5}).message("zh-Hant")
    assert "须" in bad(spec, {"target": 1.5}).message("zh-Hans")
    assert "1,500,001" in bad(spec, {"split": dict(even, 甲=500001)}).message("en")
    missing = bad(spec, {"split": {"甲": 1500000}})
    assert missing.paths == ["decisions.split.乙", "decisions.split.丙"]


def test_a_new_hire_needs_a_share_of_a_typed_split_and_takes_the_next_rounds_name(spec):
    d1 = dict(template(spec, []), hires=1, split={"甲": 600000, "乙": 500000, "丙": 300000, "H1-1": 100000})
    first = validate_decisions(spec, [], d1)
    assert first.seats == ("甲", "乙", "丙", "H1-1")
    nxt = template(spec, [first])
    assert nxt["hires"] == 0 and nxt["split"] == first.split           # one-off choices start afresh
    d2 = dict(nxt, dismiss=["丙"], split={"甲": 600000, "乙": 500000, "H1-1": 400000})
    second = validate_decisions(spec, [first], d2)
    assert second.seats == ("甲", "乙", "H1-1")
    assert bad(spec, {"dismiss": ["甲", "乙", "丙"]}).paths == ["decisions.dismiss"]


def test_a_template_validates_as_it_is_and_comes_back_unchanged(spec):
    t1 = template(spec, None)
    assert t1 == template(spec, [])
    assert t1 == validate_decisions(spec, [], t1).model_dump(mode="json")
    assert t1["target"] == 1500000 and t1["plan"] == "tiered" and t1["split"] == "capability"
    assert json.loads(json.dumps(t1)) == t1
    edited = dict(t1, plan={"based_on": "linear", "tiers": [{"from": 0, "rate": 0.025}]}, mentoring=True,
                  training={"stage": "proposal", "lift": 0.1})
    d = validate_decisions(spec, [], edited)
    again = d.model_dump(mode="json")
    assert again["plan"]["tiers"] == [{"from": 0.0, "rate": 0.025}]
    assert validate_decisions(spec, [], again).model_dump(mode="json") == again
    t2 = template(spec, [again])
    assert t2["plan"] == again["plan"] and t2["mentoring"] is True and t2["training"] is None
    assert t2 == validate_decisions(spec, [again], t2).model_dump(mode="json")


def test_costs_price_each_choice(spec):
    d = validate_decisions(spec, [], dict(template(spec, []), hires=2, a_tier_managers=1,
                                          training={"stage": "negotiation", "lift": 0.05}))
    c = cost(spec, d)
    assert c["hiring"] == 2 * 30000 and c["managers"] == 45000
    assert c["training"] == 5 * 400 * 5                  # 5 trainees × 5 points × 400 a point (no own price)
    # 5 reps at an equal split of 1,500,000: base pay + 2 % commission at 100 %
    assert c["pay"] == pytest.approx(5 * 15000 + 0.02 * 1500000)
    assert c["total"] == pytest.approx(c["pay"] + c["managers"] + c["hiring"] + c["training"] + c["dismissal"])
    assert c["within_budget"] and c["budget"] is None


def test_a_round_over_budget_is_refused_and_says_why(spec):
    tight = spec.with_settings({"budget": 100000})
    t = template(tight, [])
    assert cost(tight, validate_decisions(tight, [], t))["total"] == 3 * 15000 + 0.02 * 1500000   # within
    with pytest.raises(ScenarioError) as err:
        validate_decisions(tight, [], dict(t, hires=1, split="equal"))
    assert err.value.paths == ["decisions"] and err.value.issues[0].code == "workshop_over_budget"
    assert "100,000" in err.value.message("en") and "預算" in err.value.message("zh-Hant")
    with pytest.raises(ScenarioError) as err:                                      # the file's defaults too
        spec.with_settings({"budget": 50000})
    assert err.value.paths == ["defaults"]


# ---------------------------------------------------------------------------------------------
# A round
# ---------------------------------------------------------------------------------------------
def test_a_round_is_a_pure_function_of_its_inputs(spec):
    t = template(spec, [])
    history = {"A": [t], "B": [dict(t, focus="closing")]}
    first = run_round(spec, 5, 1, history)
    market._CACHE.clear()
    second = run_round(load_workshop_spec(SMALL), 5, 1, history)
    assert first.teams.equals(second.teams) and first.reps.equals(second.reps)
    teams, reps = first.to_records()
    text = json.dumps([teams, reps], allow_nan=False, ensure_ascii=False)        # JSON-safe, no NaN
    back = RoundResult.from_records(*json.loads(text))
    assert back.teams.equals(first.teams) and back.reps.equals(first.reps)
    assert run_round(spec, 6, 1, history).teams["revenue"].tolist() != first.teams["revenue"].tolist()


def test_a_round_gives_the_same_rows_in_another_process(spec):
    t = template(spec, [])
    history = {"A": [t, t], "B": [dict(t, hires=1, split="equal"), dict(t, mentoring=True)]}
    here = run_round(spec, 11, 2, history).to_records()
    code = ("import json, sys; from simlib.workshop.market import run_round\n"
            "spec, history = json.loads(sys.stdin.read())\n"
            "print(json.dumps(run_round(spec, 11, 2, history).to_records(), ensure_ascii=False))")
    out = subprocess.run([sys.executable, "-c", code], input=json.dumps([SMALL, history], ensure_ascii=False),
                         capture_output=True, text=True, cwd=ROOT, check=True, timeout=300)
    assert json.loads(out.stdout) == json.loads(json.dumps(here))


def test_teams_with_the_same_decisions_meet_the_same_world(spec):
    t = template(spec, [])
    res = run_round(spec, 2, 1, {"A": [t], "B": [t], "C": [dict(t, hires=1, split="equal")]})
    rows = res.teams.set_index("team")
    same = rows.loc["A"].drop("team", errors="ignore")
    assert same.equals(rows.loc["B"])
    reps = res.reps.drop(columns="team")
    assert reps[res.reps.team == "A"].reset_index(drop=True).equals(reps[res.reps.team == "B"].reset_index(drop=True))
    assert rows.loc["C", "headcount"] == 4 and rows.loc["A", "headcount"] == 3
    assert rows.loc["C", "hours_available"] > rows.loc["A", "hours_available"] * 1.2   # a 4th rep's hours
    assert rows.loc["C", "leads"] == rows.loc["A", "leads"]                           # the same leads
    assert rows.loc["C", "hiring_cost"] >= 30000
    assert math.isnan(rows.loc["A", "share"])


def test_a_team_row_adds_up(spec):
    t = template(spec, [])
    res = run_round(spec, 4, 1, {"A": [dict(t, a_tier_managers=1, training={"stage": "proposal", "lift": 0.1})]})
    r = res.teams.iloc[0]
    assert r.gross_profit == pytest.approx(r.revenue * 0.4 - r.pay_cost - r.hiring_cost - r.training_cost
                                           - r.dismissal_cost)
    assert r.training_cost == 3 * 5000
    assert r.attainment == pytest.approx(r.revenue / 1500000)
    reps = res.reps
    assert reps.quota.sum() == 1500000 and reps.sales.sum() == pytest.approx(r.revenue)
    assert r.fairness == pytest.approx(jain_index(reps.attainment.tolist()))
    assert bool(reps.trained.all()) and not bool(reps.new.any())
    assert r.nps == pytest.approx(nps_of(r.satisfaction))
    assert list(res.teams.columns[:3]) == ["round", "team", "target"]


def test_state_carries_over_between_rounds(spec):
    t = template(spec, [])
    trained = dict(t, training={"stage": "proposal", "lift": 0.1}, hires=1, split="equal")
    history = {"A": [trained, t], "B": [t, t]}
    before = states_before(spec, 9, 2, history)
    a, b = before["A"], before["B"]
    assert [s.name for s in a.seats] == ["甲", "乙", "丙", "H1-1"]
    stay = [s for s in a.seats if not s.vacant and s.tenure_months is not None and s.tenure_months >= 3]
    assert stay and all(dict(s.lifts).get("proposal") == pytest.approx(0.1) for s in stay if s.name != "H1-1")
    assert all(not s.lifts for s in b.seats)
    first = run_round(spec, 9, 1, history)
    sold = first.reps.set_index(["team", "rep"])["sales"]
    assert {s.name: s.history for s in a.seats} == pytest.approx({n: sold["A", n] for n in ["甲", "乙", "丙", "H1-1"]})
    assert first.teams["quits"].sum() == 0                         # (this seed: nobody left in round 1)
    assert [s.tenure_months for s in b.seats] == [27.0, 15.0, 7.0]     # every rep 3 months older
    assert [s.tenure_months for s in a.seats] == [27.0, 15.0, 7.0, 3.0]
    assert a.satisfaction > b.satisfaction == 8.0                  # a 4th rep's hours serve the accounts
    second = run_round(spec, 9, 2, history)
    assert set(second.teams["round"]) == {2}
    assert second.reps[second.reps.team == "A"]["tenure_months"].tolist() == [27.0, 15.0, 7.0, 3.0]
    assert not second.reps["trained"].any() and not second.reps["new"].any()


def test_satisfaction_and_nps_rise_with_a_tier_managers(spec):
    t = template(spec, [])
    res = run_round(spec, 3, 1, {"none": [t], "two": [dict(t, a_tier_managers=2)]}).teams.set_index("team")
    assert res.loc["two", "satisfaction"] > res.loc["none", "satisfaction"]
    assert res.loc["two", "nps"] > res.loc["none", "nps"]
    assert res.loc["two", "revenue"] == res.loc["none", "revenue"]          # managers serve, they do not sell
    assert res.loc["two", "pay_cost"] - res.loc["none", "pay_cost"] == pytest.approx(2 * 45000)
    assert res.loc["none", "satisfaction"] == 8.0 and res.loc["two", "satisfaction"] == pytest.approx(8.7)


def test_shared_market_shares_sum_to_one_and_follow_attraction(spec):
    shared = spec.with_settings({"market": "shared"})
    t = template(shared, [])
    history = {"A": [t], "more_reps": [dict(t, hires=2, split="equal")], "discount": [dict(t, discount_authority=0.2)],
               "hunting": [dict(t, focus="prospecting")], "closing": [dict(t, focus="closing")]}
    res = run_round(shared, 1, 1, history).teams.set_index("team")
    assert res["share"].sum() == pytest.approx(1.0)
    for team in ("more_reps", "discount", "hunting"):
        assert res.loc[team, "share"] > res.loc["A", "share"], team
    assert res.loc["closing", "share"] < res.loc["A", "share"]
    assert res["leads_per_week"].sum() == pytest.approx(len(history) * 14)     # one market, split
    # α = 0.5: 5 reps for 3 gives (5/3) ** 0.5 of the attraction (new reps count at their ramp: less)
    ratio = res.loc["more_reps", "share"] / res.loc["A", "share"]
    assert 1.0 < ratio < (5 / 3) ** 0.5
    assert res.loc["discount", "share"] / res.loc["A", "share"] == pytest.approx(1 / 0.8)
    # two equal teams split evenly; satisfaction of the round before moves next round's shares
    ws = initial_state(shared, 1)
    d = validate_decisions(shared, [], t)
    starts = {k: start_round(shared, ws, d, 1, []) for k in ("x", "y")}
    even = market_shares(shared, starts, {"x": ws, "y": ws}, {"x": d, "y": d})
    assert even == {"x": 0.5, "y": 0.5}
    happier = type(ws)(seats=ws.seats, satisfaction=9.0)
    moved = market_shares(shared, starts, {"x": happier, "y": ws}, {"x": d, "y": d})
    assert moved["x"] == pytest.approx(9.0 / (9.0 + ws.satisfaction))


def test_shocks_lower_what_they_should(spec):
    t = template(spec, [])
    history = {"A": [t], "B": [t]}
    base = run_round(spec, 8, 1, history).teams.set_index("team")

    def hit(kind, size):
        s = spec.with_settings({"shocks": [{"round": 1, "kind": kind, "size": size, "teams": ["B"]}]})
        return run_round(s, 8, 1, history)

    leads = hit("lead_source_dries_up", 0.5).teams.set_index("team")
    assert leads.loc["B", "leads_per_week"] == pytest.approx(7.0) and leads.loc["A", "leads_per_week"] == 14
    assert leads.loc["B", "leads"] < 0.7 * base.loc["B", "leads"]
    assert leads.loc["A"].equals(base.loc["A"])                                   # only the team named
    account = hit("key_account_lost", 0.4).teams.set_index("team")
    assert account.loc["B", "leads"] == base.loc["B", "leads"]                     # the same leads ...
    assert account.loc["B", "revenue"] < 0.8 * base.loc["B", "revenue"]            # ... worth less
    war = hit("price_war", 0.5).teams.set_index("team")
    assert war.loc["B", "revenue"] < 0.7 * base.loc["B", "revenue"]
    assert war.loc["B", "win_rate"] < base.loc["B", "win_rate"]
    top = hit("top_rep_resigns", 1)
    reps = top.reps[top.reps.team == "B"].set_index("rep")
    assert bool(reps.loc["甲", "new"]) and reps.loc["甲", "tenure_months"] == 0        # the best rep left
    assert not bool(reps.loc[["乙", "丙"], "new"].any())
    assert top.teams.set_index("team").loc["B", "hiring_cost"] >= 30000
    with pytest.raises(ScenarioError) as err:
        run_round(spec.with_settings({"shocks": [{"round": 1, "kind": "price_war", "size": 0.1, "teams": ["Z"]}]}),
                  8, 1, history)
    assert err.value.paths == ["settings.shocks[0].teams[0]"]


def test_demand_patterns_have_their_shapes():
    rounds = range(1, 9)
    flat = [demand_factor(Demand(pattern="flat"), r) for r in rounds]
    grow = [demand_factor(Demand(pattern="growing", rate=0.05), r) for r in rounds]
    fall = [demand_factor(Demand(pattern="declining", rate=0.05), r) for r in rounds]
    sat = [demand_factor(Demand(pattern="saturating", ceiling=0.3, speed=0.5), r) for r in rounds]
    assert flat == [1.0] * 8 and grow[0] == fall[0] == sat[0] == 1.0
    assert grow[1] == pytest.approx(1.05) and all(b / a == pytest.approx(1.05) for a, b in itertools.pairwise(grow))
    assert all(b < a for a, b in itertools.pairwise(fall)) and fall[7] == pytest.approx(0.95 ** 7)
    steps = [b - a for a, b in itertools.pairwise(sat)]
    assert all(s > 0 for s in steps) and all(b < a for a, b in itertools.pairwise(steps)) and max(sat) < 1.3
    retail = [demand_factor(Demand(pattern="seasonal", calendar="cn_retail"), r) for r in range(1, 5)]
    assert sum(retail) == pytest.approx(4.0)                       # a year's demand is the same in total
    assert min(retail) == retail[0] and max(retail) == retail[3]   # Spring Festival trough; Double 11 peak
    assert retail[1] > retail[2]                                   # 618
    later = [demand_factor(Demand(pattern="seasonal", first_quarter=3), r) for r in (1, 2)]
    assert later[0] == pytest.approx(retail[2]) and later[1] == pytest.approx(retail[3], rel=0.02)


# ---------------------------------------------------------------------------------------------
# Scores and the leaderboard
# ---------------------------------------------------------------------------------------------
def rows(**teams):
    out = []
    for name, rounds in teams.items():
        for k, values in enumerate(rounds, 1):
            out.append({"round": k, "team": name, "target": 100.0, "revenue": 100.0, "pay_cost": 10.0,
                        "hiring_cost": 0.0, "training_cost": 0.0, "dismissal_cost": 0.0, "gross_profit": 30.0,
                        "attainment": 1.0, "share": None, "win_rate": 0.2, "turnover": 0.1, "nps": 20.0,
                        "satisfaction": 8.0, "fairness": 0.9, "headcount": 3, "hires": 0, "quits": 0,
                        "leads": 100, "won": 10, "hours_available": 975.0, "leads_per_week": 10.0,
                        "score": None} | values)
    return out


def test_the_leaderboard_ranks_by_the_weighted_score():
    data = rows(rich=[{"gross_profit": 90.0, "fairness": 0.5}, {"gross_profit": 60.0, "fairness": 0.6}],
                fair=[{"gross_profit": 40.0, "fairness": 1.0}, {"gross_profit": 40.0, "fairness": 0.9}],
                mid=[{"gross_profit": 50.0, "fairness": 0.8}, {"gross_profit": 50.0, "fairness": 0.8}])
    profit = leaderboard(pd.DataFrame(data), {"profit": 1})
    assert list(profit.columns[:4]) == ["rank", "team", "rounds", "score"]
    assert profit["team"].tolist() == ["rich", "mid", "fair"] and profit["rank"].tolist() == [1, 2, 3]
    assert profit["score"].tolist() == pytest.approx([100.0, 2000 / 70, 0.0])     # min–max of 150, 100, 80
    assert profit.set_index("team").loc["rich", "gross_profit"] == 150.0 and set(profit["rounds"]) == {2}
    fairness = leaderboard(data, {"fairness": 1})
    assert fairness["team"].tolist() == ["fair", "mid", "rich"]
    both = leaderboard(data, {"gross_profit": 1, "fairness": 1})
    scores = both.set_index("team")["score"]
    assert scores["rich"] == pytest.approx(50.0) and scores["fair"] == pytest.approx(50.0)
    assert both["team"].tolist()[:2] == ["fair", "rich"]                          # a tie: by name
    less = leaderboard(rows(a=[{"turnover": 0.5}], b=[{"turnover": 0.1}]), {"turnover": 1})
    assert less["team"].tolist() == ["b", "a"]                                     # less turnover is better
    attain = leaderboard(rows(a=[{"revenue": 90.0}, {"revenue": 130.0}], b=[{"revenue": 105.0}]), {"attainment": 1})
    assert attain.set_index("team").loc["a", "attainment"] == pytest.approx(220 / 200)
    waiting = leaderboard(data, {"profit": 1}, teams=["rich", "fair", "mid", "late"])
    assert waiting["team"].tolist()[-1] == "late" and waiting["rounds"].tolist()[-1] == 0
    assert math.isnan(waiting["score"].tolist()[-1])
    with pytest.raises(ScenarioError):
        leaderboard(data, {"luck": 1})


def test_round_scores_and_the_leaderboard_agree_with_the_settings(spec):
    t = template(spec, [])
    res = run_round(spec, 12, 1, {"A": [t], "B": [dict(t, target=1200000)], "C": [dict(t, hires=2, split="equal")]})
    board = leaderboard(res.teams, spec.settings.score_weights)
    per_round = res.teams.set_index("team")["score"]
    assert board.set_index("team")["score"].to_dict() == pytest.approx(per_round.to_dict())
    assert per_round.max() <= 100 and per_round.min() >= 0 and board["score"].is_monotonic_decreasing
    again = leaderboard(pd.DataFrame(res.to_records()[0]), spec.settings.score_weights)
    assert again.equals(board)


def test_progress_is_reported_for_every_team(spec):
    t = template(spec, [])
    seen = []
    run_round(spec, 21, 1, {"A": [t], "B": [t]}, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]
    seen.clear()
    run_round(spec, 21, 1, {"A": [t], "B": [t]}, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 2)]                                                       # cached: done at once


def test_an_edited_plan_can_drop_the_menu_plans_bonus_and_cap():
    spec = load_workshop_spec("scenarios/workshop/b2b_quarter.yaml")
    table = resolve_plan(spec, "s1_table")
    assert table.bonus is not None
    dropped = resolve_plan(spec, PlanEdit.model_validate({"based_on": "s1_table", "bonus": False}))
    assert dropped.bonus is None and dropped.commission == table.commission
    capped = resolve_plan(spec, PlanEdit.model_validate({"based_on": "s1_table", "cap": {"attainment": 1.5}}))
    assert capped.cap.attainment == 1.5
    assert resolve_plan(spec, PlanEdit.model_validate({"based_on": "s1_table", "cap": False})).cap is None
