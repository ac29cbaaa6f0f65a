"""Time of the plan validator on a 50-step plan (target: well under 1 ms).

python bench/plan_validate.py [--steps 50] [--runs 2000]
"""

import argparse
import statistics
import time

from plancoder.plan import Plan, Step, validate


def diamond_chain(steps: int) -> Plan:
    """Each step depends on the two before it: a realistic, edge-rich DAG with one goal."""
    return Plan(
        steps=[
            Step(id=f"s{i}", title=f"step {i}", depends_on=[f"s{j}" for j in (i - 1, i - 2) if j >= 0])
            for i in range(steps)
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    plan = diamond_chain(args.steps)
    cyclic = diamond_chain(args.steps)
    cyclic.steps[0].depends_on.append(f"s{args.steps - 1}")
    for label, subject in (("valid", plan), ("with a cycle", cyclic)):
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            validate(subject, max_steps=args.steps)
            times.append(time.perf_counter() - started)
        p99 = sorted(times)[int(0.99 * len(times))]
        found = len(validate(subject, args.steps))
        print(
            f"{args.steps} steps, {label:13} median {statistics.median(times) * 1e6:7.1f} us, p99 {p99 * 1e6:7.1f} us"
            f" ({found} violations)"
        )


if __name__ == "__main__":
    main()
