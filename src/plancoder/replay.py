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
import hashlib
import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from plancoder.budget import Meter
from plancoder.journal import Steps

ANSWER = "answer"


class Call:
    """A model call that can also be skipped: a provider that counts its requests (local seeds) counts it."""

    def __init__(self, run: Callable[[], dict], skip: Callable[[], Any] = lambda: None) -> None:
        self._run, self._skip = run, skip

    def __call__(self) -> dict:
        return self._run()

    def skipped(self) -> None:
        self._skip()


class Answers:
    """A run's model answers: replayed when recorded, otherwise called and recorded.

    With a ``clock`` (the run's meter), each answer is recorded with the time the run had spent, and a
    replayed answer sets the clock back there: a resumed run reaches its wall cap where it would have."""

    def __init__(self, steps: Steps, clock: Meter | None = None) -> None:
        self.steps, self.clock = steps, clock
        self.replayed = 0
        self._repeats: Counter[str] = Counter()
        self._lock = threading.Lock()

    def answer(self, model: str, messages: list[dict[str, Any]], params: dict[str, Any], call: Call) -> dict:
        """The recorded answer to this request, or ``call()``'s, recorded."""
        key = self._key(model, messages, params)
        entry, replayed = self.steps.replay(ANSWER, lambda: {"answer": call(), "elapsed": self._elapsed()}, key)
        if replayed:
            self.replayed += 1
            call.skipped()
            if self.clock is not None and entry["elapsed"] is not None:
                self.clock.resume_at(entry["elapsed"])
        return entry["answer"]

    def _elapsed(self) -> float | None:
        return None if self.clock is None else round(self.clock.elapsed, 3)

    def _key(self, model: str, messages: list[dict[str, Any]], params: dict[str, Any]) -> str:
        request = json.dumps([model, messages, params], sort_keys=True, default=str)
        digest = hashlib.sha256(request.encode()).hexdigest()
        with self._lock:
            self._repeats[digest] += 1
            return f"{digest}:{self._repeats[digest]}"


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


def answer(model: str, messages: list[dict[str, Any]], params: dict[str, Any], call: Call) -> dict:
    """``call()``, or through the active recording when there is one."""
    return call() if _active is None else _active.answer(model, messages, params, call)
