"""bench/instruction_headroom.py: rule sets parsed from a file, added to the prompt, measured against the baseline."""

import json
import sys

import pytest
from bench_scripts import load_bench


@pytest.fixture(scope="module")
def headroom():
    return load_bench("instruction_headroom")


def test_rule_sets_are_blank_line_separated_blocks_of_one_rule_per_line(headroom, tmp_path):
    rules = tmp_path / "rules.txt"
    rules.write_text("First rule.\n  Second rule.  \n\n\nThird rule.\n")
    assert headroom.rule_sets(rules) == [["First rule.", "Second rule."], ["Third rule."]]
    assert headroom.rule_sets(None, "planner") == headroom.RULES["planner"] != headroom.rule_sets(None)


def test_with_rules_appends_every_rule_to_every_predictor(headroom):
    changed = headroom.with_rules({"a": "Do it.", "b": "Do that."}, ["Rule one.", "Rule two."])
    assert all(text.endswith("Rules learned from feedback:\n- Rule one.\n- Rule two.") for text in changed.values())
    assert changed["a"].startswith("Do it.")


def test_with_rules_can_target_one_predictor(headroom):
    changed = headroom.with_rules({"a": "Do it.", "b": "Do that."}, ["Rule one."], "b")
    assert changed["a"] == "Do it." and changed["b"].endswith("- Rule one.")
    with pytest.raises(SystemExit, match="no predictor 'c'; the role has: a, b"):
        headroom.with_rules({"a": "Do it.", "b": "Do that."}, ["Rule one."], "c")


def test_the_bench_measures_baseline_and_rule_sets_on_the_same_tasks(headroom, tmp_path, monkeypatch, capsys):
    from plancoder.scripted import Script, chat_answer

    def answer(messages):  # a valid one-step plan; two steps when the rule is in the prompt
        steps = [{"id": "s1", "title": "Add tests", "acceptance": "tests pass"}]
        if "Always add a final step." in messages[0]["content"]:
            steps.append({"id": "s2", "title": "Run the test suite", "depends_on": ["s1"], "acceptance": "green"})
        return chat_answer(plan=json.dumps({"steps": steps}))

    script = Script(answer)
    monkeypatch.setenv("PLANCODER_MODEL_PLANNER", script.spec)
    rules = tmp_path / "rules.txt"
    rules.write_text("Always add a final step.\n")
    argv = ["headroom", "--role", "planner", "--split", "validation", "--limit", "2", "--rules", str(rules)]
    argv += ["--repeats", "2"]
    monkeypatch.setattr(sys, "argv", argv)
    headroom.main()
    out = capsys.readouterr().out
    assert "measured task 2/2 (draw 2/2) on 2 programs" in out
    assert "baseline: shipped 4/4 draws of 2 tasks" in out and "1: shipped 4/4 draws of 2 tasks" in out
    assert "gain bound" in out
    assert sum("Always add a final step." in call["messages"][0]["content"] for call in script.calls) >= 4


def test_tasks_narrow_the_split_to_the_named_ids_and_an_unknown_id_is_a_clear_error(headroom):
    items = [{"id": "a"}, {"id": "b"}, {"id": "c"}]
    assert headroom.chosen(items, "c, a") == [{"id": "a"}, {"id": "c"}]
    assert headroom.chosen(items, "") == items
    with pytest.raises(SystemExit, match="no such task in the split: zz"):
        headroom.chosen(items, "a,zz")


def test_demos_go_on_the_named_predictor_and_an_unnamed_one_is_refused_when_there_are_several(headroom, tmp_path):
    from plancoder.planner import Planner

    demos = tmp_path / "demos.json"
    demos.write_text(json.dumps([{"task": "Add a flag", "context": "", "plan": "{}"}]))
    names = [name for name, _ in Planner().named_predictors()]
    program = headroom.with_demos(Planner(), demos, names[0])
    assert [demo.task for demo in dict(program.named_predictors())[names[0]].demos] == ["Add a flag"]
    assert dict(program.named_predictors())[names[1]].demos == []
    with pytest.raises(SystemExit, match="name the predictor for the demos with --predictor; the role has: "):
        headroom.with_demos(Planner(), demos)


