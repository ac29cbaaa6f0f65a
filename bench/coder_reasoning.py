"""Does the Coder's reasoning step help? Its ChainOfThought fix call against a plain ``dspy.Predict`` one.

The Planner reasons only on request (``[planner] reason``): ChainOfThought made the 0.5B ramble. This asks the
same of the Coder: the baseline (reason, then the fixed function) and the same Coder whose fix call answers with
the function directly, interleaved per bug with the DSPy cache off; the same table, totals, latency and token
ratios and gain bound as ``instruction_headroom.py``. With ``[coder] max_attempts = 1`` in the config it
compares the greedy first attempts alone.

    python bench/coder_reasoning.py [--split validation] [--limit 15] [--config eval/runs.toml]
"""

# plancoder must be imported before DSPy so that its environment defaults apply: keep this order.
import argparse  # noqa: I001
from pathlib import Path

import plancoder  # noqa: F401
import dspy

from instruction_headroom import report
from plancoder.budget import DataLimits
from plancoder.coder import Coder, FixFunction
from plancoder.fix import make_coder
from plancoder.programs import role_program
from plancoder.release import BASELINE_NAME, measure_programs
from plancoder.runtime import build_runtime


def without_reasoning(coder: Coder) -> Coder:
    """The Coder with its fix call answering directly (no ``reasoning`` output field)."""
    coder.fix.guard.module.predictor.proposer = dspy.Predict(FixFunction)
    return coder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="validation")
    parser.add_argument("--limit", type=int, default=15)
    parser.add_argument("--config", type=Path, default=None)
    args = parser.parse_args()
    role = role_program("coder")
    bugs = DataLimits().choose(role.items(args.split, None), args.limit)
    runtime = build_runtime(args.config, cache=False)
    programs = {BASELINE_NAME: make_coder(runtime), "predict": without_reasoning(make_coder(runtime))}
    report(measure_programs(runtime, role, programs, bugs, progress=print))


if __name__ == "__main__":
    main()
