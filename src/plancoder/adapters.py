"""The adapter plancoder's roles use: DSPy's ChatAdapter without its JSON fallback.

When a ChatAdapter answer does not parse, DSPy retries the whole call with JSONAdapter. With the
small embedded models that second call rarely parses better, and it re-generates up to
``max_tokens`` (measured: a truncated Coder answer cost ~500 s more on 2 cores). Roles treat an
unparsable answer as a failed attempt and retry with feedback instead, which is bounded and counted.

It also reads a field header that the model glued to the end of a line (``}[[ ## completed ## ]]``),
which DSPy reads only at the start of one.
"""

import functools
import re
from typing import Any

import dspy


class ChatOnlyAdapter(dspy.ChatAdapter):
    """ChatAdapter whose parse failures surface as ``AdapterParseError`` (no JSONAdapter retry)."""

    def __call__(self, lm: Any, lm_kwargs: dict, signature: Any, demos: list, inputs: dict) -> list[dict]:
        return dspy.Adapter.__call__(self, lm, lm_kwargs, signature, demos, inputs)

    async def acall(self, lm: Any, lm_kwargs: dict, signature: Any, demos: list, inputs: dict) -> list[dict]:
        return await dspy.Adapter.acall(self, lm, lm_kwargs, signature, demos, inputs)

    def parse(self, signature: Any, completion: str) -> dict[str, Any]:
        return super().parse(signature, unglue_headers(signature, completion))

    def format_field_structure(self, signature: Any) -> str:
        """DSPy rebuilds this text, JSON schemas included, on every call (a third of a scripted Planner
        call); it depends only on the signature's fields, so it is made once per signature."""
        return _field_structure(signature)


@functools.lru_cache(maxsize=256)
def _field_structure(signature: Any) -> str:
    return dspy.ChatAdapter().format_field_structure(signature)


def unglue_headers(signature: Any, completion: str) -> str:
    """Put an output field's header (or ``completed``) that ends a line on a line of its own.

    The embedded 0.5B often ends its plan with ``}[[ ## completed ## ]]``; DSPy then kept the header in the
    plan's JSON, which parsed as a list, and a sound plan was lost (2 of the first 4 parse failures of a
    real optimizer run)."""
    names = "|".join(re.escape(name) for name in [*signature.output_fields, "completed"])
    return re.sub(rf"(?<=\S)[ \t]*(\[\[ ## (?:{names}) ## \]\])", r"\n\1", completion)
