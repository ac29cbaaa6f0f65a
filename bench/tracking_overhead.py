"""Time MLflow tracking adds to a role call (target: under 5 % of a real call).

A Planner call with a scripted LM (so that only plancoder, DSPy and MLflow are timed) runs in blocks:
untracked, inside a tracked run with ``mlflow.dspy.autolog`` traces (local SQLite store in a temp
directory), untracked again. Prints the medians, the time added per call and its share of a real
call of the embedded model (``--real-call-s``, the mean Planner latency of ``plancoder eval``).

    python bench/tracking_overhead.py [--rounds 30] [--real-call-s 35]
"""

# plancoder must be imported before DSPy so that its environment defaults apply: keep this order.
import argparse  # noqa: I001
import json
import statistics
import tempfile
import time
from pathlib import Path

import plancoder  # noqa: F401
import dspy

from plancoder.adapters import ChatOnlyAdapter
from plancoder.planner import Planner
from plancoder.scripted import Script, chat_answer
from plancoder.tracking import store_for, tracked_run

STEPS = [{"id": f"s{i}", "title": f"Step {i} for --verbose", "acceptance": "tests pass"} for i in range(1, 9)]
PLAN = json.dumps(
    {"steps": [{**s, "depends_on": [f"s{int(s['id'][1:]) - 1}"] if s["id"] != "s1" else []} for s in STEPS]}
)


def block(planner, lm, rounds):
    """Median seconds per call; the DSPy context is entered per block, after autolog set its callback."""
    times = []
    with dspy.context(lm=lm, adapter=ChatOnlyAdapter()):
        for _ in range(rounds):
            started = time.perf_counter()
            planner(task="Add a --verbose flag", context="")
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def count_traces():
    import mlflow

    mlflow.flush_trace_async_logging()
    return len(mlflow.search_traces(locations=[mlflow.get_experiment_by_name("plancoder-planner").experiment_id]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--real-call-s", type=float, default=35.0)
    args = parser.parse_args()
    planner = Planner()
    lm = Script(lambda messages: chat_answer(plan=PLAN)).lm()
    with tempfile.TemporaryDirectory() as home:
        block(planner, lm, 5)  # warm up DSPy and the adapter before anything is timed
        before = block(planner, lm, args.rounds)
        with tracked_run(store_for(True, "", Path(home), {}), "planner", "bench", {"bench": "tracking"}) as run:
            assert run.run_id, "tracking did not start"
            tracked = block(planner, lm, args.rounds)
            traces = count_traces()
        after = block(planner, lm, args.rounds)  # the run has ended: autolog is off again
    untracked = (before + after) / 2
    added = tracked - untracked
    print(f"{traces} traces recorded in the tracked block")
    print(f"untracked median {untracked * 1000:.1f} ms, tracked (autolog traces) median {tracked * 1000:.1f} ms")
    print(f"added per call {added * 1000:.1f} ms = {added / untracked:.0%} of a scripted call, ", end="")
    print(f"{added / args.real_call_s:.3%} of a {args.real_call_s:.0f} s embedded-model call")


if __name__ == "__main__":
    main()
