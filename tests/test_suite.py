"""The committed built-in seeded-bug suite is sound: big enough, split by module, reproducible."""

import json
import re
from collections import Counter

import pytest

from plancoder.errors import PlancoderError
from plancoder.mutations import OPERATORS
from plancoder.sandbox import run_tests
from plancoder.suite import (
    DEMO_BUG,
    SPLITS,
    benchmarks_dir,
    corpus_modules,
    find_bug,
    load_bugs,
    materialized,
    split_modules,
    suite_path,
)


@pytest.fixture(scope="module")
def bugs():
    return load_bugs()


def test_the_corpus_and_the_suite_are_big_and_diverse(bugs):
    assert len(corpus_modules()) >= 40
    assert len(bugs) >= 150
    operators = Counter(bug["operator"] for bug in bugs)
    assert set(operators) >= set(OPERATORS)
    assert len({bug["module"] for bug in bugs}) >= 40


def test_splits_never_share_a_module(bugs):
    modules = {split: {b["module"] for b in bugs if b["split"] == split} for split in SPLITS}
    assert all(modules[split] for split in SPLITS)
    assert not (
        modules["train"] & modules["validation"]
        or modules["train"] & modules["test"]
        or modules["validation"] & modules["test"]
    )


def test_split_assignment_reproduces_the_committed_splits():
    suite = json.loads(suite_path().read_text())
    assert split_modules(corpus_modules(), suite["seed"]) == suite["splits"]
    assert split_modules(corpus_modules(), suite["seed"] + 1) != suite["splits"]


def test_every_bug_records_where_and_what(bugs):
    for bug in bugs:
        assert bug["original_line"] and bug["lineno"] > 0 and bug["patch"].startswith("---")
        assert bug["buggy_source"] != (benchmarks_dir() / "corpus" / bug["module"] / bug["file"]).read_text()


@pytest.mark.parametrize("index", [0, 57, 111])
def test_a_materialized_bug_fails_its_tests(bugs, index):
    bug = bugs[index % len(bugs)]
    with materialized(bug) as project:
        run = run_tests(project, bug["test_cmd"])
    assert not run.passed and "failed" in run.output


def test_filters_and_lookups():
    assert {b["split"] for b in load_bugs(split="test")} == {"test"}
    assert len(load_bugs(split="train", limit=3)) == 3
    assert find_bug(DEMO_BUG)["split"] == "test"
    with pytest.raises(PlancoderError, match="unknown split"):
        load_bugs(split="holdout")
    with pytest.raises(PlancoderError, match="no seeded bug"):
        find_bug("nope")


def test_an_unreadable_suite_is_a_clear_error(tmp_path):
    (tmp_path / "bugs.json").write_text("{not json")
    with pytest.raises(PlancoderError, match="cannot read bug suite"):
        load_bugs(tmp_path / "bugs.json")
    (tmp_path / "empty.json").write_text('{"bugs": []}')
    with pytest.raises(PlancoderError, match="has no bugs"):
        load_bugs(tmp_path / "empty.json")
    (tmp_path / "numbers.json").write_text('{"bugs": [1, 2]}')
    with pytest.raises(PlancoderError, match="it is not an object with a 'bugs' list of objects"):
        load_bugs(tmp_path / "numbers.json")
    for content, reason in [("null", "not an object with a 'bugs' list"), ("[" * 100_000, "nested too deeply")]:
        (tmp_path / "odd.json").write_text(content)
        with pytest.raises(PlancoderError, match=reason):
            load_bugs(tmp_path / "odd.json")
    (tmp_path / "partial.json").write_text('{"bugs": [{"id": "a", "file": "m.py", "patch": "", "module": "m"}]}')
    with pytest.raises(PlancoderError, match=r"entry 1 of bug suite .* lacks test_cmd, buggy_source \(fix"):
        load_bugs(tmp_path / "partial.json")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"file": "../../escape.py"}, "file '../../escape.py' is not a .py path inside the project"),
        ({"file": "/tmp/escape.py"}, "file '/tmp/escape.py' is not a .py path inside the project"),
        ({"file": "notes.txt"}, "file 'notes.txt' is not a .py path"),
        ({"module": "../../../../etc"}, "module '../../../../etc' is not a corpus folder name"),
        ({"test_cmd": ["pytest"]}, "test_cmd is not a string"),
    ],
)
def test_a_suite_entry_cannot_reach_outside_its_project(tmp_path, bugs, change, message):
    (tmp_path / "bugs.json").write_text(json.dumps({"bugs": [{**bugs[0], **change}]}))
    with pytest.raises(PlancoderError, match=re.escape(message)):
        load_bugs(tmp_path / "bugs.json")


def test_a_planning_task_without_its_keys_is_a_clear_error(tmp_path):
    from plancoder.planning import load_tasks

    (tmp_path / "tasks.json").write_text('{"tasks": [{"id": "t", "task": "x", "orderings": []}, {}]}')
    with pytest.raises(PlancoderError, match=r"entry 1 of planning tasks .* lacks required_steps"):
        load_tasks(tmp_path / "tasks.json")


TASK = {"id": "t", "task": "Add a flag", "required_steps": [{"name": "flag", "any_of": ["flag"]}], "orderings": []}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"required_steps": "abc"}, "[required_steps] = 'abc': Input should be a valid list"),
        ({"orderings": [["flag"]]}, "[orderings.0] = ['flag']: List should have at least 2 items"),
        ({"orderings": [["flag", "docs"]]}, "ordering ['flag', 'docs'] names 'docs', which is not a required step"),
        ({"max_steps": "7"}, "[max_steps] = '7': Input should be a valid integer"),
        ({"required_steps": [{"name": "flag", "any_of": "flag"}]}, "[required_steps.0.any_of] = 'flag'"),
        ({"task": 5}, "[task] = 5: Input should be a valid string"),
        ({"context": ["a"]}, "[context] = ['a']"),
        ({"forbidden": "drop"}, "[forbidden] = 'drop': Input should be a valid list"),
        ({"forbiden": ["drop"]}, "unknown key 'forbiden'"),
    ],
)
def test_a_planning_task_of_the_wrong_types_is_refused_before_any_model_call(tmp_path, change, message):
    from plancoder.planning import load_tasks

    (tmp_path / "tasks.json").write_text(json.dumps({"tasks": [{**TASK, **change}]}))
    with pytest.raises(PlancoderError, match=re.escape(f"task 't' of {tmp_path / 'tasks.json'}: {message}")):
        load_tasks(tmp_path / "tasks.json")


def test_two_entries_with_one_id_are_refused(tmp_path):
    from plancoder.planning import load_tasks

    (tmp_path / "tasks.json").write_text(json.dumps({"tasks": [TASK, {**TASK, "task": "Other"}]}))
    with pytest.raises(PlancoderError, match="has two entries with id 't'"):
        load_tasks(tmp_path / "tasks.json")
    assert len({task["id"] for task in load_tasks()}) == len(load_tasks())
