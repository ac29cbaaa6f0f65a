"""The Coder's hand-written worked examples: each one a real fix of a training bug, checked on load."""

import json

import pytest

from plancoder.coder import Workspace
from plancoder.errors import PlancoderError
from plancoder.fix_examples import coder_demo, examples_path, load_fix_examples, packaged_examples
from plancoder.sandbox import Limits
from plancoder.suite import load_bugs, materialized

TRAIN = {bug["id"]: bug for bug in load_bugs(None, "train")}


@pytest.mark.parametrize("bug_id", sorted(packaged_examples()))
def test_every_packaged_example_fixes_its_training_bug(bug_id):
    example, bug = packaged_examples()[bug_id], TRAIN[bug_id]
    with materialized(bug) as project:
        workspace = _workspace(project, bug)  # the Coder's own path: the edit, then the sandboxed test run
        run = workspace.run(workspace.candidate(example.function_name, example.fixed_function))
    assert run.passed, run.output[-2000:]


def test_a_labelled_bug_gives_a_first_attempt_demo_and_any_other_none():
    bug_id = next(iter(packaged_examples()))
    demo = coder_demo(TRAIN[bug_id])
    assert demo["file_path"] == TRAIN[bug_id]["file"] and demo["feedback"] == "" and demo["task"] == ""
    assert set(demo) == {"task", "file_path", "code", "test_output", "feedback", "reasoning"} | {
        "function_name",
        "fixed_function",
    }
    assert coder_demo({"id": "no-such-bug", "file": "x.py"}) is None


def _write(tmp_path, **changes):
    entry = packaged_examples()[next(iter(packaged_examples()))].model_dump() | changes
    path = tmp_path / "fix_examples.json"
    path.write_text(json.dumps({"examples": [entry]}))
    return path


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id": "no-such-bug"}, "no such bug in the training split"),
        ({"function_name": "not_there"}, "function_name is not .*, the function it fixes"),
        ({"function_name": "age_detail"}, "its fix does not apply"),
        ({"fixed_function": "def broken(:\n    pass"}, "its fix does not apply"),
        ({"reasoning": ""}, "reasoning"),
        ({"hint": "x"}, "hint"),
    ],
)
def test_a_bad_example_is_a_clear_error_naming_it(tmp_path, changes, message):
    with pytest.raises(PlancoderError, match=message):
        load_fix_examples(_write(tmp_path, **changes))


def test_an_example_whose_fix_changes_nothing_is_refused(tmp_path):
    bug_id = next(iter(packaged_examples()))
    example = packaged_examples()[bug_id]
    with materialized(TRAIN[bug_id]) as project:
        unchanged = _workspace(project, TRAIN[bug_id]).show_function(example.function_name)
    with pytest.raises(PlancoderError, match="leaves the buggy file as it is"):
        load_fix_examples(_write(tmp_path, fixed_function=unchanged))


def test_two_examples_of_one_bug_are_refused(tmp_path):
    entry = packaged_examples()[next(iter(packaged_examples()))].model_dump()
    path = tmp_path / "fix_examples.json"
    path.write_text(json.dumps({"examples": [entry, entry]}))
    with pytest.raises(PlancoderError, match="two entries with id"):
        load_fix_examples(path)


def test_the_packaged_file_is_the_default():
    assert load_fix_examples() == packaged_examples() and examples_path().name == "fix_examples.json"


def _workspace(project, bug):
    return Workspace(project, bug["file"], bug["test_cmd"], Limits())
