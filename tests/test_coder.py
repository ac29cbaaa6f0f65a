import dspy
import pytest
from buggy_calc import BUGGY, GOOD, TEST_CMD, WRONG, fix_reply

from plancoder.adapters import ChatOnlyAdapter
from plancoder.coder import Coder, CoderError, check_target, feedback_text, for_model, pytest_counts
from plancoder.errors import ConfigError, PlancoderError
from plancoder.sandbox import Limits, run_tests
from plancoder.scripted import Script, chat_answer


def run_coder(project, replies, coder=None, **kwargs):
    """Run ``coder`` (a Coder made from ``kwargs`` by default) on calc.py with scripted ``replies``."""
    script = Script(replies)
    coder = Coder(limits=Limits(wall_s=30), **kwargs) if coder is None else coder
    with dspy.context(lm=script.lm(), adapter=ChatOnlyAdapter()):
        return coder(project=str(project), file="calc.py", test_cmd=TEST_CMD), script


@pytest.mark.article("III")
def test_fixes_the_bug_in_one_attempt(calc_project):
    result, script = run_coder(calc_project, [fix_reply(GOOD)])
    assert result.passed and result.attempts == 1 and result.score == 1.0
    assert "-    return a - b\n+    return a + b\n" in result.diff
    assert result.fixed_code == BUGGY.replace("a - b", "a + b")
    assert (calc_project / "calc.py").read_text() == BUGGY  # the Coder never writes the user's file
    prompt = script.calls[0]["messages"][-1]["content"]
    assert "return a - b" in prompt and "test_add" in prompt
    assert result.history[0]["reasoning"] == "add subtracts instead of adding."


@pytest.mark.article("III")
def test_failures_are_fed_back_until_a_fix_passes(calc_project):
    result, script = run_coder(calc_project, [fix_reply(WRONG), fix_reply("def nope(:"), fix_reply(GOOD)])
    assert result.passed and result.attempts == 3
    second_prompt = script.calls[1]["messages"][-1]["content"]
    assert "Attempt 1 rewrote `add` but tests still fail" in second_prompt and "assert 6 == 5" in second_prompt
    third_prompt = script.calls[2]["messages"][-1]["content"]
    assert "Attempt 2 could not be applied" in third_prompt
    assert [a["passed"] for a in result.history] == [False, False, True]


@pytest.mark.article("III")
def test_a_proposal_that_changes_nothing_is_called_unchanged_not_a_rewrite(calc_project):
    """The 1.5B returned the buggy function as it was in 34 of 94 attempts of one baseline, and was then told
    it had "rewritten" it; a comment or a new layout is no change either."""
    same = 'def add(a, b):\n    """Sum of a and b."""\n    # fixed\n    return a-b\n'
    result, script = run_coder(calc_project, [fix_reply(same), fix_reply(GOOD)])
    assert result.passed and [a["unchanged"] for a in result.history] == [True, False]
    second_prompt = script.calls[1]["messages"][-1]["content"]
    assert "Attempt 1 returned `add` with its code unchanged, so the tests fail as before" in second_prompt
    assert "assert -1 == 5" in second_prompt and "rewrote" not in second_prompt


@pytest.mark.article("III")
def test_skipping_the_failing_test_is_not_a_fix(calc_project):
    """pytest exits 0 when the failing test is skipped; the Coder must see that two tests did not pass."""
    skipping = 'def add(a, b):\n    """Sum of a and b."""\n    import pytest\n\n    pytest.skip("later")\n'
    result, script = run_coder(calc_project, [fix_reply(skipping), fix_reply(GOOD)])
    assert result.passed and [a["passed"] for a in result.history] == [False, True]
    second_prompt = script.calls[1]["messages"][-1]["content"]
    assert "only 1 tests passed where 3 ran before the fix" in second_prompt


@pytest.mark.article("III")
def test_attempts_are_bounded_and_a_failing_fix_is_not_offered(calc_project):
    result, _ = run_coder(calc_project, [fix_reply(WRONG)] * 2, max_attempts=2)
    assert not result.passed and result.attempts == 2
    assert result.fixed_code is None and result.diff == ""
    assert 0 < result.score < 0.5  # one of three tests passes with a * b


