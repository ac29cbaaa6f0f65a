import json

import dspy
import pytest
from typer.testing import CliRunner

from plancoder import cli
from plancoder.errors import PlancoderError
from plancoder.plan import Plan, Step
from plancoder.planning import judge, load_tasks, planner_metric
from plancoder.proposer import recurring
from plancoder.scripted import Script, chat_answer

TASK = {
    "id": "verbose-flag",
    "task": "Add a --verbose flag with tests",
    "context": "argparse CLI",
    "split": "test",
    "required_steps": [{"name": "flag", "any_of": ["flag", "option"]}, {"name": "tests", "any_of": ["test"]}],
    "orderings": [["flag", "tests"]],
    "forbidden": ["rewrite the cli"],
    "max_steps": 4,
}


def make(*steps):
    return Plan(steps=[Step(id=i, title=t, depends_on=list(d)) for i, t, d in steps])


GOOD = make(("s1", "Add the --verbose flag", []), ("s2", "Write tests for it", ["s1"]))


def test_a_plan_meeting_every_requirement_scores_1():
    assert judge(GOOD, TASK) == (1.0, [])


def test_missing_steps_orderings_padding_and_forbidden_cost_points():
    reversed_order = make(("s1", "Write tests", []), ("s2", "Add the flag", ["s1"]))
    score, reasons = judge(reversed_order, TASK)
    assert score == pytest.approx(0.8) and reasons == ["'flag' should come before 'tests'"]
    padded = make(*[(f"s{i}", "Add the option", [f"s{i - 1}"] if i else []) for i in range(8)])
    score, reasons = judge(padded, TASK)
    assert score == pytest.approx(0.4 * 0 + 0.3 * 0.5 + 0.2 * 0 + 0.1 * 0.5)
    assert any("too_many_steps" in r for r in reasons) and any("no step covers 'tests'" in r for r in reasons)
    rogue = make(("s1", "Rewrite the CLI with a flag", []), ("s2", "Test it", ["s1"]))
    assert judge(rogue, TASK)[0] == pytest.approx(0.8)


def test_steps_with_empty_dependencies_are_named_when_an_order_is_missed():
    unlinked = make(("s1", "Add the flag", []), ("s2", "Write tests", []))
    score, reasons = judge(unlinked, TASK)
    assert score == pytest.approx(0.8) and reasons[0] == "'flag' should come before 'tests'"
    assert reasons[1].startswith("steps after the first have an empty depends_on (s2: list in each step's")
    assert recurring([f"To improve the plan: {'; '.join(reasons)}"] * 2).endswith(
        "In 2 of 2 outputs: steps after the first have an empty depends_on"
    )
    independent = {**TASK, "orderings": []}  # nothing asked in order: independent steps are fine
    assert judge(unlinked, independent) == (1.0, [])


def test_no_plan_scores_0_and_metric_gives_feedback():
    assert judge(None, TASK) == (0.0, ["no plan was produced"])
    pred = dspy.Prediction(plan=make(("s1", "Write tests", [])), valid=True)
    result = planner_metric(dspy.Example(gold=TASK), pred)
    assert result.score < 1 and result.feedback.startswith("To improve the plan: no step covers 'flag'")


def test_with_no_plan_the_metric_says_why_the_answers_gave_none():
    attempts = ["Your last answer could not be parsed (Failed to parse field plan); follow the format."] * 2
    result = planner_metric(dspy.Example(gold=TASK), dspy.Prediction(plan=None, feedback=attempts))
    assert result.score == 0.0
    assert result.feedback.startswith("To improve the plan: no plan was produced; 2 of 2 answers could not be read")
    assert "(last: Your last answer could not be parsed (Failed to parse field plan);" in result.feedback
    cut = ["Your last answer could not be parsed: it was cut off before it was complete, because ..."] * 3
    result = planner_metric(dspy.Example(gold=TASK), dspy.Prediction(plan=None, feedback=attempts[:1] + cut))
    assert "4 of 4 answers could not be read as the plan's JSON, 3 of them cut off at the output" in result.feedback
    echoed = ["Your last answer could not be parsed: it repeated the format's JSON-schema note instead of ..."]
    result = planner_metric(dspy.Example(gold=TASK), dspy.Prediction(plan=None, feedback=cut[:1] + echoed * 2))
    assert (
        "3 of 3 answers could not be read as the plan's JSON, 1 of them cut off at the output limit" in result.feedback
    )
    assert ", 2 of them repeated the format's JSON-schema note instead of a plan (last: " in result.feedback
    silent = planner_metric(dspy.Example(gold=TASK), dspy.Prediction(plan=None))
    assert "no plan was produced; no answer was recorded" in silent.feedback


def test_loading_tasks_and_bad_files(tmp_path):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps({"tasks": [TASK, {**TASK, "id": "b", "split": "train"}]}))
    assert [t["id"] for t in load_tasks(path, split="test")] == ["verbose-flag"]
    with pytest.raises(PlancoderError, match="no planning tasks in split validation"):
        load_tasks(path, split="validation")
    path.write_text("[")
    with pytest.raises(PlancoderError, match="cannot read planning tasks"):
        load_tasks(path)


def test_a_reference_plan_must_meet_its_own_task(tmp_path):
    """A worked example shown to the model is checked like a model's plan: valid, every required step kept."""
    steps = [{"id": "s1", "title": "Add the --verbose flag, print each file", "detail": "never rewrite the cli"}]
    steps.append({"id": "s2", "title": "Write tests", "depends_on": ["s1"]})  # a forbidden phrase, negated: kept
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps({"tasks": [{**TASK, "reference_plan": {"steps": steps}}]}))
    assert load_tasks(path)[0]["reference_plan"]["steps"][1]["depends_on"] == ["s1"]
    steps[1]["depends_on"] = ["s3"]
    path.write_text(json.dumps({"tasks": [{**TASK, "reference_plan": {"steps": steps}}]}))
    with pytest.raises(PlancoderError, match=r"reference_plan scores 0\.40 on its own task: unknown_dependency.*fix: "):
        load_tasks(path)


