"""The adapter plancoder's roles use: DSPy's ChatAdapter without its JSON fallback.

When a ChatAdapter answer does not parse, DSPy retries the whole call with JSONAdapter. With the
small embedded models that second call rarely parses better, and it re-generates up to
``max_tokens`` (measured: a truncated Coder answer cost ~500 s more on 2 cores). Roles treat an
unparsable answer as a failed attempt and retry with feedback instead, which is bounded and counted.
"""

import functools
from typing import Any

import dspy


class ChatOnlyAdapter(dspy.ChatAdapter):
    """ChatAdapter whose parse failures surface as ``AdapterParseError`` (no JSONAdapter retry)."""

    def __call__(self, lm: Any, lm_kwargs: dict, signature: Any, demos: list, inputs: dict) -> list[dict]:
        return dspy.Adapter.__call__(self, lm, lm_kwargs, signature, demos, inputs)

    async def acall(self, lm: Any, lm_kwargs: dict, signature: Any, demos: list, inputs: dict) -> list[dict]:
        return await dspy.Adapter.acall(self, lm, lm_kwargs, signature, demos, inputs)

    def format_field_structure(self, signature: Any) -> str:
        """DSPy rebuilds this text, JSON schemas included, on every call (a third of a scripted Planner
        call); it depends only on the signature's fields, so it is made once per signature."""
        return _field_structure(signature)


@functools.lru_cache(maxsize=256)
def _field_structure(signature: Any) -> str:
    return dspy.ChatAdapter().format_field_structure(signature)
