"""Rebuild the built-in seeded-bug suite from the corpus (deterministic for a seed).

    python scripts/build_suite.py [--per-file 4] [--seed 0]

Writes src/plancoder/benchmarks/seeded_bugs.json; commit it, since evaluations compare against it.
"""

import argparse
import sys
import time
from collections import Counter

from plancoder.suite import build_suite, write_suite


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-file", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    suite = build_suite(args.per_file, args.seed, progress=lambda line: print(line, file=sys.stderr))
    path = write_suite(suite)
    print(f"{len(suite['bugs'])} bugs from {sum(len(m) for m in suite['splits'].values())} modules -> {path}")
    print("per split:", dict(Counter(b["split"] for b in suite["bugs"])))
    print("per operator:", dict(Counter(b["operator"] for b in suite["bugs"])))
    print(f"took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
