"""DSPy ≤ 2.5 assertions (``dspy.Assert``, ``dspy.Suggest``, ``backtrack_handler``) on DSPy 3's native retries.

DSPy 2.6 removed assertions in favour of ``dspy.BestOfN`` and ``dspy.Refine``. This module keeps the
2.5 call shapes, so an old program runs after one changed import (``from plancoder.compat import dspy``),
while every retry is a native ``BestOfN`` attempt: an ordinary LM call, counted in usage. The failure
messages and the failed outputs reach the retried predictor as the ``feedback`` and ``past_<output>``
inputs that 2.5 added, through a delegating adapter. One deliberate difference: a failed ``Suggest``
outside any handler is logged and execution continues (2.5 raised). See docs/migrating-from-dspy-2.5.md.
"""

import inspect
import logging
import types
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import dspy as _dspy

logger = logging.getLogger(__name__)
SignatureType = type[_dspy.Signature]
Handler = Callable[..., Callable[..., Any]]


class _ConstraintError(AssertionError):
    """A failed 2.5 constraint, with the fields 2.5 gave it."""

    def __init__(
        self, id: str, msg: str, target_module: Any = None, state: Any = None, is_metric: bool = False
    ) -> None:
        super().__init__(msg)
        self.id, self.msg, self.target_module, self.state, self.is_metric = id, msg, target_module, state, is_metric


class DSPyAssertionError(_ConstraintError):
    """A failed ``Assert``: raised outside a handler, and by ``backtrack_handler`` when retries run out."""


class DSPySuggestionError(_ConstraintError):
    """A failed ``Suggest`` inside a handler that retries it (never raised outside a handler)."""


@dataclass
class _Run:
    """One handled call: how failed constraints behave now, and what the attempts so far got wrong."""

    bypass_assert: bool = False
    bypass_suggest: bool = False
    attempts: int = 1
    bypass_suggest_last: bool = False
    attempt: int = 0
    bypassed: list[str] = field(default_factory=list)
    failures: list[_ConstraintError] = field(default_factory=list)
    errors: list[Exception] = field(default_factory=list)
    target: SignatureType | None = None
    feedback: dict[SignatureType, list[str]] = field(default_factory=dict)
    past: dict[SignatureType, dict[str, Any]] = field(default_factory=dict)

    def start_attempt(self) -> None:
        """As in 2.5, only the last attempt lets failed suggestions pass (when ``bypass_suggest``)."""
        self.attempt += 1
        self.bypassed = []
        self.bypass_suggest = self.bypass_suggest_last and self.attempt == self.attempts

    def record(self, error: _ConstraintError, trace: list | None) -> None:
        """Remember the failure, and the message and outputs that the target predictor gets next time."""
        self.failures.append(error)
        step = _failed_step(trace or [], error.target_module)
        if step is None:
            logger.error("target_module %r did not run before %r failed: no feedback", error.target_module, error.msg)
            return
        self.target, prediction = step
        messages = self.feedback.setdefault(self.target, [])
        if error.msg not in messages:
            messages.append(error.msg)
        self.past[self.target] = {name: getattr(prediction, name, None) for name in self.target.output_fields}

    def with_feedback(self, signature: SignatureType, inputs: dict[str, Any]) -> tuple[SignatureType, dict[str, Any]]:
        """The target's signature gains 2.5's ``past_<output>`` and ``feedback`` inputs; others pass unchanged."""
        if signature is not self.target or "feedback" in signature.fields:
            return signature, inputs
        values = {f"past_{name}": value for name, value in self.past[signature].items()}
        for name, output in signature.output_fields.items():
            past = _dspy.InputField(desc=f"past {name} with errors")
            signature = signature.append(f"past_{name}", past, type_=output.annotation)
        signature = signature.append("feedback", _dspy.InputField(desc="Some instructions you must satisfy"), type_=str)
        return signature, {**inputs, **values, "feedback": "\n".join(self.feedback[self.target])}


_run: ContextVar[_Run | None] = ContextVar("plancoder_compat_run", default=None)


@contextmanager
def _running(run: _Run) -> Iterator[_Run]:
    token = _run.set(run)
    try:
        yield run
    finally:
        _run.reset(token)


def _signatures(target_module: Any) -> tuple[SignatureType, ...] | None:
    """The signatures a ``target_module`` names: BestOfN deep-copies predictors, but signatures are shared."""
    if target_module is None:
        return None
    if isinstance(target_module, type) and issubclass(target_module, _dspy.Signature):
        return (target_module,)
    if isinstance(target_module, _dspy.Module):  # a Predict is its own only predictor
        return tuple(predictor.signature for predictor in target_module.predictors())
    raise TypeError(f"target_module must be a dspy.Module or a Signature class, not {type(target_module).__name__}")


def _failed_step(trace: list, target_module: Any) -> tuple[SignatureType, Any] | None:
    """The latest trace step of the target (by default the latest step of all): its signature and outputs."""
    signatures = _signatures(target_module)
    for predictor, _inputs, prediction in reversed(trace):
        if signatures is None or predictor.signature in signatures:
            return predictor.signature, prediction
    return None


