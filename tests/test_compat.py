"""plancoder.compat: DSPy 2.5 assertions on DSPy 3's BestOfN, with the feedback sent to the retried predictor."""

import asyncio
import contextlib
import logging
import re

import dspy
import pytest

from plancoder import compat
from plancoder.adapters import ChatOnlyAdapter
from plancoder.scripted import Script, chat_answer

MESSAGE = "Answer with the city name only."
PARIS = chat_answer(answer="Paris")
WORDY = [chat_answer(answer=f"The capital of France is Paris ({n}).") for n in range(1, 5)]


class Capital(dspy.Module):
    """A 2.5-style program: one predictor, then one constraint on its answer."""

    def __init__(self, constraint=compat.Assert):
        super().__init__()
        self.generate = dspy.Predict("question -> answer")
        self.constraint = constraint

    def forward(self, question):
        prediction = self.generate(question=question)
        self.constraint(prediction.answer == "Paris", MESSAGE)
        return prediction


class QueryThenAnswer(dspy.Module):
    """Two predictors; the Assert checks the first one's output after the second one ran."""

    def __init__(self, pick_target):
        super().__init__()
        self.query = dspy.Predict("question -> query")
        self.answer = dspy.ChainOfThought("question, query -> answer")
        self.pick_target = pick_target

    def forward(self, question):
        query = self.query(question=question).query
        prediction = self.answer(question=question, query=query)
        compat.Assert(query == "capital of France", "Search for the capital.", target_module=self.pick_target(self))
        return prediction


def handled(constraint=compat.Assert, **handler_args):
    return compat.assert_transform_module(Capital(constraint), compat.backtrack_handler, **handler_args)


def scripted(script):
    """Usage tracking off: on DSPy 3.0.x it cannot wrap a module call that returns None (see the guide)."""
    return dspy.context(lm=script.lm(), adapter=ChatOnlyAdapter(), track_usage=False)


def prompt(script, index):
    return script.calls[index]["messages"][-1]["content"]


def test_a_passing_assert_returns_the_prediction_after_one_call():
    script = Script([PARIS])
    with scripted(script):
        assert handled()(question="Capital of France?").answer == "Paris"
    assert len(script.calls) == 1


@pytest.mark.article("III")
def test_a_failed_assert_is_retried_with_the_feedback_and_the_past_output():
    script = Script([WORDY[0], PARIS])
    with scripted(script):
        assert handled()(question="Capital of France?").answer == "Paris"
    assert len(script.calls) == 2
    assert "feedback" not in prompt(script, 0)
    assert f"[[ ## past_answer ## ]]\nThe capital of France is Paris (1).\n\n[[ ## feedback ## ]]\n{MESSAGE}" in prompt(
        script, 1
    )


@pytest.mark.article("III")
@pytest.mark.parametrize("max_backtracks", [0, 1, 2, 3])
def test_an_assert_failing_on_every_attempt_raises_after_max_backtracks_plus_one_calls(max_backtracks):
    script = Script(WORDY)
    with scripted(script), pytest.raises(compat.DSPyAssertionError) as raised:
        handled(max_backtracks=max_backtracks)(question="Capital of France?")
    assert len(script.calls) == max_backtracks + 1
    assert raised.value.msg == MESSAGE and raised.value.target_module is None
    last_step = raised.value.state[-1]
    assert last_step[2].answer == f"The capital of France is Paris ({max_backtracks + 1})."
    if max_backtracks:  # the same message is fed back once, not once per failure
        assert prompt(script, max_backtracks).count(MESSAGE) == 1


def test_a_suggestion_failing_on_every_attempt_returns_the_last_result_and_logs_it(caplog):
    script = Script(WORDY)
    with scripted(script), caplog.at_level(logging.WARNING, logger="plancoder.compat"):
        prediction = handled(compat.Suggest)(question="Capital of France?")
    assert prediction.answer == "The capital of France is Paris (3)."
    assert len(script.calls) == 3
    assert [r.getMessage() for r in caplog.records] == [f"SuggestionFailed: {MESSAGE}"]


