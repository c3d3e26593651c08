"""The decks' case studies (issue 4, COURSE.md §2, §5, §6): every case file under scenarios/cases/
reproduces its deck's figures within the tolerance the file states, and the case-file format
rejects bad input with a message naming the field.

Each case's figures, simulated means and 95 % intervals are printed (``pytest -s``) and listed in
the case's notebook (notebooks/cases/) and the README.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml

import simlib
from simlib.analysis import cases
from simlib.base.schema import ScenarioError

from .conftest import BASE

CASES = cases.case_files()


def test_every_case_has_a_notebook_and_checks():
    assert len(CASES) >= 1
    for path in CASES:
        case = cases.load_case(path)
        assert case.checks, path.name
        assert (cases.NOTEBOOKS_DIR / f"{case.id}.ipynb").is_file(), f"no notebook for {case.id}"
        for lang in ("zh-Hant", "zh-Hans", "en"):
            assert case.title.get(lang) and case.story and case.story.get(lang), (case.id, lang)
            for name, v in case.variants.items():
                assert v.label and v.label.get(lang), (case.id, name, lang)
                assert v.explain and v.explain.get(lang), (case.id, name, lang)


def test_simplified_texts_have_no_traditional_characters():
    """zh-Hans texts of the case files are in simplified characters (OpenCC leaves them as they are)."""
    opencc = pytest.importorskip("opencc")
    cc = opencc.OpenCC("t2s")

    def texts(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "zh-Hans" and isinstance(v, str):
                    yield v
                else:
                    yield from texts(v)
        elif isinstance(node, list):
            for v in node:
                yield from texts(v)
    for path in CASES:
        for text in texts(yaml.safe_load(path.read_text(encoding="utf-8"))):
            assert cc.convert(text) == text, (path.name, text)


@pytest.mark.slow
@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_reproduces_the_decks_figures(path):
    """The mean over the case's paired replications is within each check's stated tolerance of the
    deck's figure, and the 95 % interval is narrow enough to tell (half-width below the tolerance)."""
    case = cases.load_case(path)
    table = cases.check_case(case, workers=1, lang="en")
    print(f"\n{case.id} ({case.replications} replications)")
    for row in table.itertuples():
        print(f"  {row.check:<45} deck {row.target:>12.4g}  simulated {row.mean:>12.4g} "
              f"[{row.low:.4g}, {row.high:.4g}]  ±{row.tolerance:g}")
    bad = table[~table.within]
    assert bad.empty, bad[["check", "target", "mean", "low", "high", "tolerance"]].to_string()
    assert ((table.high - table.low) / 2 < table.tolerance).all()


# -- the format -----------------------------------------------------------------------------------
def _case(**extra):
    data = {"title": {"en": "t"}, "source": "test", "scenario": copy.deepcopy(BASE),
            "variants": {"before": {}, "after": {"base": "before", "set": {"leads.per_week": 90}}},
            "checks": [{"metric": "revenue", "variant": "after", "relative_to": "before",
                        "target": 0.5, "tolerance": 0.2}]}
    data.update(extra)
    return data


def test_variants_build_on_their_base_and_run_on_the_same_seeds():
    case = cases.load_case(_case(variants={
        "before": {}, "after": {"base": "before", "set": {"leads.per_week": 90}},
        "later": {"base": "after", "set": {"team.hours_per_week": 40}}}))
    assert case.changes("later") == {"leads.per_week": 90, "team.hours_per_week": 40}
    assert case.scenario_for("later").leads.per_week == 90
    run = cases.run_case(case, n=3, seed=5)
    again = cases.run_case(case, n=3, seed=5)
    assert run.table.equals(again.table)
    # the same seeds: a variant that changes nothing gives the same revenue, replication by replication
    same = cases.run_case(_case(variants={"a": {}, "b": {"base": "a"}}, checks=[]), n=3)
    assert np.array_equal(same.values(["a"], "revenue"), same.values(["b"], "revenue"))