class Constraint:
    """A 2.5 constraint: checked as soon as it is constructed, as ``dspy.Assert(...)`` was."""

    def __init__(self, result: bool, msg: str = "", target_module: Any = None, is_metric: bool = False) -> None:
        _signatures(target_module)  # a bad target fails here, where it is written, not inside a retry
        self.id = str(uuid.uuid4())
        self.result, self.msg, self.target_module, self.is_metric = result, msg, target_module, is_metric
        self.__call__()

    def __call__(self) -> bool:
        if not isinstance(self.result, bool):
            raise ValueError(f"{type(self).__name__} needs a bool result, got {type(self.result).__name__}")
        return self.result or self._failed(_run.get())

    def _error(self, kind: type[_ConstraintError]) -> _ConstraintError:
        state = list(_dspy.settings.trace or [])
        return kind(self.id, self.msg, self.target_module, state, self.is_metric)

    def _failed(self, run: _Run | None) -> bool:
        raise NotImplementedError


class Assert(Constraint):
    """``dspy.Assert(result, msg, target_module)``: a hard constraint; a handler retries it with feedback."""

    def _failed(self, run: _Run | None) -> bool:
        if run is not None and run.bypass_assert:
            logger.error("AssertionError: %s", self.msg)
            return True
        logger.info("AssertionError: %s", self.msg)
        raise self._error(DSPyAssertionError)


class Suggest(Constraint):
    """``dspy.Suggest(result, msg, target_module)``: a soft constraint, retried, then logged and let pass."""

    def _failed(self, run: _Run | None) -> bool:
        if run is None or run.bypass_suggest:  # outside a handler 2.5 raised; here it only logs
            logger.warning("SuggestionFailed: %s", self.msg)
            if run is not None:
                run.bypassed.append(self.msg)
            return True
        logger.info("SuggestionFailed: %s", self.msg)
        raise self._error(DSPySuggestionError)


class _FeedbackAdapter:
    """The configured adapter, with the recorded feedback added to the target predictor's inputs."""

    def __init__(self, inner: Any, run: _Run) -> None:
        self.inner, self.run = inner, run

    def __call__(self, lm: Any, lm_kwargs: dict, signature: SignatureType, demos: list, inputs: dict) -> list:
        signature, inputs = self.run.with_feedback(signature, inputs)
        return self.inner(lm, lm_kwargs=lm_kwargs, signature=signature, demos=demos, inputs=inputs)

    async def acall(self, lm: Any, lm_kwargs: dict, signature: SignatureType, demos: list, inputs: dict) -> list:
        signature, inputs = self.run.with_feedback(signature, inputs)
        return await self.inner.acall(lm, lm_kwargs=lm_kwargs, signature=signature, demos=demos, inputs=inputs)

    def __getattr__(self, name: str) -> Any:
        inner = self.__dict__.get("inner")  # absent while copy/pickle rebuild the object
        if inner is None:
            raise AttributeError(name)
        return getattr(inner, name)


class _Attempt(_dspy.Module):
    """One BestOfN attempt of the whole program; a failed constraint becomes a scored outcome, not an error."""

    def __init__(self, program: _dspy.Module) -> None:
        super().__init__()
        self.program = program

    def forward(self, **kwargs: Any) -> _dspy.Prediction:
        run = _run.get()
        run.start_attempt()
        try:  # the class forward: the instance's handled forward would start another handler
            result = type(self.program).forward(self.program, **kwargs)
        except (DSPyAssertionError, DSPySuggestionError) as error:
            run.record(error, _dspy.settings.trace)
            return _dspy.Prediction(outcome="failed", error=error)
        except Exception as error:  # BestOfN decides whether it ends the call; kept in case none completes
            run.errors.append(error)
            raise
        return _dspy.Prediction(outcome="bypassed" if run.bypassed else "ok", result=result)


def _reward(_args: dict[str, Any], prediction: _dspy.Prediction) -> float:
    """Clean run 1.0 (stops BestOfN); completed with suggestions let pass 0.5; failed 0.0."""
    return {"ok": 1.0, "bypassed": 0.5}.get(prediction.outcome, 0.0)


def _program_of(func: Callable[..., Any]) -> _dspy.Module:
    program = getattr(func, "__self__", func)
    if not isinstance(program, _dspy.Module):
        raise TypeError("backtrack_handler retries a dspy.Module: pass the module or its forward")
    return program


def _as_keywords(program: _dspy.Module, args: tuple, kwargs: dict[str, Any]) -> dict[str, Any]:
    """BestOfN calls its module with keywords only: bind positional arguments to their parameter names."""
    signature = inspect.signature(types.MethodType(type(program).forward, program))
    keywords: dict[str, Any] = {}
    for name, value in signature.bind(*args, **kwargs).arguments.items():
        kind = signature.parameters[name].kind
        if kind is inspect.Parameter.VAR_POSITIONAL and value:
            raise TypeError(f"{type(program).__name__}.forward(*{name}) cannot be retried: pass keywords")
        if kind is inspect.Parameter.VAR_KEYWORD:
            keywords.update(value)
        elif kind is not inspect.Parameter.VAR_POSITIONAL:
            keywords[name] = value
    return keywords


