"""Recorded model answers: a resumed run takes them instead of calling the model again."""

import pytest

from plancoder import replay
from plancoder.budget import Meter, OptimizerCaps
from plancoder.journal import Journal, Steps
from plancoder.scripted import Script, chat_answer

HEAD = {"role": "planner", "run": "test"}
CAPS = OptimizerCaps(max_metric_calls=1, max_wall_minutes=60, max_reflection_tokens=1)


def steps(tmp_path, resume):
    return Steps(Journal(tmp_path / "progress.jsonl", HEAD, compared=tuple(HEAD)), resume)


def text_of(answer):
    return answer["choices"][0]["message"]["content"]


def test_a_resumed_run_replays_the_recorded_answers_in_order_and_calls_only_the_new_ones(tmp_path):
    calls = []

    def model(text):
        return lambda: calls.append(text) or {"choices": [{"message": {"content": text}}]}

    skipped = lambda: calls.append("skipped")  # noqa: E731 - counted like an asked call (local seeds)

    ask, clock = [{"role": "user", "content": "hi"}], Meter(CAPS)
    first = replay.Answers(steps(tmp_path, resume=False), clock)
    for spent, text in [(100, "one"), (200, "two")]:  # the same request again is another answer, recorded apart
        clock.resume_at(spent)
        first.answer("m", ask, {}, model(text), skipped)
    assert calls == ["one", "two"]
    clock = Meter(CAPS)
    again = replay.Answers(steps(tmp_path, resume=True), clock)
    assert [text_of(again.answer("m", ask, {}, model("live"), skipped)) for _ in range(2)] == ["one", "two"]
    assert 200 <= clock.elapsed < 210  # the interrupted run's time spent, as at its last answer
    assert text_of(again.answer("m", ask, {"temperature": 1}, model("new"), skipped)) == "new"  # another request
    assert calls == ["one", "two", "skipped", "skipped", "new"] and again.replayed == 2
    third = replay.Answers(steps(tmp_path, resume=True))  # and without a clock
    assert [text_of(third.answer("m", ask, {}, model("live"), skipped)) for _ in range(2)] == ["one", "two"]
    assert text_of(third.answer("m", ask, {"temperature": 1}, model("live"), skipped)) == "new" and third.replayed == 3


def test_calls_to_plancoders_providers_are_recorded_only_inside_the_block(tmp_path):
    live = Script(lambda messages: chat_answer(answer="live"))
    answers = replay.Answers(steps(tmp_path, resume=False))
    with replay.recording(answers):
        live.lm()("question")
    live.lm()("not recorded")
    broken = Script([RuntimeError("the model is gone")])
    resumed = replay.Answers(steps(tmp_path, resume=True))
    with replay.recording(resumed):  # the recorded answer is keyed by the request, not by the script
        assert "live" in live.lm()("question")[0]
        with pytest.raises(Exception, match="the model is gone"):
            broken.lm()("question")  # another model: not recorded, so called
    assert resumed.replayed == 1 and len(live.calls) == 2  # the replayed question did not reach the script