@pytest.mark.article("III", "V")
def test_garbage_answers_are_failed_attempts_not_crashes(calc_project):
    result, script = run_coder(calc_project, lambda messages: "I don't know.")
    assert not result.passed and result.attempts == 3
    assert all("could not be parsed" in a["error"] for a in result.history)
    assert len(script.calls) == 3  # one LM call per attempt: no slow JSONAdapter re-generation


def test_tests_that_already_pass_stop_early(calc_project):
    (calc_project / "calc.py").write_text(BUGGY.replace("a - b", "a + b"))
    result, script = run_coder(calc_project, [])
    assert result.passed and result.already_passing and result.attempts == 0 and script.calls == []


def test_react_variant_uses_tools_and_keeps_its_trajectory(calc_project):
    replies = [
        chat_answer(next_thought="Look at add.", next_tool_name="show_function", next_tool_args='{"name": "add"}'),
        chat_answer(
            next_thought="Try the fix.",
            next_tool_name="run_tests",
            next_tool_args='{"function_name": "add", "fixed_function": "def add(a, b):\\n    return a + b\\n"}',
        ),
        chat_answer(next_thought="Tests pass.", next_tool_name="finish", next_tool_args="{}"),
        chat_answer(reasoning="done", function_name="add", fixed_function=GOOD),
    ]
    result, _ = run_coder(calc_project, replies, variant="react")
    trajectory = result.history[0]["trajectory"]
    assert result.passed and result.attempts == 1
    assert "return a - b" in trajectory["observation_0"] and trajectory["observation_1"] == "PASSED"
    assert trajectory["tool_name_1"] == "run_tests"


@pytest.mark.parametrize(
    ("variant", "attempts", "message"), [("magic", 3, "unknown Coder variant"), ("cot", 0, "at least 1")]
)
def test_bad_coder_settings(variant, attempts, message):
    with pytest.raises(ConfigError, match=message):  # a setting, not the user's input: not an InputError
        Coder(variant=variant, max_attempts=attempts)


@pytest.mark.article("I")
def test_targets_are_checked(calc_project, tmp_path):
    (calc_project / "notes.txt").write_text("x")
    (calc_project / "broken.py").write_text("def f(:\n")
    assert check_target(calc_project, "calc.py") == "calc.py"
    for file, message in [
        ("nope.py", "does not exist"),
        ("notes.txt", "not a Python file"),
        ("test_calc.py", "tests are read-only"),
        ("broken.py", "cannot be parsed"),
        (str(tmp_path / "outside.py"), "outside the project"),
    ]:
        (tmp_path / "outside.py").write_text("x = 1\n")
        with pytest.raises(CoderError, match=message):
            check_target(calc_project, file)


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("python -m pytest -q -p no:cacheprovider test_none.py", "cannot run"),
        ("no-such-test-runner", "cannot start the test command"),
    ],
)
def test_a_test_command_that_cannot_run_is_a_clear_error(calc_project, command, message):
    with pytest.raises(PlancoderError, match=message):
        Coder(limits=Limits(wall_s=30))(project=str(calc_project), file="calc.py", test_cmd=command)


def test_feedback_and_counts_helpers():
    assert pytest_counts("1 failed, 2 passed, 1 error in 0.1s") == (2, 2)
    assert pytest_counts("no summary") == (0, 0)
    assert feedback_text([]) == ""


NO_DOCSTRING = "def add(a, b):\n    return a + b\n"
LEAKY = 'def add(a, b):\n    """Sum of a and b."""\n    api_key = "sk-live-1234567890abcdef"\n    return a + b\n'


@pytest.mark.article("IV")
def test_a_passing_fix_that_drops_the_docstring_is_retried_with_the_article_named(calc_project):
    result, script = run_coder(calc_project, [fix_reply(NO_DOCSTRING), fix_reply(GOOD)])
    assert result.passed and result.attempts == 2 and result.score == 1.0 and result.constitution == []
    retry_prompt = script.calls[1]["messages"][-1]["content"]
    assert "Attempt 1 made the tests pass." in retry_prompt
    assert "Article IV (Documentation): the fix drops the docstring of `add`" in retry_prompt