def test_a_task_without_required_steps_is_refused_on_load(tmp_path):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps({"tasks": [{**TASK, "required_steps": [], "orderings": []}]}))
    with pytest.raises(PlancoderError, match=r"required_steps.*at least 1 item"):
        load_tasks(path)


def test_the_suite_labels_training_tasks_only_with_plans_that_meet_their_task():
    labelled = [task for task in load_tasks() if task.get("reference_plan")]
    assert {task["split"] for task in labelled} == {"train"} and len(labelled) >= 2
    assert all(judge(Plan.model_validate(t["reference_plan"]), t | {"forbidden": []})[0] == 1.0 for t in labelled)


runner = CliRunner()
PLAN_REPLY = chat_answer(
    reasoning="flag then tests",
    plan=json.dumps(
        {
            "steps": [
                {"id": "s1", "title": "Add the --verbose flag", "acceptance": "flag parsed"},
                {"id": "s2", "title": "Write tests", "depends_on": ["s1"], "acceptance": "tests pass"},
            ]
        }
    ),
)
CYCLE_REPLY = chat_answer(
    reasoning="r",
    plan=json.dumps(
        {"steps": [{"id": "a", "title": "A", "depends_on": ["b"]}, {"id": "b", "title": "B", "depends_on": ["a"]}]}
    ),
)


def test_plan_command_prints_a_tree_and_json(data_home):
    result = runner.invoke(cli.app, ["plan", "Add a --verbose flag", "--model", Script([PLAN_REPLY]).spec])
    assert result.exit_code == 0, result.output
    assert "s1. Add the --verbose flag\n    done when: flag parsed\ns2. Write tests  (after s1)" in result.output
    result = runner.invoke(cli.app, ["plan", "Add a flag", "--json", "--model", Script([PLAN_REPLY]).spec])
    report = json.loads(result.output)
    assert (
        report["valid"] and report["dependency_violations"] == 0 and report["plan"]["steps"][1]["depends_on"] == ["s1"]
    )


def test_plan_json_stays_json_when_an_attempt_fails_to_parse(data_home):
    result = runner.invoke(cli.app, ["plan", "Add a flag", "--json", "--model", Script(["no plan", PLAN_REPLY]).spec])
    assert result.exit_code == 0 and json.loads(result.stdout)["valid"]  # DSPy 3.0 prints the failed attempt


def test_plan_with_cycles_on_every_attempt_fails_clearly(data_home):
    result = runner.invoke(cli.app, ["plan", "Add a flag", "--model", Script([CYCLE_REPLY] * 3).spec])
    assert result.exit_code == 1
    assert "no valid plan after 3 attempt(s)" in result.output and "dependency cycle a -> b -> a" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "cannot read context file"), (b"\x00\x01bin", "is binary"), (b"\xff\xfe", "not UTF-8")],
)
def test_bad_context_files(data_home, tmp_path, content, message):
    path = tmp_path / "ctx.txt"
    if content is not None:
        path.write_bytes(content)
    result = runner.invoke(cli.app, ["plan", "Add a flag", "--context", str(path)])
    assert result.exit_code != 0 and message in str(result.exception)


def test_eval_planner_writes_its_section_next_to_the_coders(data_home, tmp_path):
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps({"tasks": [TASK]}))
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "eval_report.json").write_text(json.dumps({"coder": {"role": "coder"}}))
    result = runner.invoke(
        cli.app,
        [
            "eval",
            "--role",
            "planner",
            "--suite",
            str(tasks),
            "--out-dir",
            str(tmp_path / "eval"),
            "--model",
            Script([PLAN_REPLY]).spec,
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "eval" / "eval_report.json").read_text())
    assert report["coder"] == {"role": "coder"}
    assert report["planner"]["totals"]["valid"] == 1 and report["planner"]["tasks"][0]["score"] == 1.0


@pytest.mark.article("II", "V")
def test_constitution_findings_reach_the_metric_and_hard_ones_void_validity():
    plan = make(("s1", "Add the flag", []), ("s2", "Write tests", ["s1"]))
    soft = {
        "article": "II",
        "title": "Context",
        "check": "planner.mentions_task_facts",
        "message": "name --verbose",
        "hard": False,
    }
    hard = {
        "article": "V",
        "title": "Integration",
        "check": "planner.step_ids_are_tokens",
        "message": "bad ids",
        "hard": True,
    }
    validity = {"article": "III", "title": "Errors", "check": "planner.plan_is_valid", "message": "cycle", "hard": True}
    clean, _ = judge(plan, TASK)
    assert judge(plan, TASK, [soft, validity])[0] == clean
    score, reasons = judge(plan, TASK, [hard])
    assert score == round(clean - 0.4, 4) and reasons == ["Article V (Integration): bad ids"]
    feedback = planner_metric(dspy.Example(gold=TASK), dspy.Prediction(plan=plan, constitution=[soft])).feedback
    assert feedback == "To improve the plan: Article II (Context): name --verbose"


@pytest.mark.article("II")
def test_plan_command_prints_soft_findings_as_notes(data_home):
    result = runner.invoke(cli.app, ["plan", "Add a flag to `cli.py`", "--model", Script([PLAN_REPLY] * 3).spec])
    assert result.exit_code == 0, result.output
    assert "note: Article II (Context preservation): the task names `cli.py` but no step mentions it" in result.output
