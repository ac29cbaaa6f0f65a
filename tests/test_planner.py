import json

import dspy
import pytest

from plancoder.adapters import ChatOnlyAdapter
from plancoder.planner import PlanError, Planner, check_task, render_tree
from plancoder.scripted import Script, chat_answer


def plan_json(*steps):
    return json.dumps(
        {"steps": [{"id": i, "title": f"step {i}", "depends_on": list(d), "acceptance": f"{i} done"} for i, d in steps]}
    )


GOOD = chat_answer(reasoning="Implement, then test.", plan=plan_json(("s1", ""), ("s2", ["s1"]), ("s3", ["s2"])))
CYCLIC = chat_answer(reasoning="r", plan=plan_json(("s1", ["s2"]), ("s2", ["s1"])))


def run(replies, **kwargs):
    script = Script(replies)
    with dspy.context(lm=script.lm(), adapter=ChatOnlyAdapter()):
        return Planner(**kwargs)(task="Add a --verbose flag", context="argparse CLI"), script


@pytest.mark.parametrize("guard", ["best_of_n", "refine"])
def test_a_valid_plan_is_returned_on_the_first_attempt(guard):
    result, script = run([GOOD], guard=guard)
    assert result.valid and result.attempts == 1 and result.dependency_violations == 0
    assert [s.id for s in result.plan.steps] == ["s1", "s2", "s3"]
    assert len(script.calls) == 1


def test_a_cyclic_plan_is_retried_with_the_validator_feedback():
    result, script = run([CYCLIC, GOOD])
    assert result.valid and result.attempts == 2
    retry_prompt = script.calls[1]["messages"][-1]["content"]
    assert "dependency cycle s1 -> s2 -> s1" in retry_prompt


def test_a_plan_invalid_on_every_attempt_is_never_returned_as_valid():
    result, _ = run([CYCLIC] * 3)
    assert not result.valid and result.attempts == 3
    assert result.dependency_violations >= 1
    assert any(v["kind"] == "cycle" for v in result.violations)


def test_garbage_on_every_attempt_is_a_clear_failure():
    result, _ = run(lambda messages: "not a plan")
    assert not result.valid and result.plan is None and result.attempts == 3
    assert "could not be parsed" in result.feedback[0]


@pytest.mark.parametrize(
    ("task", "context", "message"),
    [
        ("   ", "", "the task is empty"),
        ("x" * 20_001, "", "20,001 characters"),
        ("ok", "y" * 40_001, "the context has 40,001"),
    ],
)
def test_bad_input(task, context, message):
    with pytest.raises(PlanError, match=message):
        check_task(task, context)


def test_render_tree():
    result, _ = run([GOOD])
    text = render_tree(result.plan)
    assert text.splitlines()[:3] == ["s1. step s1", "    done when: s1 done", "s2. step s2  (after s1)"]


def test_the_reasoning_variant_keeps_its_reasoning_and_single_goal_flags_orphans():
    result, _ = run([GOOD], reason=True)
    assert result.valid and result.reasoning == "Implement, then test."
    orphaned = chat_answer(reasoning="r", plan=plan_json(("s1", ""), ("s2", ""), ("s3", ["s1"])))
    result, _ = run([orphaned] * 3, single_goal=True)
    assert not result.valid and {v["kind"] for v in result.violations} == {"orphan"}
    assert run([orphaned])[0].valid


def test_failures_in_one_call_do_not_shorten_the_next_calls_attempts():
    script = Script(lambda messages: "not a plan")
    planner = Planner()
    with dspy.context(lm=script.lm(), adapter=ChatOnlyAdapter()):
        counts = [planner(task="Add a flag").attempts for _ in range(3)]
    assert counts == [3, 3, 3]
