"""A scripted LM for tests, served through the same LiteLLM seam as the real models.

``Script(["...", "..."]).lm()`` is an ordinary ``dspy.LM`` whose replies come from the script, so
usage tracking, callbacks, history and adapters behave exactly as with a real model.
"""

import itertools
import threading
from collections.abc import Callable, Sequence
from typing import Any

import dspy

from plancoder import providers
from plancoder.errors import UnknownModelError

PROVIDER = "scripted"
Reply = str | Exception | Callable[[list[dict[str, Any]]], str]

_scripts: dict[str, "Script"] = {}
_ids = itertools.count(1)


def chat_answer(**fields: object) -> str:
    """A reply in DSPy ChatAdapter format with the given output fields."""
    blocks = [f"[[ ## {name} ## ]]\n{value}" for name, value in fields.items()]
    return "\n\n".join([*blocks, "[[ ## completed ## ]]"])


class Script:
    """Replies given in order (a list), or computed from the messages (a function).

    A reply that is an exception is raised instead of answered, to exercise error paths.
    """

    def __init__(self, replies: Sequence[Reply] | Callable[[list[dict[str, Any]]], str]) -> None:
        self._replies = replies if callable(replies) else list(replies)
        self._lock = threading.Lock()
        self.calls: list[dict[str, Any]] = []
        self.id = f"script-{next(_ids)}"
        _scripts[self.id] = self

    @property
    def spec(self) -> str:
        return f"{PROVIDER}/{self.id}"

    def lm(self, **kwargs: Any) -> dspy.LM:
        """A ``dspy.LM`` bound to this script (no cache, no retries)."""
        kwargs = {"temperature": 0.0, "max_tokens": 1024, **kwargs}
        return dspy.LM(self.spec, cache=False, num_retries=0, **kwargs)

    def reply(self, messages: list[dict[str, Any]], params: dict[str, Any]) -> str:
        with self._lock:
            self.calls.append({"messages": messages, "params": params})
            reply = self._next()
        if isinstance(reply, Exception):
            raise reply
        return reply(messages) if callable(reply) else reply

    def _next(self) -> Reply:
        if callable(self._replies):
            return self._replies
        if len(self.calls) > len(self._replies):
            return RuntimeError(f"{self.spec} has no reply left for call {len(self.calls)}")
        return self._replies[len(self.calls) - 1]


def script_for(spec: str) -> Script:
    """The registered script behind ``scripted/<id>``."""
    script_id = spec.split("/", 1)[-1]
    if script_id not in _scripts:
        raise UnknownModelError(f"no scripted model '{spec}'", "create it with plancoder.scripted.Script([...])")
    return _scripts[script_id]


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


def _complete(model: str, messages: list[dict[str, Any]], params: dict[str, Any]) -> dict:
    text = script_for(model).reply(messages, params)
    prompt = _tokens("".join(str(m.get("content", "")) for m in messages))
    completion = _tokens(text)
    return {
        "model": f"{PROVIDER}/{model}",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    }


providers.register(PROVIDER, _complete)