def test_without_bypass_suggest_a_suggestion_failing_on_every_attempt_returns_none():
    script = Script(WORDY)
    with scripted(script):
        assert handled(compat.Suggest, bypass_suggest=False)(question="Capital of France?") is None
    assert len(script.calls) == 3


def test_outside_a_handler_a_failed_suggestion_logs_and_continues(caplog):
    script = Script(WORDY)
    with scripted(script), caplog.at_level(logging.WARNING, logger="plancoder.compat"):
        prediction = Capital(compat.Suggest)(question="Capital of France?")
    assert prediction.answer == "The capital of France is Paris (1)."
    assert f"SuggestionFailed: {MESSAGE}" in caplog.text


def test_outside_a_handler_a_failed_assert_raises_with_the_2_5_fields():
    script = Script(WORDY)
    with scripted(script), pytest.raises(compat.DSPyAssertionError, match=re.escape(MESSAGE)) as raised:
        Capital()(question="Capital of France?")
    assert isinstance(raised.value, AssertionError) and raised.value.id
    assert raised.value.state[-1][2].answer == "The capital of France is Paris (1)."
    assert len(script.calls) == 1


@pytest.mark.parametrize("constraint", [compat.Assert, compat.Suggest])
@pytest.mark.parametrize("result", ["yes", None, 1])
def test_a_constraint_needs_a_bool(constraint, result):
    with pytest.raises(ValueError, match="needs a bool result"):
        constraint(result, MESSAGE)


def test_bad_handler_arguments():
    with pytest.raises(ValueError, match="max_backtracks must be >= 0"):
        compat.backtrack_handler(Capital(), max_backtracks=-1)
    with pytest.raises(TypeError, match=r"retries a dspy\.Module"):
        compat.backtrack_handler(lambda question: question)
    with pytest.raises(ValueError, match="must have a forward method"):
        compat.assert_transform_module(dspy.Module())
    with pytest.raises(TypeError, match="or a Signature class, not str"):
        compat.Assert(True, MESSAGE, target_module="generate")


@pytest.mark.parametrize(
    ("pick_target", "retried_step"),
    [
        (lambda program: None, 1),
        (lambda program: program.query, 0),
        (lambda program: program.query.signature, 0),
        (lambda program: program.answer, 1),
    ],
    ids=["default-last-predictor", "predict", "signature", "chain-of-thought"],
)
def test_target_module_selects_the_predictor_that_gets_the_feedback(pick_target, retried_step):
    query, answer = chat_answer(query="france"), chat_answer(reasoning="It is Paris.", answer="Paris")
    script = Script([query, answer, chat_answer(query="capital of France"), answer])
    with scripted(script):
        program = compat.assert_transform_module(QueryThenAnswer(pick_target))
        assert program(question="Capital of France?").answer == "Paris"
    retry = [prompt(script, 2), prompt(script, 3)]
    assert "Search for the capital." in retry[retried_step]
    assert "[[ ## feedback ## ]]" not in retry[1 - retried_step]
    past = "[[ ## past_query ## ]]\nfrance" if retried_step == 0 else "[[ ## past_reasoning ## ]]\nIt is Paris."
    assert past in retry[retried_step]


class Activated(compat.dspy.Module):
    """Written against the 2.5 API, through the compat ``dspy``."""

    def __init__(self):
        super().__init__()
        self.generate = compat.dspy.Predict("question -> answer")
        self.activate_assertions(max_backtracks=1)

    def forward(self, question):
        prediction = self.generate(question=question)
        compat.dspy.Assert(prediction.answer == "Paris", MESSAGE)
        return prediction


def test_activate_assertions_transforms_the_module_and_it_can_be_called_again():
    script = Script([WORDY[0], WORDY[1], WORDY[2], PARIS])
    program = Activated()
    with scripted(script):
        with pytest.raises(compat.DSPyAssertionError):
            program(question="Capital of France?")
        assert len(script.calls) == 2
        assert program(question="Capital of France?").answer == "Paris"
    assert len(script.calls) == 4
    assert "feedback" not in prompt(script, 2)  # a new call starts without the old call's feedback