def test_demos_alone_make_the_only_candidate_and_reach_the_prompt(headroom, tmp_path, monkeypatch, capsys):
    from plancoder.scripted import Script, chat_answer

    steps = [{"id": "s1", "title": "Add tests", "acceptance": "tests pass"}]
    script = Script(lambda messages: chat_answer(plan=json.dumps({"steps": steps})))
    monkeypatch.setenv("PLANCODER_MODEL_PLANNER", script.spec)
    demos = tmp_path / "demos.json"
    demos.write_text(json.dumps([{"task": "Rename the DEMO-TASK module", "context": "", "plan": "{}"}]))
    predictor = "plan.guard.module.predictor"
    argv = ["headroom", "--role", "planner", "--split", "validation", "--limit", "1", "--demos", str(demos)]
    monkeypatch.setattr(sys, "argv", [*argv, "--predictor", predictor])
    headroom.main()
    out = capsys.readouterr().out
    assert "on 2 programs" in out and "demos: shipped 1/1 draws of 1 tasks" in out and "\n1: " not in out
    assert any("DEMO-TASK" in str(call["messages"]) for call in script.calls)


@pytest.fixture(scope="module")
def bootstrap():
    return load_bench("bootstrap_demos")


def test_a_bug_fixed_on_the_first_attempt_becomes_a_demo_of_what_that_attempt_saw_and_said(bootstrap):
    bug = {"file": "calc.py", "buggy_source": "def add(a, b):\n    return a - b\n"}
    first = {"passed": True, "reasoning": "It subtracts.", "function_name": "add", "fixed_function": "def add..."}
    record = {"initial_output": "F\n1 failed in 0.02s\n", "history": [first]}
    demo = bootstrap.coder_demo(bug, record, 0.8)
    assert demo["code"] == bug["buggy_source"] and demo["test_output"] == "F\n1 failed in <t>s\n"
    assert demo["feedback"] == demo["task"] == "" and demo["reasoning"] == "It subtracts."
    assert bootstrap.coder_demo(bug, record | {"history": [first | {"passed": False}, first]}, 0.8) is None
    assert bootstrap.coder_demo(bug, record | {"history": []}, 0.8) is None


def test_demo_tasks_must_be_training_tasks_of_the_role(bootstrap):
    assert [bug["id"] for bug in bootstrap.training_tasks("coder", " union_find-dropped_return-L58 ,")] == [
        "union_find-dropped_return-L58"
    ]
    assert bootstrap.training_tasks("planner", "add-verbose-flag")[0]["split"] == "train"
    with pytest.raises(SystemExit, match="not training tasks of the coder: nope; see the role's suite"):
        bootstrap.training_tasks("coder", "union_find-dropped_return-L58,nope")
    with pytest.raises(SystemExit, match=r"not training tasks of the planner: \(none given\)"):
        bootstrap.training_tasks("planner", " , ")


def test_a_valid_plan_scoring_high_enough_becomes_a_demo_with_its_task_and_context(bootstrap):
    task = {"task": "Add a --verbose flag", "context": "a click CLI"}
    record = {"valid": True, "score": 0.9, "plan": {"steps": [{"id": "s1"}]}}
    demo = bootstrap.planner_demo(task, record, 0.8)
    assert demo == {"task": task["task"], "context": "a click CLI", "feedback": "", "plan": record["plan"]}
    assert bootstrap.planner_demo(task, record | {"score": 0.7}, 0.8) is None
    assert bootstrap.planner_demo(task, record | {"valid": False}, 0.8) is None


def test_a_demo_file_that_is_missing_or_not_a_list_of_objects_is_a_clear_error(headroom, tmp_path):
    with pytest.raises(SystemExit, match="cannot read demos from"):
        headroom.demos_in(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text('{"task": "x"}')
    with pytest.raises(SystemExit, match="is not a JSON list of demos"):
        headroom.demos_in(tmp_path / "bad.json")


def test_bootstrap_runs_the_baseline_and_writes_the_demos_it_keeps(bootstrap, tmp_path, monkeypatch, capsys):
    from plancoder.scripted import Script, chat_answer

    steps = [{"id": "s1", "title": "Add the flag with tests", "acceptance": "tests pass"}]
    script = Script(lambda messages: chat_answer(plan=json.dumps({"steps": steps})))
    monkeypatch.setenv("PLANCODER_MODEL_PLANNER", script.spec)
    out = tmp_path / "demos.json"
    argv = ["bootstrap", "--role", "planner", "--tasks", "add-verbose-flag", "--min-score", "0", "--out", str(out)]
    monkeypatch.setattr(sys, "argv", argv)
    bootstrap.main()
    assert "add-verbose-flag: score " in capsys.readouterr().out
    assert [demo["plan"]["steps"][0]["title"] for demo in json.loads(out.read_text())] == ["Add the flag with tests"]
