import dspy
import pytest

from plancoder.metrics import bug_function, coder_metric, failing_tests
from plancoder.stats import mean_interval, wilson_interval

OUTPUT = """F.
=================================== FAILURES ===================================
    def test_add():
>       assert add(2, 3) == 5
E       assert -1 == 5
FAILED test_calc.py::test_add - assert -1 == 5
1 failed, 1 passed in 0.02s
"""
BUG = {"operator": "arithmetic_swap", "lineno": 3, "original_line": "return a + b", "mutated_line": "return a - b"}


def test_failing_tests_keeps_what_failed_and_how():
    assert failing_tests(OUTPUT) == "E       assert -1 == 5\nFAILED test_calc.py::test_add - assert -1 == 5"


def test_failing_tests_read_the_same_whatever_the_objects_addresses():
    output = "E       assert <calc.Box object at 0x7f5e4c2e1550> == 5\n"
    assert failing_tests(output) == "E       assert <calc.Box object at 0x<addr>> == 5"


def test_metric_on_a_pass():
    pred = dspy.Prediction(passed=True, attempts=2, score=1.0, history=[])
    result = coder_metric(dspy.Example(bug=BUG), pred)
    assert result.score == 1.0 and "2 attempt(s)" in result.feedback


def test_metric_feedback_names_the_failing_test_and_the_seeded_bug():
    history = [{"error": "", "test_output": OUTPUT}]
    result = coder_metric(dspy.Example(bug=BUG), dspy.Prediction(passed=False, attempts=1, score=0.25, history=history))
    assert result.score == 0.25
    assert "FAILED test_calc.py::test_add - assert -1 == 5" in result.feedback
    assert (
        "a swapped arithmetic operator (such as - for +) at line 3" in result.feedback
        and "`return a + b` became `return a - b`" in result.feedback
    )


DEFINITIONS = {
    "Calc.add": "def add(self, a, b):\n    return a + b",
    "add": "def add(self, a, b):\n    return a + b",
    "twice": "def twice(x):\n    return x + x",
    "nowhere": "def nowhere():\n    return 0",
}
BUGGY = "class Calc:\n    def add(self, a, b):\n        return a - b\n\n\ndef twice(x):\n    return 2 * x\n"


@pytest.mark.parametrize(
    ("rewrote", "said"),
    [
        (["`Calc.add`"], "The proposals rewrote `Calc.add`, the function with the bug, without undoing it."),
        (["add()"], "The proposals rewrote `Calc.add`, the function with the bug, without undoing it."),
        (["twice", "`twice`"], "The proposals rewrote `twice`, not `Calc.add`."),
        (["nowhere"], "became `return a - b`."),  # an edit that could not be applied rewrote nothing
        ([], "became `return a - b`."),
    ],
)
def test_metric_feedback_says_whether_the_proposals_rewrote_the_function_with_the_bug(rewrote, said):
    bug = {**BUG, "buggy_source": BUGGY}
    history = [
        {"error": "", "test_output": OUTPUT, "function_name": name, "fixed_function": DEFINITIONS[name.strip("`()")]}
        for name in rewrote
    ]
    feedback = coder_metric(
        dspy.Example(bug=bug), dspy.Prediction(passed=False, attempts=1, score=0.2, history=history)
    ).feedback
    assert (
        "a swapped arithmetic operator (such as - for +) at line 3 in `Calc.add`:" in feedback
        and feedback.splitlines()[0].endswith(said)
    )


def test_metric_feedback_counts_the_proposals_that_changed_nothing():
    """An unchanged function is no rewrite of it; the count is what a general rule can be drawn from."""
    bug = {**BUG, "buggy_source": BUGGY}
    same = {"error": "", "test_output": OUTPUT, "function_name": "add", "fixed_function": DEFINITIONS["add"]}
    history = [{**same, "unchanged": True}, {**same, "fixed_function": "def add(self, a, b):\n    return b - a"}]
    failed = coder_metric(dspy.Example(bug=bug), dspy.Prediction(passed=False, attempts=2, score=0.2, history=history))
    assert failed.feedback.splitlines()[0].endswith(
        "without undoing it. 1 of 2 proposal(s) returned the function with its code unchanged."
    )
    passed = coder_metric(dspy.Example(bug=bug), dspy.Prediction(passed=True, attempts=2, score=1.0, history=history))
    assert passed.feedback.startswith("The fix made every test pass in 2 attempt(s). 1 of 2 proposal(s) returned")
    only_same = coder_metric(
        dspy.Example(bug=bug), dspy.Prediction(passed=False, attempts=1, score=0.2, history=[history[0]])
    )
    assert "rewrote" not in only_same.feedback and only_same.feedback.splitlines()[0].endswith(
        "1 of 1 proposal(s) returned the function with its code unchanged."
    )


def test_the_function_with_the_bug_is_the_innermost_one_or_none():
    assert bug_function({**BUG, "buggy_source": BUGGY}) == "Calc.add"
    assert bug_function({**BUG, "lineno": 4, "buggy_source": BUGGY}) == ""
    assert bug_function({**BUG, "lineno": 4, "mutated_line": "", "buggy_source": BUGGY}) == "Calc.add"
    assert bug_function({**BUG, "buggy_source": "def broken(:\n"}) == ""
    assert bug_function(BUG) == ""


def test_metric_feedback_for_an_edit_that_could_not_be_applied():
    history = [{"error": "there is no function named `ad`", "test_output": ""}]
    result = coder_metric(dspy.Example(), dspy.Prediction(passed=False, attempts=3, score=0.0, history=history))
    assert result.feedback == "The last proposal could not be applied: there is no function named `ad`."


def test_metric_accepts_gepa_five_argument_calls():
    pred = dspy.Prediction(passed=True, attempts=1, score=1.0, history=[])
    assert coder_metric(dspy.Example(bug=BUG), pred, None, "fix.predict", []).score == 1.0


def test_intervals():
    assert wilson_interval(0, 0) == (0.0, 0.0)
    low, high = wilson_interval(8, 10)
    assert 0.49 < low < 0.5 and 0.94 < high < 0.95
    summary = mean_interval([1.0, 2.0, 3.0, 10.0])
    assert summary["mean"] == 4.0 and summary["p50"] == 2.5 and summary["p95"] == 10.0
    assert mean_interval([])["mean"] == 0.0 and mean_interval([5.0])["ci95_low"] == 5.0


DOCSTRING = {"article": "IV", "title": "Documentation", "check": "coder.keeps_docstring", "message": "keep it"}
FAILED = {"article": "III", "title": "Error prevention", "check": "coder.tests_pass", "message": "tests fail"}


def test_metric_feedback_names_the_broken_articles_for_gepa():
    pred = dspy.Prediction(passed=True, attempts=3, score=0.9, history=[], constitution=[DOCSTRING])
    result = coder_metric(dspy.Example(bug=BUG), pred)
    assert result.score == 0.9
    assert result.feedback == "The fix made every test pass in 3 attempt(s). Article IV (Documentation): keep it"
    history = [{"error": "", "test_output": OUTPUT}]
    pred = dspy.Prediction(passed=False, attempts=1, score=0.2, history=history, constitution=[FAILED, DOCSTRING])
    feedback = coder_metric(dspy.Example(), pred).feedback
    assert feedback.splitlines()[0].endswith("Article IV (Documentation): keep it") and "tests fail" not in feedback