def _outcome(prediction: _dspy.Prediction | None, run: _Run) -> Any:
    """2.5's ending: the program's result, the Assert that still fails, or None for a Suggest that still fails."""
    if prediction is None:  # every attempt raised another error and BestOfN let it pass
        raise run.errors[-1]
    if prediction.outcome != "failed":
        return prediction.result
    if isinstance(run.failures[-1], DSPyAssertionError):
        raise run.failures[-1]
    return None  # only with bypass_suggest=False


def backtrack_handler(func: Callable[..., Any], bypass_suggest: bool = True, max_backtracks: int = 2) -> Callable:
    """2.5's retrying handler as a native ``dspy.BestOfN`` of ``max_backtracks + 1`` whole-program attempts."""
    if max_backtracks < 0:
        raise ValueError(f"max_backtracks must be >= 0, got {max_backtracks}")
    program, attempts = _program_of(func), max_backtracks + 1
    best_of_n = _dspy.BestOfN(
        module=_Attempt(program), N=attempts, reward_fn=_reward, threshold=1.0, fail_count=attempts
    )

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        keywords = _as_keywords(program, args, kwargs)
        run = _Run(attempts=attempts, bypass_suggest_last=bypass_suggest)
        best_of_n.fail_count = attempts  # DSPy decrements it on every failure and never resets it
        adapter = _FeedbackAdapter(_dspy.settings.adapter or _dspy.ChatAdapter(), run)
        with _running(run), _dspy.context(adapter=adapter):
            prediction = best_of_n(**keywords)
        return _outcome(prediction, run)

    return wrapper


def _bypassing(func: Callable[..., Any], bypass_assert: bool, bypass_suggest: bool) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _running(_Run(bypass_assert=bypass_assert, bypass_suggest=bypass_suggest)):
            return func(*args, **kwargs)

    return wrapper


def noop_handler(func: Callable[..., Any]) -> Callable[..., Any]:
    """Failed assertions and suggestions are logged, never raised."""
    return _bypassing(func, bypass_assert=True, bypass_suggest=True)


def bypass_suggest_handler(func: Callable[..., Any]) -> Callable[..., Any]:
    """Failed suggestions are logged; failed assertions raise."""
    return _bypassing(func, bypass_assert=False, bypass_suggest=True)


def bypass_assert_handler(func: Callable[..., Any]) -> Callable[..., Any]:
    """Failed assertions are logged; failed suggestions raise ``DSPySuggestionError``."""
    return _bypassing(func, bypass_assert=True, bypass_suggest=False)


def assert_no_except_handler(func: Callable[..., Any]) -> Callable[..., Any]:
    """A failed assertion makes the call return None; a failed suggestion raises, as in 2.5."""
    checked = _bypassing(func, bypass_assert=False, bypass_suggest=False)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return checked(*args, **kwargs)
        except DSPyAssertionError:
            return None

    return wrapper


default_assertion_handler = backtrack_handler


def _handled_forward(self: _dspy.Module, *args: Any, **kwargs: Any) -> Any:
    """The transformed forward: the class forward under the module's handler, built per call as in 2.5."""
    handler, handler_args = self._assertion_handler
    return handler(types.MethodType(type(self).forward, self), **handler_args)(*args, **kwargs)


def assert_transform_module(
    module: _dspy.Module, assertion_handler: Handler = default_assertion_handler, **handler_args: Any
) -> _dspy.Module:
    """Transform ``module`` in place (its instance ``forward`` runs under the handler) and return it."""
    if not callable(getattr(type(module), "forward", None)):
        raise ValueError("Module must have a forward method to have assertions handled.")
    module._assertion_handler = (assertion_handler, handler_args)
    module.forward = types.MethodType(_handled_forward, module)  # bound: a deep copy rebinds it to the copy
    module._assert_transformed = True
    return module


class Module(_dspy.Module):
    """``dspy.Module`` with 2.5's ``activate_assertions``."""

    def activate_assertions(self, handler: Handler = backtrack_handler, **handler_args: Any) -> "Module":
        """Transform this module in place, as ``assert_transform_module(self, handler, ...)``."""
        return assert_transform_module(self, handler, **handler_args)


class _Dspy(types.ModuleType):
    """The real ``dspy`` module, plus the names that DSPy 2.6 removed."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_dspy, name)

    def __dir__(self) -> list[str]:
        return sorted(set(dir(_dspy)) | set(self.__dict__))


dspy = _Dspy("dspy", "DSPy 3 with the DSPy 2.5 assertion API of plancoder.compat.")
vars(dspy).update(
    Assert=Assert,
    Suggest=Suggest,
    Module=Module,
    DSPyAssertionError=DSPyAssertionError,
    DSPySuggestionError=DSPySuggestionError,
    assert_transform_module=assert_transform_module,
    backtrack_handler=backtrack_handler,
    noop_handler=noop_handler,
    bypass_suggest_handler=bypass_suggest_handler,
    bypass_assert_handler=bypass_assert_handler,
    assert_no_except_handler=assert_no_except_handler,
    default_assertion_handler=default_assertion_handler,
)
