"""The workflow kernel: definitions round-trip and every rule of validation."""

import json
from pathlib import Path

import pytest

from lantian.cases.engine import Definition, Step, Transition

SEED = Path(__file__).parents[2] / "src" / "lantian" / "cases" / "data" / "workflows.json"


def definition(steps, transitions, start="a"):
    return Definition(tuple(steps), tuple(Transition(*t) for t in transitions), start)


def codes(problems):
    return sorted((p.code, p.values) for p in problems)


A = Step("a", "甲", role="r")
B = Step("b", "乙", role="r")
END = Step("end", "结束", terminal=True)


def test_the_seed_workflows_are_sound_and_round_trip():
    for spec in json.loads(SEED.read_text(encoding="utf-8"))["workflows"]:
        parsed = Definition.from_dict(spec["definition"])
        assert parsed.problems() == []
        assert Definition.from_dict(parsed.to_dict()) == parsed


def test_a_linear_workflow_is_sound():
    assert definition([A, B, END], [("a", "b", "下一步"), ("b", "end", "结束")]).problems() == []


def test_an_unreachable_step_and_a_dead_end_are_named():
    loose = Step("c", "丙", role="r")
    problems = definition([A, B, loose, END], [("a", "b", "x"), ("a", "end", "y")]).problems()
    assert codes(problems) == [
        ("no_way_to_close", ("b",)),
        ("no_way_to_close", ("c",)),
        ("unreachable", ("c",)),
    ]


def test_a_cycle_without_an_exit_cannot_close():
    problems = definition([A, B, END], [("a", "b", "x"), ("b", "a", "y")]).problems()
    assert ("no_way_to_close", ("a",)) in codes(problems)
    assert ("unreachable", ("end",)) in codes(problems)


def test_no_closing_step():
    assert codes(definition([A, B], [("a", "b", "x")]).problems()) == [("no_terminal", ())]


def test_structural_mistakes_are_each_reported():
    bad = Step("B-1", "", role="", limit=5000, unit="hours", side_actions={"fly": ("r",)})
    problems = codes(
        definition(
            [A, A, bad, END],
            [
                ("a", "zz", "x"),
                ("end", "a", "back"),
                ("a", "a", "self"),
                ("a", "end", ""),
                ("a", "end", "again"),
            ],
            start="nowhere",
        ).problems()
    )
    names = {code for code, _values in problems}
    assert {
        "duplicate_step", "bad_code", "unnamed_step", "bad_limit", "no_role", "bad_side_action",
        "unknown_start", "unknown_transition_step", "leaves_terminal", "loop_transition",
        "unnamed_transition",
        "duplicate_transition",
    } <= names  # fmt: skip


def test_unknown_roles_are_named_when_the_roles_are_known():
    step = Step("a", "甲", role="ghost", side_actions={"urge": ("r", "nobody")})
    problems = definition([step, END], [("a", "end", "x")]).problems(frozenset({"r"}))
    assert codes(problems) == [("unknown_role", ("a", "ghost")), ("unknown_role", ("a", "nobody"))]


def test_a_department_step_needs_a_dispatch_on_every_path():
    dispatch = Step("a", "派遣", role="r", dispatch=True)
    handle = Step("h", "处置", role="r", by_department=True)
    sound = definition([dispatch, handle, END], [("a", "h", "派遣"), ("h", "end", "完")])
    assert sound.problems() == []
    register = Step("s", "立案", role="r")
    bypass = definition(
        [register, dispatch, handle, END],
        [("s", "a", "x"), ("a", "h", "y"), ("s", "h", "skip"), ("h", "end", "z")],
        start="s",
    )  # fmt: skip
    assert codes(bypass.problems()) == [("department_not_dispatched", ("h",))]


def test_side_actions_are_granted_per_role():
    step = Step("a", "甲", role="r", side_actions={"extend": ("boss",), "urge": ("boss", "r")})
    assert step.allows("extend", {"boss"}) and not step.allows("extend", {"r"})
    assert step.allows("urge", {"r", "x"}) and not step.allows("park", {"boss"})


@pytest.mark.parametrize("limit", ["abc", None, -1])
def test_a_limit_that_is_not_a_whole_number_is_refused(limit):
    parsed = Definition.from_dict(
        {"start": "a", "steps": [{"code": "a", "name": "甲", "role": "r", "limit": limit}, END.to_dict()],
         "transitions": [{"source": "a", "target": "end", "name": "x"}]}
    )  # fmt: skip
    assert [p.code for p in parsed.problems()] == ["bad_limit"]
