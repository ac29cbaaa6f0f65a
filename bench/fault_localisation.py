"""Does fault localisation help the Coder? Where the seeded line ranks, and the Coder with and without it.

``--rank-only``: no model; for each bug, the Ochiai rank of its seeded line among the lines the failing tests
ran (``plancoder.spectrum``, one traced sandbox run; rank 1 is the best score, which several lines may share),
and how many bugs have it at rank 1, and among the ``spectrum.SHOWN`` lines the model is shown. A dropped
statement has no line of its own: its seeded line number is where the next line now sits, so such bugs rarely
rank. Otherwise the Coder without localisation (the baseline) and with it run interleaved per bug with the DSPy
cache off, and the same table, totals, latency and token ratios and gain bound as ``instruction_headroom.py``
are printed.

    python bench/fault_localisation.py [--split validation] [--limit 15] [--skip 0] [--config eval/runs.toml]
        [--rank-only]

``--skip N`` leaves out the bugs a ``--limit N`` run measured (the same spread order), to extend a sample.
"""

# plancoder must be imported before DSPy so that its environment defaults apply: keep this order.
import argparse  # noqa: I001
from pathlib import Path

import plancoder  # noqa: F401

from instruction_headroom import report
from plancoder import sandbox, spectrum
from plancoder.budget import DataLimits
from plancoder.coder import Coder
from plancoder.fix import make_coder
from plancoder.programs import role_program
from plancoder.release import BASELINE_NAME, measure_programs
from plancoder.runtime import build_runtime
from plancoder.suite import materialized


def seeded_rank(bug: dict) -> tuple[int | None, bool]:
    """(rank of the seeded line, whether the model is shown it); (None, False) when no failing test ran it."""
    with materialized(bug) as project:
        run = sandbox.run_tests(project, bug["test_cmd"], trace=bug["file"])
    scores = spectrum.ochiai(run.lines_run)
    mine = scores.get(bug["lineno"])
    if mine is None:
        return None, False
    return 1 + sum(score > mine for score in scores.values()), bug["lineno"] in spectrum.most_suspicious(scores)


def rank_table(bugs: list[dict]) -> None:
    ranks = [seeded_rank(bug) for bug in bugs]
    for bug, (rank, shown) in zip(bugs, ranks, strict=True):
        print(f"{bug['id'][:44].ljust(46)} rank {rank or '-'}{' (shown)' if shown else ''}")
    first = sum(rank == 1 for rank, _ in ranks)
    print(f"rank 1: {first}/{len(bugs)}; shown: {sum(shown for _, shown in ranks)}/{len(bugs)}")


def localising(coder: Coder, on: bool) -> Coder:
    coder.localise = on
    return coder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="validation")
    parser.add_argument("--limit", type=int, default=15)
    parser.add_argument("--skip", type=int, default=0, help="leave out the bugs of a --limit SKIP run")
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--rank-only", action="store_true", help="only rank the seeded lines; no model")
    args = parser.parse_args()
    role, limits = role_program("coder"), DataLimits()
    items = role.items(args.split, None)
    skipped = {item["id"] for item in limits.choose(items, args.skip)} if args.skip else set()
    bugs = limits.choose([item for item in items if item["id"] not in skipped], args.limit)
    if args.rank_only:
        return rank_table(bugs)
    runtime = build_runtime(args.config, cache=False)
    programs = {name: localising(make_coder(runtime), name != BASELINE_NAME) for name in (BASELINE_NAME, "localised")}
    report(measure_programs(runtime, role, programs, bugs, progress=print))


if __name__ == "__main__":
    main()
