"""GEPA under a budget with scripted models: the optimized instructions reach a new program version."""

import dataclasses
import json

import pytest

from plancoder import scripted
from plancoder.budget import BudgetExhausted, Meter, OptimizerCaps, RoleBudget
from plancoder.optimize import optimize_role
from plancoder.programs import load_version, registry_for, role_program
from plancoder.runtime import build_runtime
from plancoder.scripted import Script, chat_answer

RULE = "Always add a final step that writes tests."


def _plan(with_tests: bool) -> str:
    steps = [{"id": "s1", "title": "Add the --verbose flag option", "depends_on": [], "acceptance": "flag parsed"}]
    steps.append({"id": "s2", "title": "print each file copied", "depends_on": ["s1"], "acceptance": "printed"})
    if with_tests:
        steps.append({"id": "s3", "title": "write tests with assert", "depends_on": ["s2"], "acceptance": "green"})
    return chat_answer(plan=json.dumps({"steps": steps}))


def student(messages):
    """Plans with a test step only when the instructions say so."""
    return _plan(RULE in messages[0]["content"])


def reflection(messages):
    """Reads GEPA's reflection prompt and answers with the rule, in the format each DSPy version asks for."""
    text = "".join(str(m.get("content", "")) for m in messages)
    if "`rule`" in text:  # plancoder's rule proposer: one rule through the ChatAdapter
        return chat_answer(rule=RULE)
    if "new_instruction" in text:  # DSPy 3.4's proposer: a typed signature through JSONAdapter
        return json.dumps({"new_instruction": f"Plan the task. {RULE}"})
    return f"```\nPlan the task. {RULE}\n```"


TASK = {
    "task": "Add a --verbose flag to the `sync` command that prints each file, with tests.",
    "context": "",
    "required_steps": [
        {"name": "flag", "any_of": ["flag"]},
        {"name": "output", "any_of": ["print"]},
        {"name": "tests", "any_of": ["test"]},
    ],
    "orderings": [["flag", "output"]],
    "forbidden": [],
    "max_steps": 6,
    "size": "small",
}


def scripted_runtime(tmp_path, planner):
    """A runtime whose Planner is ``planner`` and whose reflection model proposes RULE."""
    config = tmp_path / "plancoder.toml"
    config.write_text(f'[registry]\npath = "{tmp_path / "programs"}"\n[tracking]\nenabled = false\n')
    env = {"PLANCODER_MODEL_PLANNER": planner.spec, "PLANCODER_MODEL_REFLECTION": Script(reflection).spec}
    return build_runtime(config, env, cache=False)


@pytest.fixture
def runtime(tmp_path):
    return scripted_runtime(tmp_path, Script(student))


def small_suite(split, limit):
    return [{**TASK, "id": f"{split}-{i}", "split": split} for i in range(2)]


def budget(proposer="rule", **production):
    caps = OptimizerCaps(max_metric_calls=12, max_wall_minutes=5, max_reflection_tokens=100_000, proposer=proposer)
    return RoleBudget(optimizer=caps, production=production or {})


@pytest.mark.article("VI")
@pytest.mark.parametrize("proposer", ["rule", "rewrite"])
def test_gepa_finds_the_rule_and_the_accepted_candidate_becomes_a_version(runtime, proposer):
    role = dataclasses.replace(role_program("planner"), items=small_suite)
    section = optimize_role(runtime, role, budget(proposer, max_latency_ratio=50.0, max_token_ratio=5.0))
    assert section["baseline"]["score"] < section["chosen"]["totals"]["score"]
    if proposer == "rule":
        first = {"component": "program.plan.guard.module.predictor", "rule": RULE, "refused": ""}
        assert section["proposals"][0] == first
    assert section["version"] == "v1" and section["chosen"]["accepted"]
    assert RULE in section["prompt_diff"] and section["prompt_diff"].startswith("--- baseline/")
    assert section["meter"]["metric_calls"] >= 2 and section["usage"]  # every LM call of the run is counted
    loaded = load_version(runtime, "planner", "v1")
    assert any(RULE in p.signature.instructions for p in loaded.predictors())
    assert registry_for(runtime, "planner").ids() == ["baseline", "v1"]


