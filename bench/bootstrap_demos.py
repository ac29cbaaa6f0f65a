"""Few-shot demos for the Coder, bootstrapped the way ``dspy.BootstrapFewShot`` does: from its own successes.

GEPA only rewrites instructions. The other lever DSPy offers a small model is demonstrations: worked
examples in the prompt. This runs the baseline Coder on the given training bugs (DSPy cache off) and keeps
each bug it fixed on its first attempt as a demo: the inputs that attempt saw (the buggy file, the failing
output as the model reads it, no feedback) and the model's own reasoning, function name and function. Prints
each demo's size in characters (a demo's tokens are added to every call: the token cap is +25 %).

    python bench/bootstrap_demos.py --bugs id1,id2 --out demos.json [--config eval/runs.toml]

Then ``python bench/instruction_headroom.py --role coder --demos demos.json ...`` measures them.
"""

# plancoder must be imported before DSPy so that its environment defaults apply: keep this order.
import argparse  # noqa: I001
import json
from pathlib import Path
from typing import Any

import plancoder  # noqa: F401

from plancoder.atomic import write_text_atomic
from plancoder.coder import for_model
from plancoder.programs import role_program
from plancoder.runtime import build_runtime
from plancoder.suite import load_bugs


def demo_of(bug: dict[str, Any], record: dict[str, Any]) -> dict[str, str] | None:
    """The first attempt of a record as a demo, when that attempt fixed the bug; None otherwise."""
    history = record.get("history") or []
    if not history or not history[0].get("passed"):
        return None
    first = history[0]
    inputs = {"task": "", "file_path": bug["file"], "code": bug["buggy_source"], "feedback": ""}
    inputs["test_output"] = for_model(record["initial_output"])
    return inputs | {key: first[key] for key in ("reasoning", "function_name", "fixed_function")}


def training_bugs(ids: str) -> list[dict[str, Any]]:
    """The training bugs of the comma-separated ``ids``, in that order; an id not in the split is a clear error."""
    bugs = {bug["id"]: bug for bug in load_bugs(None, "train")}
    wanted = [i.strip() for i in ids.split(",") if i.strip()]
    unknown = [i for i in wanted if i not in bugs]
    if unknown or not wanted:
        listed = ", ".join(unknown) or "(none given)"
        raise SystemExit(f"not training bugs: {listed}; see seeded_bugs.json, split train")
    return [bugs[i] for i in wanted]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bugs", required=True, help="comma-separated ids of training bugs")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--config", type=Path, default=None)
    args = parser.parse_args()
    runtime, role = build_runtime(args.config, cache=False), role_program("coder")
    demos = []
    for bug in training_bugs(args.bugs):
        demo = demo_of(bug, role.run_task(runtime, bug, role.build(runtime)))
        print(f"{bug['id']}: {'demo, ' + str(sum(map(len, demo.values()))) + ' chars' if demo else 'not fixed first'}")
        demos += [demo] if demo else []
    write_text_atomic(args.out, json.dumps(demos, indent=1))
    print(f"{len(demos)} demos written to {args.out}")


if __name__ == "__main__":
    main()
