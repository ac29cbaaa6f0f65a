"""LiteLLM custom providers: ``local/<name>`` (llama.cpp) and ``scripted/<id>`` (tests).

Registering them makes ``dspy.LM("local/...")`` and ``dspy.LM("scripted/...")`` ordinary DSPy LMs.
"""

import asyncio
import functools
import threading
from collections.abc import Callable
from typing import Any

import litellm
from litellm import CustomLLM, ModelResponse

from plancoder import replay

Completer = Callable[[str, list[dict[str, Any]], dict[str, Any]], dict]
"""(model name, messages, optional params) -> OpenAI-shaped completion dict."""
Skipper = Callable[[str, list[dict[str, Any]], dict[str, Any]], Any]
"""Told of a call answered from a recording instead (``plancoder.replay``), to count it all the same."""

_registered: dict[str, "Provider"] = {}
_lock = threading.Lock()


class Provider(CustomLLM):
    """Adapts a plain completion function to LiteLLM's custom-provider interface."""

    def __init__(self, name: str, completer: Completer, skipper: Skipper | None = None) -> None:
        super().__init__()
        self.name, self.completer, self.skipper = name, completer, skipper

    def completion(self, model: str, messages: list, optional_params: dict, **_: Any) -> ModelResponse:
        params = dict(optional_params or {})
        run = functools.partial(self.completer, model, messages, params)
        skip = functools.partial(self.skipper or (lambda *_: None), model, messages, params)
        result = replay.answer(f"{self.name}/{model}", messages, params, run, skip)
        return ModelResponse(
            model=result.get("model") or model,
            choices=result["choices"],
            usage=result["usage"],
        )

    async def acompletion(self, model: str, messages: list, optional_params: dict, **kw: Any) -> ModelResponse:
        return await asyncio.to_thread(self.completion, model, messages, optional_params, **kw)


def register(name: str, completer: Completer, skipper: Skipper | None = None) -> Provider:
    """Register (or re-point) the provider ``name``; idempotent and safe to call from any thread."""
    with _lock:
        if name in _registered:
            _registered[name].completer, _registered[name].skipper = completer, skipper
            return _registered[name]
        provider = Provider(name, completer, skipper)
        _registered[name] = provider
        others = [item for item in litellm.custom_provider_map if item["provider"] != name]
        litellm.custom_provider_map = [*others, {"provider": name, "custom_handler": provider}]
        return provider
