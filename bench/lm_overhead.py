"""Overhead of a DSPy call through plancoder's local LM versus a raw llama_cpp completion.

Both paths send the same messages (the ChatAdapter rendering of one Predict call) to the same loaded
llama.cpp model with greedy decoding and the same max_tokens, alternating, so that machine noise
hits both alike. Prints the medians and their ratio (target: under 1.05).

    python bench/lm_overhead.py [--model local/qwen2.5-coder-0.5b] [--rounds 7] [--max-tokens 64]
"""

# plancoder must be imported before DSPy so that its environment defaults apply: keep this order.
import argparse  # noqa: I001
import statistics
import time

import plancoder  # noqa: F401
import dspy

from plancoder.config import load_settings
from plancoder.home import ensure_data_dir
from plancoder.models import ModelSwitcher

SIGNATURE = dspy.Signature("code, question -> answer")
INPUTS = {
    "code": "def mean(xs):\n    return sum(xs) / len(xs)\n\n" * 8,
    "question": "What happens when mean() is called with an empty list? Answer in one sentence.",
}


def timed(call):
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="local/qwen2.5-coder-0.5b")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--max-tokens", type=int, default=64)
    args = parser.parse_args()

    settings = load_settings(None, {})
    switcher = ModelSwitcher(settings, ensure_data_dir(), {})
    lm = switcher.lm(args.model).copy(cache=False, max_tokens=args.max_tokens, temperature=0.0)
    predict = dspy.Predict(SIGNATURE)
    messages = dspy.ChatAdapter().format(SIGNATURE, demos=[], inputs=INPUTS)
    name = args.model.split("/", 1)[1]

    def raw() -> None:
        with switcher.pool.use(name) as llama:
            if not settings.local.reuse_prefix:  # the prompt is under one batch: plancoder evaluates it whole too
                llama.reset()
            llama.create_chat_completion(messages=messages, temperature=0.0, max_tokens=args.max_tokens)

    def through_dspy() -> None:
        with dspy.context(lm=lm, adapter=dspy.ChatAdapter()):
            predict(**INPUTS)

    raw()  # load the model and warm up both paths
    through_dspy()
    raw_times, dspy_times = [], []
    for _ in range(args.rounds):
        raw_times.append(timed(raw))
        dspy_times.append(timed(through_dspy))
    raw_median, dspy_median = statistics.median(raw_times), statistics.median(dspy_times)
    print(f"model {args.model}, {args.rounds} rounds, max_tokens {args.max_tokens}")
    print(f"raw llama_cpp      median {raw_median * 1000:9.1f} ms  (min {min(raw_times) * 1000:.1f})")
    print(f"DSPy via plancoder median {dspy_median * 1000:9.1f} ms  (min {min(dspy_times) * 1000:.1f})")
    print(
        f"overhead: {(dspy_median - raw_median) * 1000:+.1f} ms, ratio {dspy_median / raw_median:.3f} (target < 1.05)"
    )


if __name__ == "__main__":
    main()