def test_the_compat_dspy_is_the_real_dspy_plus_the_removed_names():
    assert compat.dspy.ChainOfThought is dspy.ChainOfThought and compat.dspy.settings is dspy.settings
    assert issubclass(compat.dspy.Module, dspy.Module) and compat.dspy.Module is not dspy.Module
    assert compat.dspy.Assert is compat.Assert and compat.dspy.backtrack_handler is compat.backtrack_handler
    assert {"Suggest", "Predict", "assert_transform_module"} <= set(dir(compat.dspy))


def test_positional_arguments_are_passed_to_every_attempt():
    script = Script([WORDY[0], PARIS])
    with scripted(script):
        assert handled()("Capital of France?").answer == "Paris"
    assert all("Capital of France?" in prompt(script, index) for index in (0, 1))


@pytest.mark.parametrize(
    ("handler", "constraint", "outcome"),
    [
        (compat.noop_handler, compat.Assert, "returned"),
        (compat.noop_handler, compat.Suggest, "returned"),
        (compat.bypass_suggest_handler, compat.Suggest, "returned"),
        (compat.bypass_suggest_handler, compat.Assert, compat.DSPyAssertionError),
        (compat.bypass_assert_handler, compat.Assert, "returned"),
        (compat.bypass_assert_handler, compat.Suggest, compat.DSPySuggestionError),
        (compat.assert_no_except_handler, compat.Assert, None),
        (compat.assert_no_except_handler, compat.Suggest, compat.DSPySuggestionError),
    ],
)
def test_the_other_2_5_handlers_call_once_and_bypass_or_raise(handler, constraint, outcome):
    script = Script(WORDY)
    program = compat.assert_transform_module(Capital(constraint), handler)
    with scripted(script):
        if isinstance(outcome, type):
            with pytest.raises(outcome, match=re.escape(MESSAGE)):
                program(question="Capital of France?")
        else:
            result = program(question="Capital of France?")
            assert (result if outcome is None else result.answer) == (outcome and "The capital of France is Paris (1).")
    assert len(script.calls) == 1


@pytest.mark.article("III")
@pytest.mark.parametrize("constraint", [compat.Suggest, compat.Assert])
def test_usage_counts_every_attempt(constraint):
    single = Script(WORDY)
    with scripted(single), dspy.track_usage() as usage:
        Capital(compat.Suggest)(question="Capital of France?")
    one = usage.get_total_tokens()[single.spec]
    script = Script([WORDY[0]] * 3)
    with scripted(script), dspy.track_usage() as usage, contextlib.suppress(compat.DSPyAssertionError):
        handled(constraint)(question="Capital of France?")
    total = usage.get_total_tokens()[script.spec]
    assert len(script.calls) == 3
    assert total["completion_tokens"] == 3 * one["completion_tokens"]
    assert total["prompt_tokens"] > 3 * one["prompt_tokens"]  # the retries also carry the feedback


def test_a_handler_built_once_can_be_called_repeatedly():
    """BestOfN decrements fail_count and never resets it: without the reset the second call stops early."""
    script = Script([RuntimeError("the model is down")] * 6)
    retried = compat.backtrack_handler(Capital())
    with scripted(script):
        for calls in (3, 6):
            with pytest.raises(Exception, match="the model is down"):
                retried(question="Capital of France?")
            assert len(script.calls) == calls


def test_when_every_attempt_raises_another_error_the_last_one_propagates():
    script = Script([RuntimeError("down at first"), RuntimeError("down at last")])
    with scripted(script), pytest.raises(Exception, match="down at last"):  # wrapped by LiteLLM or DSPy
        handled(max_backtracks=1)(question="Capital of France?")
    assert len(script.calls) == 2


def test_async_predictor_calls_get_the_feedback_too():
    predict = dspy.Predict("question -> answer")
    signature = predict.signature
    run = compat._Run(target=signature, feedback={signature: [MESSAGE]}, past={signature: {"answer": "Paris!"}})
    script = Script([PARIS])
    with dspy.context(lm=script.lm(), adapter=compat._FeedbackAdapter(ChatOnlyAdapter(), run)):
        assert asyncio.run(predict.acall(question="Capital of France?")).answer == "Paris"
    assert f"[[ ## past_answer ## ]]\nParis!\n\n[[ ## feedback ## ]]\n{MESSAGE}" in prompt(script, 0)