def test_relative_checks_and_pooled_variants():
    case = cases.load_case(_case(checks=[
        {"metric": "revenue", "variant": ["before", "after"], "relative_to": "before", "relative": "ratio",
         "target": 1.25, "tolerance": 0.1},
        {"metric": "win_rate", "variant": "before", "target": 0.12, "tolerance": 0.05}]))
    run = cases.run_case(case, n=4)
    x, y = run.values(["before", "after"], "revenue"), run.values(["before"], "revenue")
    tab = run.checks("en")
    assert tab.loc[0, "mean"] == pytest.approx(x.mean() / y.mean())
    assert list(tab.columns[:6]) == ["check", "metric", "variant", "relative_to", "relative", "target"]


def test_metric_value_on_one_run(base):
    res = simlib.simulate(base, seed=2)
    s = res.summary()
    assert cases.metric_value(res, "revenue") == pytest.approx(s["revenue"])
    assert cases.metric_value(res, "win_rate") == pytest.approx(s["win_rate"])
    assert cases.metric_value(res, "stage_conversion:lead") == pytest.approx(
        res.stage_counts().conversion[0], abs=0.02)
    first = res.deals.rep.iloc[0]
    assert 1 <= cases.metric_value(res, f"rep_rank:{first}") <= 15
    with pytest.raises(ScenarioError) as err:
        cases.metric_value(res, "attainment")
    assert "quotas" in err.value.message("en")
    with pytest.raises(ScenarioError) as err:
        cases.metric_value(res, "stage_conversion:demo")
    assert "demo" in err.value.message("zh-Hant") and "階段" in err.value.message("zh-Hant")


@pytest.mark.parametrize("change, path, en, zh", [
    ({"variants": {"before": {}, "after": {"base": "befor"}}}, "variants.after.base", "no variant 'befor'", "沒有名為「befor」"),
    ({"checks": [{"metric": "revenu", "variant": "before", "target": 1, "tolerance": 1}]}, "checks[0].metric",
     "'revenu' is not a case metric", "不是案例指標"),
    ({"checks": [{"metric": "revenue", "variant": "before", "target": 1, "tolerance": -1}]}, "checks[0].tolerance",
     "greater than 0", "大於 0"),
    ({"variants": {"before": {"set": {"funnel.stages[0].conversion": 1.3}}}, "checks": []}, "variants.before.set.funnel.stages[0].conversion",
     "at most 1", "不能大於 1"),
    ({"variant": {"before": {}}}, "variant", "unknown key", "未知"),
])
def test_bad_case_files_name_the_field(change, path, en, zh):
    with pytest.raises(ScenarioError) as err:
        cases.load_case(_case(**change))
    assert path in err.value.message("en") and en in err.value.message("en")
    assert zh in err.value.message("zh-Hant")
    assert "Traceback" not in err.value.message("en")


def test_cycles_and_missing_scenario_files():
    with pytest.raises(ScenarioError) as err:
        cases.load_case(_case(variants={"a": {"base": "b"}, "b": {"base": "a"}}, checks=[]))
    assert "cycle" in err.value.message("en")
    with pytest.raises(ScenarioError) as err:
        cases.load_case(_case(scenario="nowhere.yaml"))
    assert "nowhere.yaml" in err.value.message("en") and "找不到" in err.value.message("zh-Hant")


def test_command_line_prints_each_cases_table(capsys):
    """``python -m simlib cases <id>``: what a course author runs to check a new case file."""
    from simlib.cli import cases_main, main
    assert main(["cases", "electronics_bottleneck", "--n", "3", "--lang", "zh-Hant"]) in (0, 1)
    out = capsys.readouterr().out
    assert "電子公司的漏斗瓶頸" in out and "| 總銷售變化 | +30.0 % |" in out
    assert cases_main(["nowhere.yaml"]) == 1
    assert "nowhere.yaml" in capsys.readouterr().out
    assert cases.load_case("mentoring").id == "mentoring"