@pytest.mark.article("IV")
def test_a_soft_violation_still_ships_when_nothing_better_comes(calc_project):
    result, _ = run_coder(calc_project, [fix_reply(NO_DOCSTRING)] * 3)
    assert result.passed and result.attempts == 3 and result.score == 0.9
    assert [f["article"] for f in result.constitution] == ["IV"]


@pytest.mark.article("I")
def test_a_fix_that_writes_a_secret_never_ships_even_with_green_tests(calc_project):
    result, script = run_coder(calc_project, [fix_reply(LEAKY)] * 3)
    assert not result.passed and result.fixed_code is None and result.attempts == 3
    assert result.history[0]["tests_passed"] and not result.history[0]["passed"]
    assert {f["article"] for f in result.constitution} == {"I"} and result.score == 0.5
    assert (
        "Article I (File safety): the fix writes a credential-like literal"
        in script.calls[1]["messages"][-1]["content"]
    )


def test_the_coder_can_run_under_refine(calc_project):
    result, _ = run_coder(calc_project, [fix_reply(GOOD)], guard="refine")
    assert result.passed and result.attempts == 1


@pytest.mark.article("III")
def test_a_coder_model_that_is_down_hands_over_to_the_fallback_model(calc_project):
    from plancoder.models import ModelChain

    down, up = Script([RuntimeError("connection refused")]), Script([fix_reply(GOOD)])
    chain = ModelChain("coder", ["scripted/down", "scripted/up"], [down.lm(), up.lm()])
    coder = Coder(limits=Limits(wall_s=30))
    with dspy.context(adapter=ChatOnlyAdapter()):
        result = chain.run(lambda: coder(project=str(calc_project), file="calc.py", test_cmd=TEST_CMD))
    assert result.passed and chain.served_by == "scripted/up" and len(down.calls) == 1


def test_the_model_sees_the_same_test_output_for_the_same_failure_whatever_the_run_time():
    runs = ["F.\nFAILED t.py::test_x - assert 1 == 2\n1 failed, 1 passed in 0.05s\n",
            "F.\nFAILED t.py::test_x - assert 1 == 2\n1 failed, 1 passed in 0.31s\n"]  # fmt: skip
    assert for_model(runs[0]) == for_model(runs[1]) == runs[0].replace("0.05", "<t>")
    framed = "==== 2 failed in 61.20s (0:01:01) ====\nRan 4 tests in 0.002s\nassert elapsed in 5s"
    assert for_model(framed) == "==== 2 failed in <t>s ====\nRan 4 tests in <t>s\nassert elapsed in 5s"
    assert for_model("x" * 5000, 1200) == "x" * 1200


def test_a_failing_method_reads_the_same_in_every_process(tmp_path):
    """pytest prints ``self = <Account object at 0x...>``; each test process has its own addresses."""

    (tmp_path / "account.py").write_text("class Account:\n    def total(self, n):\n        return [n][n]\n")
    (tmp_path / "test_account.py").write_text("from account import Account\n\n\ndef test_total():\n"
                                              "    assert Account().total(2) == 2\n")  # fmt: skip
    command = "python -m pytest -q -p no:cacheprovider"
    outputs = [run_tests(tmp_path, command, limits=Limits(wall_s=30)).output for _ in range(2)]
    assert "self = <account.Account object at 0x" in outputs[0]
    assert for_model(outputs[0]) == for_model(outputs[1])
    assert "self = <account.Account object at 0x<addr>>, n = 2" in for_model(outputs[0])


@pytest.mark.parametrize(
    ("before", "after", "why"),
    [
        ("1 failed, 2 passed in 0.1s", "3 passed in 0.2s", ""),
        ("1 failed, 2 passed in 0.1s", "2 passed, 1 skipped in 0.1s", "only 2 tests passed where 3 ran"),
        ("1 error in 0.2s", "3 passed, 1 xfailed in 0.1s", "now skipped or expected to fail"),  # a collection error
        ("FAILED (failures=1)", "OK", ""),  # not pytest: the exit code decides
    ],
)
def test_a_passing_run_must_run_every_test_that_ran_before(before, after, why):
    from plancoder.coder import hollow_pass
    from plancoder.sandbox import TestRun

    def run(output, code):
        return TestRun(code == 0, code, output, 0.1, False, False, ())

    found = hollow_pass(run(before, 1), run(after, 0))
    assert (why in found) if why else found == ""
