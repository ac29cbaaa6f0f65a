"""Recorded model answers: an interrupted run replays them and goes on live where it stopped.

An optimization run is a long chain of model calls, each shaped by the answers before it (GEPA's
proposals, the rollouts that judge them). Its answers are recorded as they come, keyed by the
request and how often that request came before in the run. A resumed run makes the same requests
in the same order as long as it gets the same answers, so it takes each recorded answer instead of
calling the model and re-runs only the cheap parts (tests, checks), until it reaches the point where
the interrupted run stopped. A request the record does not hold (the run took another path) is
simply called. Recording works for the models served through plancoder's own providers (``local``
and ``scripted``); a hosted model is called again.
"""

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from plancoder.budget import Meter
from plancoder.journal import Steps
from plancoder.local_lm import Repeats

ANSWER = "answer"
Call = Callable[[], dict]
Skip = Callable[[], Any]


class Answers:
    """A run's model answers: replayed when recorded, otherwise called and recorded.

    With a ``clock`` (the run's meter), each answer is recorded with the time the run had spent, and a
    replayed answer sets the clock back there: a resumed run reaches its wall cap where it would have."""

    def __init__(self, steps: Steps, clock: Meter | None = None) -> None:
        self.steps, self.clock = steps, clock
        self.replayed = 0
        self._repeats = Repeats()  # all of them: a forgotten request would be keyed as a new one

    def answer(
        self, model: str, messages: list[dict[str, Any]], params: dict[str, Any], call: Call, skip: Skip
    ) -> dict:
        """The recorded answer to this request, or ``call()``'s, recorded; ``skip()`` is told of a replay, so
        that a provider which counts its requests (the local model's seeds) counts it all the same."""
        key = self._repeats.key([model, messages, params])
        entry, replayed = self.steps.replay(ANSWER, lambda: {"answer": call(), "elapsed": self._elapsed()}, key)
        if replayed:
            self.replayed += 1
            skip()
            if self.clock is not None and entry["elapsed"] is not None:
                self.clock.resume_at(entry["elapsed"])
        return entry["answer"]

    def _elapsed(self) -> float | None:
        return None if self.clock is None else round(self.clock.elapsed, 3)


_active: Answers | None = None
"""A module global, not a context variable: DSPy runs GEPA's rollouts in worker threads, which must see it."""


@contextlib.contextmanager
def recording(answers: Answers) -> Iterator[Answers]:
    """Record (and replay) every call to plancoder's providers made inside the block."""
    global _active
    previous, _active = _active, answers
    try:
        yield answers
    finally:
        _active = previous


def answer(model: str, messages: list[dict[str, Any]], params: dict[str, Any], call: Call, skip: Skip) -> dict:
    """``call()``, or through the active recording when there is one."""
    return call() if _active is None else _active.answer(model, messages, params, call, skip)
