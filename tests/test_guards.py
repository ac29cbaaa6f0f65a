import dspy
import pytest

from plancoder.adapters import ChatOnlyAdapter
from plancoder.guards import Guarded, echoed_schema, was_cut_off
from plancoder.scripted import Script, chat_answer

ANSWERS = [chat_answer(answer="Brussels is the capital"), chat_answer(answer="Brussels")]


def one_word(args, prediction):
    words = len(prediction.answer.split())
    return (1.0, "ok") if words == 1 else (0.0, f"use one word, not {words}")


def guarded(check, attempts=3, kind="best_of_n"):
    return Guarded(dspy.Predict("question, feedback -> answer"), check, attempts, kind=kind)


def call(guard, replies):
    script = Script(replies)
    with dspy.context(lm=script.lm(), adapter=ChatOnlyAdapter()), dspy.track_usage() as usage:
        guarded = guard(question="Capital of Belgium?")
    return guarded.best, guarded.channel, script, usage.get_total_tokens()


@pytest.mark.article("III")
def test_the_feedback_of_a_failed_attempt_reaches_the_next_and_every_attempt_is_counted():
    prediction, channel, script, usage = call(guarded(one_word), ANSWERS)
    assert prediction.answer == "Brussels" and channel.attempts == 2 and channel.scores == [0.0, 1.0]
    assert "use one word, not 4" in script.calls[1]["messages"][-1]["content"]
    (tokens,) = usage.values()
    prompts = [max(1, len("".join(m["content"] for m in c["messages"])) // 4) for c in script.calls]
    completions = [max(1, len(reply) // 4) for reply in ANSWERS]
    assert tokens["total_tokens"] == sum(prompts) + sum(completions)  # both attempts, not only the chosen one


@pytest.mark.article("III")
def test_a_raising_reward_is_a_failed_check_with_its_message_never_a_crash():
    def broken(args, prediction):
        raise ValueError("the validator broke")

    prediction, channel, script, _ = call(guarded(broken, attempts=2), ANSWERS)
    assert channel.attempts == 2 and channel.scores == [0.0, 0.0] and len(script.calls) == 2
    assert channel.feedback[0] == "the check raised ValueError: the validator broke"
    assert "the check raised ValueError" in script.calls[1]["messages"][-1]["content"]
    assert prediction is not None  # the best of the failed attempts, for the role to report as not done


@pytest.mark.article("III")
def test_a_predictor_that_raises_on_every_attempt_is_reported_not_raised():
    prediction, channel, script, _ = call(guarded(one_word, attempts=2), lambda messages: "no fields at all")
    assert prediction is None and channel.attempts == 2 and len(script.calls) == 2
    assert len(channel.feedback) == 2 and all("could not be parsed" in text for text in channel.feedback)


CUT = '{"steps": [{"id": "a", "title": "Read the'
ECHO = '# note: the value you produce must adhere to the JSON schema: {"type": "object", "$defs": {"Step": {'


@pytest.mark.article("III")
@pytest.mark.parametrize(
    ("answer", "told", "asked"),
    [
        (CUT, "Your last answer could not be parsed: it was cut off", "too long for the output limit"),
        (ECHO, "Your last answer could not be parsed: it repeated the format's JSON-schema", "without the note"),
    ],
    ids=["cut-off-is-too-long", "schema-echo-is-not-too-long"],
)
def test_an_unparsed_answer_is_told_why_so_the_retry_can_fix_it(answer, told, asked):
    _, channel, script, _ = call(guarded(one_word, attempts=2), [answer, "no fields at all"])
    assert channel.feedback[0].startswith(told)
    assert asked in script.calls[1]["messages"][-1]["content"]
    second = channel.feedback[1]
    assert second.startswith("Your last answer could not be parsed (") and "follow the format" in second


@pytest.mark.parametrize(("answer", "echoed"), [(ECHO, True), ('{"a": [1, 2', False), ("", False)])
def test_echoed_schema_spots_the_format_note_copied_as_an_answer(answer, echoed):
    assert echoed_schema(answer) is echoed


@pytest.mark.parametrize(
    ("answer", "cut"), [('{"a": [1, 2', True), ('{"a": [1, 2]}', False), ("[[ ## plan ## ]]", False), ("", False)]
)
def test_was_cut_off_counts_the_json_brackets_left_open(answer, cut):
    assert was_cut_off(answer) is cut


@pytest.mark.article("III")
def test_a_model_that_does_not_answer_ends_the_guarded_call_so_the_fallback_can_serve():
    from plancoder.models import ModelChain

    down, up = Script([RuntimeError("connection refused")]), Script(ANSWERS[1:])
    guard = guarded(one_word)
    chain = ModelChain("planner", ["scripted/down", "scripted/up"], [down.lm(), up.lm()])
    with dspy.context(adapter=ChatOnlyAdapter(), track_usage=True):  # no tracker open: DSPy opens one per module
        prediction = chain.run(lambda: guard(question="Capital of Belgium?")).best
    assert prediction.answer == "Brussels" and chain.served_by == "scripted/up"
    assert len(down.calls) == 1  # no pointless retries of a model that is down
    assert "connection refused" in chain.failures[0][1]
