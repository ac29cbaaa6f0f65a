"""What the prompt cache saves, per way of reusing it: none (the whole prompt evaluated on every call),
aligned (plancoder's default: the shared prefix reused up to a boundary of whole batches, which keeps
every answer as a fresh evaluation gives it: ``local_lm.AlignedPrefix``) and any prefix (llama.cpp's
own reuse, ``[local] reuse_prefix = true``: answers then depend on the previous call).

The requests share a system message and a code context of about Coder size and differ at the end, like
a guard's attempts whose feedback changes. The three modes take turns on the same loaded model, greedy,
so that machine noise hits them alike. Prints the medians and their ratios.

    python bench/prompt_reuse.py [--model local/qwen2.5-coder-1.5b] [--rounds 4] [--max-tokens 32]
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
CODE = "def mean(xs):\n    return sum(xs) / len(xs)\n\n" * 90
MODES = ("none", "aligned", "any prefix")


def request(attempt: int) -> list[dict]:
    """The ChatAdapter messages of one attempt: the same prefix, another feedback at the end."""
    feedback = f"Attempt {attempt} was too long. Explain mean() on an empty list in one sentence."
    return dspy.ChatAdapter().format(SIGNATURE, demos=[], inputs={"code": CODE, "feedback": feedback})


def timed_call(pool: ModelPool, name: str, messages: list[dict], max_tokens: int, mode: str) -> tuple[float, int]:
    """(seconds, prompt tokens) of one greedy completion through plancoder's own ``local_lm.complete``."""
    if mode == "none":
        with pool.use(name) as llama:
            llama.reset()
    started = time.perf_counter()
    params = {"temperature": 0.0, "max_tokens": max_tokens}
    result = local_lm.complete(pool, name, messages, params, reuse_prefix=mode == "any prefix")
    return time.perf_counter() - started, result["usage"]["prompt_tokens"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="local/qwen2.5-coder-1.5b")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--max-tokens", type=int, default=32)
    args = parser.parse_args()
    pool, name = ModelSwitcher(load_settings(None, {}), ensure_data_dir(), {}).pool, args.model.split("/", 1)[1]
    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    _, tokens = timed_call(pool, name, request(0), args.max_tokens, "none")  # load and warm up
    for attempt in range(1, len(MODES) * args.rounds + 1):
        mode = MODES[attempt % len(MODES)]
        times[mode].append(timed_call(pool, name, request(attempt), args.max_tokens, mode)[0])
    medians = {mode: statistics.median(times[mode]) for mode in MODES}
    print(f"model {args.model}, {args.rounds} rounds, {tokens} prompt tokens, max_tokens {args.max_tokens}")
    for mode in MODES:
        print(f"reuse {mode:<10} median {medians[mode] * 1000:9.1f} ms  (min {min(times[mode]) * 1000:.1f})")
    print(f"none / aligned: x{medians['none'] / medians['aligned']:.2f}; ", end="")
    print(f"aligned / any prefix: x{medians['aligned'] / medians['any prefix']:.2f}")


if __name__ == "__main__":
    main()
