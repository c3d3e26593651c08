"""Scenario loading and validation (CONTRACT §1): every bad input names its field, in three languages."""
from __future__ import annotations

import pydantic
import pytest

import simlib
from simlib.core.scenario import MAX_LEADS, load_scenario

from .conftest import ROOT


def errors_of(data) -> simlib.ScenarioError:
    with pytest.raises(simlib.ScenarioError) as info:
        load_scenario(data)
    return info.value


def test_every_shipped_scenario_loads():
    # plans/ holds pay plans, customers/ account-base specs (simlib.models.accounts), cases/ case studies
    # (simlib.analysis.cases, loaded in test_cases.py) and workshop/ workshop files (simlib.workshop.spec, loaded
    # in test_workshop_model.py): other kinds of file
    other = {"plans", "customers", "cases", "workshop"}
    files = sorted(f for f in (ROOT / "scenarios").rglob("*.yaml") if not other & set(f.parts))
    assert files
    for f in files:
        sc = load_scenario(f)
        assert sc.funnel.stages, f


def test_loads_from_file_dict_text_and_scenario(base, base_dict):
    path = ROOT / "scenarios" / "funnel_basics.yaml"
    from_file = load_scenario(path)
    assert from_file.leads.per_week == 60
    assert load_scenario(str(path)) == from_file
    assert load_scenario(base.to_yaml()) == base
    assert load_scenario(base) is base
    assert load_scenario(base.to_dict()) == base


def test_rep_count_becomes_named_reps(base):
    assert [r.name for r in base.team.reps][:3] == ["R01", "R02", "R03"]
    assert base.team.hours() == [28] * 15


def test_reps_may_be_listed_with_their_own_hours(base_dict):
    base_dict["team"]["reps"] = [{"name": "王芳"}, {"name": "李雷", "hours_per_week": 10}]
    sc = load_scenario(base_dict)
    assert sc.team.hours() == [28, 10]


def test_unknown_key_is_named_with_a_suggestion(base_dict):
    base_dict["horizon_week"] = base_dict.pop("horizon_weeks")
    err = errors_of(base_dict)
    assert "horizon_week" in err.paths
    assert "horizon_weeks" in str(err)          # the suggestion
    assert "horizon_weeks" in err.paths         # and the now-missing required key


def test_nested_unknown_key_names_the_stage(base_dict):
    base_dict["funnel"]["stages"][1]["convertion"] = 0.3
    err = errors_of(base_dict)
    assert "funnel.stages[1].convertion" in err.paths
    assert "'conversion'" in err.message("en")
    assert "「conversion」" in err.message("zh-Hant")


def test_unknown_key_without_a_near_match_lists_the_valid_keys(base_dict):
    base_dict["team"]["zzz"] = 1
    msg = errors_of(base_dict).message("en")
    assert "team.zzz" in msg and "hours_per_week" in msg


@pytest.mark.parametrize("value", [1.3, -0.1])
def test_probability_out_of_range(base_dict, value):
    base_dict["funnel"]["stages"][2]["conversion"] = value
    err = errors_of(base_dict)
    assert err.paths == ["funnel.stages[2].conversion"]
    for lang in ("en", "zh-Hant", "zh-Hans"):
        assert "funnel.stages[2].conversion" in err.message(lang)
        assert str(value) in err.message(lang)
    assert err.message("en") != err.message("zh-Hant") != err.message("zh-Hans")


@pytest.mark.parametrize("path, value, code", [
    (("leads", "per_week"), "sixty", "type_number"),
    (("horizon_weeks",), 13.5, "type_integer"),
    (("horizon_weeks",), True, "type_integer"),
    (("horizon_weeks",), 0, "greater_than_equal"),
    (("team", "hours_per_week"), 0, "greater_than"),
    (("team", "assignment"), "by_mood", "choice"),
    (("team", "reps"), 0, "rep_count"),
    (("funnel", "stages"), [], "too_short"),
    (("funnel", "deal_value", "cv"), -1, "greater_than_equal"),
])
def test_bad_values_name_field_and_problem(base_dict, path, value, code):
    node = base_dict
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    err = errors_of(base_dict)
    assert [(i.path, i.code) for i in err.issues] == [(".".join(path), code)]


def test_missing_field(base_dict):
    del base_dict["team"]["hours_per_week"]
    err = errors_of(base_dict)
    assert err.paths == ["team.hours_per_week"]
    assert "team.hours_per_week" in err.message("zh-Hant")


def test_duplicate_stage_names(base_dict):
    base_dict["funnel"]["stages"][1]["name"] = "lead"
    err = errors_of(base_dict)
    assert err.issues[0].code == "duplicate_name" and "lead" in str(err)


def test_run_too_large_for_the_server_is_refused(base_dict):
    base_dict["horizon_weeks"] = 520
    base_dict["leads"]["per_week"] = MAX_LEADS / 520 + 100
    err = errors_of(base_dict)
    assert err.paths == ["leads.per_week"] and err.issues[0].code == "too_large"


def test_bad_stage_label_language(base_dict):
    base_dict["funnel"]["stages"][0]["label"] = {"fr": "piste"}
    assert errors_of(base_dict).issues[0].code == "bad_language"


def test_yaml_syntax_error_names_the_line():
    err = errors_of("name: x\nleads: {per_week: 60\nfunnel: []\n")
    assert err.issues[0].code == "yaml_syntax"
    assert "line" in err.message("en")


def test_missing_file():
    err = errors_of("scenarios/does_not_exist.yaml")
    assert err.issues[0].code == "file_not_found"


def test_yaml_reads_exponent_and_underscore_numbers(base):
    text = base.to_yaml().replace("mean: 50000.0", "mean: 5e4")
    assert "5e4" in text
    assert load_scenario(text).funnel.deal_value.mean == 50000


def test_with_changes_is_a_validated_copy(base):
    sc = base.with_changes({"leads.per_week": 80, "funnel.stages[2].conversion": 0.3,
                            "funnel.stages.3.work_hours": 5, "team.reps": 4})
    assert sc.leads.per_week == 80
    assert sc.funnel.stages[2].conversion == 0.3 and sc.funnel.stages[3].work_hours == 5
    assert len(sc.team.reps) == 4
    assert base.leads.per_week == 60                                # the original is untouched
    with pytest.raises(simlib.ScenarioError, match=r"leads\.per_week"):
        base.with_changes({"leads.per_week": -1})
    with pytest.raises(simlib.ScenarioError, match="bad_key"):
        base.with_changes({"funnel.bad_key": 1})
    with pytest.raises(simlib.ScenarioError):
        base.with_changes({"funnel.stages[9].conversion": 0.1})


def test_scenario_is_immutable(base):
    with pytest.raises(pydantic.ValidationError):
        base.horizon_weeks = 5


def test_stage_display_labels():
    sc = load_scenario(ROOT / "scenarios" / "funnel_basics.yaml")
    stage = sc.funnel.stages[2]
    assert stage.display("zh-Hant") == "方案設計"
    assert stage.display("zh-Hans") == "方案设计"
    assert stage.display("en") == "Proposal"
    assert load_scenario({**sc.to_dict()}).funnel.stages[2].display("en") == "Proposal"
