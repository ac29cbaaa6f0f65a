"""Median wall time of ``python -c "import plancoder"`` in fresh interpreters.

python bench/import_time.py [--runs 9]
"""

import argparse
import statistics
import subprocess
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    bare = statistics.median([_timed([sys.executable, "-c", "pass"]) for _ in range(runs)])
    full = statistics.median([_timed([sys.executable, "-c", "import plancoder"]) for _ in range(runs)])
    print(f"python -c pass:             median {bare * 1000:.0f} ms")
    print(f"python -c 'import plancoder': median {full * 1000:.0f} ms (import itself ~{(full - bare) * 1000:.0f} ms)")


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
