"""What evaluating the whole prompt on every call costs, against reusing the key-value cache of the
prefix shared with the previous call (llama.cpp's default, given up by plancoder so that an answer
depends on its request only: ``local_lm.complete``).

The requests share a system message and a code context and differ at the end, like a guard's
attempts whose feedback changes. Both modes alternate on the same loaded model, greedy, so that
machine noise hits both alike. Prints the medians and their ratio.

    python bench/prompt_reuse.py [--model local/qwen2.5-coder-1.5b] [--rounds 5] [--max-tokens 32]
"""

# plancoder must be imported before DSPy so that its environment defaults apply: keep this order.
import argparse  # noqa: I001
import statistics
import time

import plancoder  # noqa: F401
import dspy

from plancoder import local_lm
from plancoder.config import load_settings
from plancoder.home import ensure_data_dir
from plancoder.local_pool import ModelPool
from plancoder.models import ModelSwitcher

SIGNATURE = dspy.Signature("code, feedback -> answer")
CODE = "def mean(xs):\n    return sum(xs) / len(xs)\n\n" * 24


def request(attempt: int) -> list[dict]:
    """The ChatAdapter messages of one attempt: the same prefix, another feedback at the end."""
    feedback = f"Attempt {attempt} was too long. Explain mean() on an empty list in one sentence."
    return dspy.ChatAdapter().format(SIGNATURE, demos=[], inputs={"code": CODE, "feedback": feedback})


def timed_call(pool: ModelPool, name: str, messages: list[dict], max_tokens: int, fresh: bool) -> tuple[float, int]:
    """(seconds, prompt tokens) of one greedy completion through plancoder's own ``local_lm.complete``."""
    started = time.perf_counter()
    params = {"temperature": 0.0, "max_tokens": max_tokens}
    result = local_lm.complete(pool, name, messages, params, reuse_prefix=not fresh)
    return time.perf_counter() - started, result["usage"]["prompt_tokens"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="local/qwen2.5-coder-1.5b")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--max-tokens", type=int, default=32)
    args = parser.parse_args()
    pool, name = ModelSwitcher(load_settings(None, {}), ensure_data_dir(), {}).pool, args.model.split("/", 1)[1]
    times: dict[bool, list[float]] = {True: [], False: []}
    _, tokens = timed_call(pool, name, request(0), args.max_tokens, fresh=True)  # load and warm up
    for attempt in range(1, 2 * args.rounds + 1):
        fresh = attempt % 2 == 0
        times[fresh].append(timed_call(pool, name, request(attempt), args.max_tokens, fresh)[0])
    reuse, fresh = statistics.median(times[False]), statistics.median(times[True])
    print(f"model {args.model}, {args.rounds} rounds, {tokens} prompt tokens, max_tokens {args.max_tokens}")
    print(f"prefix reused      median {reuse * 1000:9.1f} ms  (min {min(times[False]) * 1000:.1f})")
    print(f"whole prompt fresh median {fresh * 1000:9.1f} ms  (min {min(times[True]) * 1000:.1f})")
    print(f"cost of reproducible answers: ratio {fresh / reuse:.3f}")


if __name__ == "__main__":
    main()
