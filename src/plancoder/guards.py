"""Native DSPy 3 output constraints whose feedback reaches the next attempt.

DSPy's ``Refine`` and ``BestOfN`` take a reward that returns only a float. ``guard`` wraps a check
that returns ``(score, feedback)``: the score goes to DSPy, the feedback text goes to the next
attempt through the wrapped module's ``feedback`` input (a context variable, so concurrent calls
never see each other's feedback). Every attempt is an ordinary LM call, so it is counted in usage.
"""

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal

import dspy
import openai
from dspy.utils import exceptions as dspy_errors
from dspy.utils.exceptions import AdapterParseError

Check = Callable[[dict[str, Any], dspy.Prediction], tuple[float, str]]
_LM_ERROR = getattr(dspy_errors, "LMError", None)  # DSPy 3.4+
MODEL_FAILURES: tuple[type[Exception], ...] = (openai.OpenAIError, *filter(None, [_LM_ERROR]))
"""The model did not answer: LiteLLM's errors subclass OpenAI's; DSPy 3.4 wraps them in its own ``LMError``."""
Kind = Literal["refine", "best_of_n"]


@dataclass
class Channel:
    """What the attempts of one guarded call said so far, and the guard to stop when the model is down."""

    feedback: list[str] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    guard: Any = None
    model_failure: Exception | None = None

    def stop(self, error: Exception) -> None:
        """The model did not answer: end the guarded call now, so that the role's fallback model takes over."""
        self.model_failure = error
        self.guard.fail_count = -1  # BestOfN and Refine re-raise once an attempt's index exceeds it

    @property
    def attempts(self) -> int:
        return len(self.scores)


_channel: ContextVar[Channel] = ContextVar("guard_channel")


class WithFeedback(dspy.Module):
    """Calls ``predictor`` with the latest feedback of the guard as its ``feedback`` input."""

    def __init__(self, predictor: dspy.Module) -> None:
        super().__init__()
        self.predictor = predictor

    def forward(self, **inputs: Any) -> dspy.Prediction:
        channel = _channel.get()
        if channel.attempts == 0:
            self.first_attempt_as_configured()
        try:
            return self.predictor(**inputs, feedback=channel.feedback[-1] if channel.feedback else "")
        except AdapterParseError as error:
            channel.feedback.append(parse_feedback(error))
            channel.scores.append(0.0)
            raise
        except MODEL_FAILURES as error:  # the model itself failed: retrying it is pointless, its fallback may answer
            channel.stop(error)
            raise
        except Exception as error:  # still an attempt: counted, and its reason fed back
            channel.feedback.append(f"Your last attempt failed: {type(error).__name__}: {str(error)[:200]}")
            channel.scores.append(0.0)
            raise

    def first_attempt_as_configured(self) -> None:
        """DSPy 3.4's guards sample every attempt at temperature 1.0; the first one keeps the configured
        temperature here, as DSPy 3.0 does (on the demo bug the 0.5B model broke the answer format at 1.0)."""
        configured = dspy.settings.lm.kwargs.get("temperature") if dspy.settings.lm else None
        for predictor in self.predictor.predictors():
            if predictor.lm is not None and configured is not None:
                predictor.lm = predictor.lm.copy(temperature=configured)


UNPARSED = "could not be parsed"
CUT_OFF = "cut off before it was complete"
ECHOED = "repeated the format's JSON-schema note"
"""Words every parse-failure feedback holds, so a metric can count such attempts (``planning.why_no_plan``)."""


def parse_feedback(error: AdapterParseError) -> str:
    """Why the answer did not parse, told so the next attempt can fix it. An answer cut off at the
    output-token cap is too long, not badly formatted: most unparsed plans in Planner run G were."""
    answer = error.lm_response or ""
    if echoed_schema(answer):
        return (
            f"Your last answer {UNPARSED}: it {ECHOED} instead of giving a value. "
            "Write the value itself: a JSON object with the schema's fields filled in, without the note."
        )
    if was_cut_off(answer):
        return (
            f"Your last answer {UNPARSED}: it was {CUT_OFF}, because it was "
            "too long for the output limit. Give a shorter answer in the same format."
        )
    return f"Your last answer {UNPARSED} ({str(error)[:200]}); follow the format."


def echoed_schema(answer: str) -> bool:
    """The 0.5B sometimes copies the format's ``# note: the value you produce must adhere to the JSON schema:
    {...}`` line instead of a plan, over and over up to the output limit (2 of the 4 parse failures logged in
    the first 15 draws of a release pass); told that its answer was too long, the retry shortened nothing."""
    return "adhere to the JSON schema" in answer or '"$defs"' in answer


def was_cut_off(answer: str) -> bool:
    """An answer that opens more JSON objects and lists than it closes stopped in the middle."""
    return answer.count("{") + answer.count("[") > answer.count("}") + answer.count("]")


def _reward(check: Check) -> Callable[[dict[str, Any], dspy.Prediction], float]:
    def reward(args: dict[str, Any], prediction: dspy.Prediction) -> float:
        channel = _channel.get()
        try:
            score, feedback = check(args, prediction)
        except Exception as error:  # a raising check is a failed check with its message, never a crash
            score, feedback = 0.0, f"the check raised {type(error).__name__}: {error}"
        channel.feedback.append(feedback)
        channel.scores.append(score)
        return score

    return reward


class Guarded(dspy.Module):
    """``predictor`` under ``dspy.Refine`` or ``dspy.BestOfN`` with a feedback-carrying reward."""

    def __init__(
        self, predictor: dspy.Module, check: Check, attempts: int, kind: Kind = "best_of_n", threshold: float = 1.0
    ) -> None:
        super().__init__()
        native = dspy.Refine if kind == "refine" else dspy.BestOfN
        self.kind, self.attempts = kind, attempts
        self.guard = native(
            module=WithFeedback(predictor),
            N=attempts,
            reward_fn=_reward(check),
            threshold=threshold,
            fail_count=attempts,
        )

    def forward(self, **inputs: Any) -> dspy.Prediction:
        """``best``: the best attempt (None when none could be judged); ``channel``: what the attempts said.

        A Prediction, not a tuple, because DSPy sets the usage on what a module returns. A model that
        fails to answer raises out of here, so that ``ModelChain`` moves to the fallback."""
        channel = Channel(guard=self.guard)
        token = _channel.set(channel)
        self.guard.fail_count = self.attempts  # DSPy decrements it on every failure and never resets it
        try:
            prediction = self.guard(**inputs)
        except Exception as error:  # every attempt failed to produce a judged answer
            if channel.model_failure is not None:
                raise channel.model_failure from None
            channel.feedback.append(f"all attempts failed: {type(error).__name__}: {error}")
            prediction = None
        finally:
            _channel.reset(token)
        return dspy.Prediction(best=prediction, channel=channel)
