"""Worked examples on a role's named predictor, whichever way the role's settings wrap it."""

import pytest

from plancoder.coder import Coder
from plancoder.demos import Demos
from plancoder.errors import PlancoderError
from plancoder.planner import Planner
from plancoder.programs import role_program

EXAMPLE = {"task": "Add a flag", "context": "", "feedback": "", "plan": {"steps": [{"id": "s1", "title": "Add it"}]}}


@pytest.mark.parametrize(
    ("reason", "name"), [(False, "plan.guard.module.predictor"), (True, "plan.guard.module.predictor.predict")]
)
def test_the_examples_reach_the_plan_call_with_or_without_reasoning(reason, name):
    program = Demos("plan.guard.module.predictor", ("t",), (EXAMPLE,)).on(Planner(reason=reason))
    predictors = dict(program.named_predictors())
    assert predictors[name].demos[0]["plan"] == EXAMPLE["plan"] and predictors["link"].demos == []


def test_a_predictor_the_program_lacks_is_a_clear_error_naming_the_ones_it_has():
    with pytest.raises(
        PlancoderError, match=r"no predictor 'plan\.missing'.*it has: plan\.guard\.module\.predictor, link"
    ):
        Demos("plan.missing", ("t",), (EXAMPLE,)).on(Planner())


def test_no_examples_leave_the_program_as_it_is():
    program = Planner()
    assert Demos().on(program) is program and not Demos().diff()
    assert all(p.demos == [] for p in program.predictors())


def test_a_fix_example_reaches_the_coders_fix_call_and_the_diff_names_the_function():
    example = {"task": "", "file_path": "m.py", "code": "x", "test_output": "E", "feedback": "", "reasoning": "r"}
    demos = Demos(role_program("coder").demo_predictor, ("bug-1",), (example | {"function_name": "area"},))
    (predictor,) = demos.on(Coder()).predictors()
    assert predictor.demos[0]["function_name"] == "area"
    assert demos.diff().splitlines()[1] == "+   bug-1: fixes area"
