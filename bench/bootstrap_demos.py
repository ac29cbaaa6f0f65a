"""Few-shot demos for a role, bootstrapped the way ``dspy.BootstrapFewShot`` does: from its own successes.

GEPA only rewrites instructions. The other lever DSPy offers a small model is demonstrations: worked
examples in the prompt. This runs the role's baseline on the given training tasks (DSPy cache off) and keeps
its successes as demos. Coder: each bug fixed on the first attempt, with the inputs that attempt saw (the
buggy file, the failing output as the model reads it, no feedback) and the model's own reasoning, function
name and function. Planner: each valid plan scoring at least ``--min-score``, with the task and context, as
the program returned it (linked). Prints each demo's size in characters (a demo's tokens are added to every
call: the token cap is +25 %).

    python bench/bootstrap_demos.py --role coder --tasks id1,id2 --out demos.json [--config eval/runs.toml]

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


def coder_demo(bug: dict[str, Any], record: dict[str, Any], _: float) -> dict[str, str] | None:
    """The first attempt of a record as a demo, when that attempt fixed the bug; None otherwise."""
    history = record.get("history") or []
    if not history or not history[0].get("passed"):
        return None
    first = history[0]
    inputs = {"task": "", "file_path": bug["file"], "code": bug["buggy_source"], "feedback": ""}
    inputs["test_output"] = for_model(record["initial_output"])
    return inputs | {key: first[key] for key in ("reasoning", "function_name", "fixed_function")}


def planner_demo(task: dict[str, Any], record: dict[str, Any], min_score: float) -> dict[str, Any] | None:
    """The plan of a record as a demo, when it is valid and scores at least ``min_score``; None otherwise."""
    if not record.get("valid") or record.get("score", 0.0) < min_score:
        return None
    return {"task": task["task"], "context": task.get("context", ""), "feedback": "", "plan": record["plan"]}


DEMO_OF = {"coder": coder_demo, "planner": planner_demo}


def training_tasks(role: str, ids: str) -> list[dict[str, Any]]:
    """The role's training tasks of the comma-separated ``ids``, in that order; an unknown id is a clear error."""
    tasks = {task["id"]: task for task in role_program(role).items("train", None)}
    wanted = [i.strip() for i in ids.split(",") if i.strip()]
    unknown = [i for i in wanted if i not in tasks]
    if unknown or not wanted:
        listed = ", ".join(unknown) or "(none given)"
        raise SystemExit(f"not training tasks of the {role}: {listed}; see the role's suite, split train")
    return [tasks[i] for i in wanted]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--role", default="coder", choices=sorted(DEMO_OF))
    parser.add_argument("--tasks", required=True, help="comma-separated ids of training bugs or tasks")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--min-score", type=float, default=0.8, help="Planner: the lowest score a demo plan may have")
    parser.add_argument("--config", type=Path, default=None)
    args = parser.parse_args()
    runtime, role = build_runtime(args.config, cache=False), role_program(args.role)
    demos = []
    for task in training_tasks(args.role, args.tasks):
        record = role.run_task(runtime, task, role.build(runtime))
        demo = DEMO_OF[args.role](task, record, args.min_score)
        kept = f"a demo of {len(json.dumps(demo))} chars" if demo else "no demo"
        print(f"{task['id']}: score {record.get('score')}, {kept}")
        demos += [demo] if demo else []
    write_text_atomic(args.out, json.dumps(demos, indent=1))
    print(f"{len(demos)} demos written to {args.out}")


if __name__ == "__main__":
    main()
