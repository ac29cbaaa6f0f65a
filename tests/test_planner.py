import json

import dspy
import pytest

from plancoder.adapters import ChatOnlyAdapter
from plancoder.planner import PlanError, Planner, check_task, render_tree
from plancoder.scripted import Script, chat_answer


def plan_json(*steps):
    return json.dumps(
        {
            "steps": [
                {"id": i, "title": f"step {i} of --verbose", "depends_on": list(d), "acceptance": f"{i} done"}
                for i, d in steps
            ]
        }
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


@pytest.mark.article("III")
def test_a_cyclic_plan_is_retried_with_the_validator_feedback():
    result, script = run([CYCLIC, GOOD])
    assert result.valid and result.attempts == 2
    retry_prompt = script.calls[1]["messages"][-1]["content"]
    assert "dependency cycle s1 -> s2 -> s1" in retry_prompt


@pytest.mark.article("III")
def test_a_plan_invalid_on_every_attempt_is_never_returned_as_valid():
    result, _ = run([CYCLIC] * 3)
    assert not result.valid and result.attempts == 3
    assert result.dependency_violations >= 1
    assert any(v["kind"] == "cycle" for v in result.violations)


@pytest.mark.article("III", "V")
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
    assert text.splitlines()[:3] == [
        "s1. step s1 of --verbose",
        "    done when: s1 done",
        "s2. step s2 of --verbose  (after s1)",
    ]


def test_the_reasoning_variant_keeps_its_reasoning_and_single_goal_flags_orphans():
    result, _ = run([GOOD], reason=True)
    assert result.valid and result.reasoning == "Implement, then test."
    orphaned = chat_answer(reasoning="r", plan=plan_json(("s1", ""), ("s2", ""), ("s3", ["s1"])))
    result, _ = run([orphaned] * 3, single_goal=True)
    assert not result.valid and {v["kind"] for v in result.violations} == {"orphan"}
    assert run([orphaned], link=False)[0].valid


UNLINKED = chat_answer(plan=plan_json(("s1", ""), ("s2", ""), ("s3", "")))


def test_a_valid_plan_s_unlinked_steps_are_linked_by_a_second_call():
    links = chat_answer(depends_on=json.dumps({"s1": ["s2"], "s3": ["s2", "s9"]}))
    result, script = run([UNLINKED, links])
    assert result.valid and result.links_added == 2 and result.attempts == 1
    assert [s.depends_on for s in result.plan.steps] == [[], ["s1"], ["s2"]]
    assert "s2: step s2 of --verbose" in script.calls[1]["messages"][-1]["content"]


@pytest.mark.article("III")
def test_a_linking_answer_that_does_not_parse_keeps_the_plan_as_it_was():
    result, script = run([UNLINKED, "no links here"])
    assert result.valid and result.links_added == 0 and len(script.calls) == 2
    assert [s.depends_on for s in result.plan.steps] == [[], [], []]


def test_invalid_plans_and_planners_without_linking_make_no_linking_call():
    assert len(run([UNLINKED], link=False)[1].calls) == 1
    result, script = run([CYCLIC] * 3)
    assert not result.valid and len(script.calls) == 3 and result.links_added == 0


def test_a_saved_state_loads_with_the_shape_it_was_saved_with():
    with_link, without = Planner(), Planner(link=False)
    assert Planner(link=False).load_state(with_link.dump_state()).link is not None
    assert Planner().load_state(without.dump_state()).link is None


@pytest.mark.article("III")
def test_failures_in_one_call_do_not_shorten_the_next_calls_attempts():
    script = Script(lambda messages: "not a plan")
    planner = Planner()
    with dspy.context(lm=script.lm(), adapter=ChatOnlyAdapter()):
        counts = [planner(task="Add a flag").attempts for _ in range(3)]
    assert counts == [3, 3, 3]


@pytest.mark.article("II", "IV")
def test_a_plan_that_drops_the_task_s_flag_and_acceptance_is_retried_with_the_articles_named():
    vague = json.dumps({"steps": [{"id": "s1", "title": "Change the CLI", "depends_on": []}]})
    result, script = run([chat_answer(plan=vague), GOOD])
    assert result.valid and result.attempts == 2 and result.constitution == []
    retry_prompt = script.calls[1]["messages"][-1]["content"]
    assert "Article II (Context preservation) [planner.mentions_task_facts]" in retry_prompt
    assert "the task names `--verbose` but no step mentions it" in retry_prompt
    assert "Article IV (Documentation) [planner.steps_have_acceptance]" in retry_prompt


@pytest.mark.article("II")
def test_a_plan_with_only_soft_violations_is_still_valid_with_its_findings_reported():
    vague = json.dumps({"steps": [{"id": "s1", "title": "Change the CLI", "depends_on": [], "acceptance": "ok"}]})
    result, _ = run([chat_answer(plan=vague)] * 3)
    assert result.valid and result.score == 0.9 and [f["article"] for f in result.constitution] == ["II"]


@pytest.mark.article("I", "V")
def test_a_plan_breaking_a_hard_article_is_not_valid_even_without_dependency_violations():
    bad = json.dumps({"steps": [{"id": "step one", "title": "--verbose", "acceptance": "ok", "files": ["/etc/x"]}]})
    result, _ = run([chat_answer(plan=bad)] * 3)
    assert not result.valid and result.dependency_violations == 0
    assert {f["article"] for f in result.constitution} == {"I", "V"}