@pytest.mark.article("VI")
def test_a_candidate_over_the_token_cap_is_rejected_with_the_figures(runtime):
    role = dataclasses.replace(role_program("planner"), items=small_suite)
    section = optimize_role(runtime, role, budget(max_latency_ratio=50.0, max_token_ratio=0.5))
    (candidate,) = [c for c in section["candidates"] if RULE in json.dumps(c["instructions"])]
    assert not candidate["accepted"] and section["version"] is None
    assert any("Article VI" in reason and "over the cap x0.50" in reason for reason in candidate["reasons"])
    assert registry_for(runtime, "planner").ids() == ["baseline"]


def test_with_no_candidate_the_baseline_is_not_measured_again(tmp_path, monkeypatch):
    """GEPA's own validation pass gives the baseline's score; a release pass would cost calls for nothing."""
    deaf = Script(lambda messages: _plan(False))  # never follows a learned rule, so no proposal is better
    role = dataclasses.replace(role_program("planner"), items=small_suite)
    monkeypatch.setattr("plancoder.optimize.measure", lambda *args, **kwargs: pytest.fail("measured again"))
    section = optimize_role(scripted_runtime(tmp_path, deaf), role, budget())
    assert section["candidates"] == [] and section["chosen"] is None and section["version"] is None
    assert section["baseline"]["tasks"] == 2 and section["baseline"]["measured_by"].startswith("GEPA's")
    assert section["gepa"]["val_aggregate_scores"][0] == section["baseline"]["score"]


def test_a_spent_meter_stops_the_student_and_its_metric_at_once():
    meter = Meter(OptimizerCaps(max_metric_calls=5, max_wall_minutes=0.0001, max_reflection_tokens=10))
    meter.started -= 1
    assert meter.check() and "wall time" in meter.stopped
    assert meter.as_dict()["stopped_by"].startswith("wall time")


def test_the_reflection_model_is_told_its_job_and_charged_to_the_meter(runtime):
    from plancoder.optimize import REFLECTION_ROLE, reflection_lm

    meter = Meter(OptimizerCaps(max_metric_calls=5, max_wall_minutes=5, max_reflection_tokens=10**6))
    lm = reflection_lm(runtime, meter)
    assert lm.kwargs["max_tokens"] >= 2048
    lm("Improve: ...")  # DSPy 3.0's GEPA passes one raw prompt
    script = scripted.script_for(runtime.switcher.spec_for("reflection"))
    assert script.calls[-1]["messages"][0] == {"role": "system", "content": REFLECTION_ROLE}
    assert meter.reflection_tokens > 0
    meter.reflection_tokens = 10**6
    with pytest.raises(BudgetExhausted, match="reflection tokens"):
        lm("again")


def test_a_fence_language_tag_never_becomes_part_of_the_proposed_instruction(tmp_path):
    from plancoder.optimize import drop_fence_tags, reflection_lm

    assert drop_fence_tags("New:\n```plaintext\nFix the bug.\n```") == "New:\n```\nFix the bug.\n```"
    assert drop_fence_tags("```\nkeep\n```") == "```\nkeep\n```"
    env = {"PLANCODER_MODEL_REFLECTION": Script(["```markdown\nPlan in order.\n```"]).spec, "PLANCODER_TRACKING": "off"}
    meter = Meter(OptimizerCaps(max_metric_calls=5, max_wall_minutes=5, max_reflection_tokens=10**6))
    lm = reflection_lm(build_runtime(None, env, cache=False), meter)
    assert lm("Improve: ...") == ["```\nPlan in order.\n```"]  # what GEPA 3.0's extractor then reads
