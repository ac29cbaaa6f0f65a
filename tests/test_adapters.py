"""plancoder's adapter renders exactly what DSPy's ChatAdapter renders, however often it is asked."""

import dspy
import pytest
from dspy.utils.exceptions import AdapterParseError

from plancoder.adapters import ChatOnlyAdapter, unglue_headers
from plancoder.coder import FixFunction
from plancoder.planner import PlanTask


def test_the_cached_field_structure_is_dspys_own_for_every_signature():
    for signature in (PlanTask, FixFunction, dspy.Signature("question -> answer"), PlanTask.with_instructions("x")):
        inputs = {name: f"sample {name}" for name in signature.input_fields}
        for _ in range(2):  # the second call is served from the cache
            assert ChatOnlyAdapter().format(signature, [], inputs) == dspy.ChatAdapter().format(signature, [], inputs)
    assert ChatOnlyAdapter().format_field_structure(PlanTask) != ChatOnlyAdapter().format_field_structure(FixFunction)


STEPS = '{"id": "s1", "title": "Write the loader"}, {"id": "s2", "title": "Test it", "depends_on": ["s1"]}'
PLAN_JSON = '{"steps": [' + STEPS + "]}"


def test_a_header_glued_to_the_end_of_a_line_still_ends_the_field():
    """The 0.5B's habit: the plan's closing brace and the `completed` marker on one line."""
    after_the_brace = f"[[ ## plan ## ]]\n{PLAN_JSON}[[ ## completed ## ]]"
    for glued in (after_the_brace, f"[[ ## plan ## ]] {PLAN_JSON} [[ ## completed ## ]]"):
        plan = ChatOnlyAdapter().parse(PlanTask, glued)["plan"]
        assert [step.id for step in plan.steps] == ["s1", "s2"]
    with pytest.raises(AdapterParseError):  # what DSPy's own ChatAdapter makes of it
        dspy.ChatAdapter().parse(PlanTask, after_the_brace)


def test_only_the_signatures_headers_are_moved():
    text = "[[ ## plan ## ]]\nsee [[ ## notes ## ]] here\n[[ ## completed ## ]]"
    assert unglue_headers(PlanTask, text) == text


def test_a_bare_list_of_steps_is_read_as_the_plan():
    steps = '[{"id": "s1", "title": "Write the loader"}]'
    plan = ChatOnlyAdapter().parse(PlanTask, f"[[ ## plan ## ]]\n{steps}\n[[ ## completed ## ]]")["plan"]
    assert [step.title for step in plan.steps] == ["Write the loader"]
    with pytest.raises(AdapterParseError):  # a list of anything else is still no plan
        ChatOnlyAdapter().parse(PlanTask, '[[ ## plan ## ]]\n[{"title": "no id"}]\n[[ ## completed ## ]]')
