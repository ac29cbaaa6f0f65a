"""One request of a role on its model chain: the answer with its tokens, latency, model and trace id."""

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dspy

from plancoder.monitor import failures_observed
from plancoder.runtime import Runtime


@dataclass
class Served:
    """A role's answer and what serving it cost; ``ok`` is false when a fallback model had to answer."""

    result: Any
    tokens: dict[str, int]
    latency_s: float
    model: str | None
    ok: bool
    trace_id: str


def serve(runtime: Runtime, role: str, model: str | None, call: Callable[[], Any]) -> Served:
    """Run ``call`` on the role's model chain; every guarded attempt's tokens are counted."""
    chain = runtime.switcher.chain(role, model)
    started = time.perf_counter()
    with dspy.track_usage() as usage, failures_observed(role):
        result = chain.run(call)
    latency_s = round(time.perf_counter() - started, 3)
    tokens = total_tokens(usage.get_total_tokens())
    return Served(result, tokens, latency_s, chain.served_by, not chain.failures, uuid.uuid4().hex)


def total_tokens(usage: dict[str, dict[str, Any]] | None) -> dict[str, int]:
    """Prompt, completion and total tokens summed over every model used."""
    sums = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    for per_model in (usage or {}).values():
        for key in sums:
            sums[key] += int(per_model.get(key) or 0)
    return sums
