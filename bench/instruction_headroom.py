"""How much can instructions alone gain? The baseline and hand-written rule sets, on the same tasks.

GEPA only rewrites a role's instructions. Before spending hours of CPU on a search, this measures the
ceiling it searches under: rules a person wrote for the failures seen (one rule set per candidate)
are added to the baseline's instructions the way the rule proposer adds them, then the baseline and
every candidate run interleaved per task (the release pass's ``measure``, ``--repeats`` draws of each
task, averaged per task for the bound), with the DSPy cache off. Prints each draw's pass/fail per
program, the totals, the latency and token ratios, and the 90 % bootstrap lower bound of each
candidate's per-task score gain (the release gate asks for it above 0).

    python bench/instruction_headroom.py --role coder --split train --limit 15 --rules rules.txt [--repeats 3]
        [--tasks id1,id2] [--predictor NAME] [--demos demos.json]

``rules.txt``: one rule per line, a blank line between rule sets; without it (and without ``--demos``), the
role's built-in sets below. Each ``--demos FILE`` adds a candidate named after the file: the baseline with the
file's demos (a JSON list of field -> value objects, as ``bench/bootstrap_demos.py`` writes) on the predictor
(the role's only one, or ``--predictor``).
"""

# plancoder must be imported before DSPy so that its environment defaults apply: keep this order.
import argparse  # noqa: I001
import functools
import json
from pathlib import Path

import plancoder  # noqa: F401
import dspy

from plancoder.budget import DataLimits
from plancoder.monitor import was_shipped
from plancoder.programs import role_program, with_instructions
from plancoder.proposer import with_rule
from plancoder.release import BASELINE_NAME, gain_lower_bound, measure_programs, ratios, scored, totals
from plancoder.runtime import build_runtime

RULES = {
    "coder": [
        [
            "If the function named by the failing test looks correct, the bug is in a helper function it calls: "
            "return that helper, fixed.",
            "Find the line whose value differs from what the test expects and change that line; never return the "
            "function unchanged.",
        ],
    ],
    "planner": [
        [
            "Include a step that adds or updates automated tests for the change, after the steps it tests.",
            "Mention in some step every name, option, header or number that the task states.",
        ],
    ],
}
"""Written for the commonest failures of each role's baseline: the Coder's on run E's validation bugs (the
function the test names returned unchanged, while the bug sat in a helper it calls or in a line the model did
not see), the Planner's on the test split's baseline plans (no step for the tests; a name the task gives left
out, an Article II finding)."""


def rule_sets(path: Path | None, role: str = "coder") -> list[list[str]]:
    """The rule sets of ``path`` (blank-line separated blocks of one rule per line), or the role's built-in ones."""
    if path is None:
        return RULES[role]
    blocks = path.read_text(encoding="utf-8").strip().split("\n\n")
    return [[line.strip() for line in block.splitlines() if line.strip()] for block in blocks]


def with_rules(instructions: dict[str, str], rules: list[str], predictor: str = "") -> dict[str, str]:
    """Every predictor's instruction (or only ``predictor``'s) with ``rules`` appended as learned rules."""
    if predictor and predictor not in instructions:
        raise SystemExit(f"no predictor {predictor!r}; the role has: {', '.join(instructions)}")
    return {
        name: functools.reduce(with_rule, rules, text) if predictor in ("", name) else text
        for name, text in instructions.items()
    }


def with_demos(program: dspy.Module, path: Path, predictor: str = "") -> dspy.Module:
    """``program`` with the demos of ``path`` on ``predictor`` (or on its only predictor)."""
    predictors = dict(program.named_predictors())
    if predictor not in predictors and (predictor or len(predictors) > 1):
        raise SystemExit(f"name the predictor for the demos with --predictor; the role has: {', '.join(predictors)}")
    predictors[predictor or next(iter(predictors))].demos = [dspy.Example(**d) for d in demos_in(path)]
    return program


def demos_in(path: Path) -> list[dict]:
    """The demos of a JSON file: a list of field -> value objects."""
    try:
        demos = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SystemExit(f"cannot read demos from {path}: {error}") from None
    if not isinstance(demos, list) or not all(isinstance(demo, dict) for demo in demos):
        raise SystemExit(f"{path} is not a JSON list of demos (field -> value objects); see bootstrap_demos.py")
    return demos


def report(measured: dict, confidence: float = 0.9) -> None:
    """Per-task outcomes, then each program's totals, ratios and gain bound."""
    records = measured["records"]
    names = list(records)
    print("task (draw)".ljust(44), *(name.rjust(9) for name in names))
    for number, record in enumerate(records[BASELINE_NAME]):
        cells = [_cell(records[name][number]) for name in names]
        label = f"{str(record.get('task', number))[:38]} ({record.get('draw', 1)})"
        print(label.ljust(44), *(cell.rjust(9) for cell in cells))
    base = totals(records[BASELINE_NAME])
    for name in names:
        mine = totals(records[name])
        bound = "" if name == BASELINE_NAME else f" gain bound {gain_lower_bound(records, name, confidence):+.4f}"
        shipped = f"shipped {mine['shipped']}/{mine['draws']} draws of {mine['tasks']} tasks"
        print(f"{name}: {shipped}, {scored(mine)} {ratios(mine, base)}{bound}")


def chosen(items: list[dict], ids: str) -> list[dict]:
    """The items whose id is in the comma-separated ``ids`` (every item when empty), in the split's order."""
    wanted = {i.strip() for i in ids.split(",") if i.strip()}
    unknown = wanted - {str(item.get("id")) for item in items}
    if unknown:
        raise SystemExit(f"no such task in the split: {', '.join(sorted(unknown))}")
    return [item for item in items if not wanted or str(item.get("id")) in wanted]


def _cell(record: dict) -> str:
    return f"{'pass' if was_shipped(record) else 'fail'} {record['score']:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--role", default="coder", choices=["coder", "planner"])
    parser.add_argument("--split", default="train")
    parser.add_argument("--limit", type=int, default=15)
    parser.add_argument("--rules", type=Path, default=None)
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=1, help="draws of each task per program")
    parser.add_argument("--tasks", default="", help="comma-separated ids: only these tasks of the split")
    parser.add_argument("--predictor", default="", help="add the rules to this predictor only (default: every one)")
    parser.add_argument("--demos", type=Path, action="append", default=[], help="a JSON file of demos: a candidate")
    args = parser.parse_args()
    runtime = build_runtime(args.config, cache=False)
    role = role_program(args.role)
    items = DataLimits().choose(chosen(role.items(args.split, None), args.tasks), args.limit)
    programs = {BASELINE_NAME: role.build(runtime)}
    baseline = role.instructions(programs[BASELINE_NAME])
    sets = rule_sets(args.rules, args.role) if args.rules or not args.demos else []
    for number, rules in enumerate(sets, 1):
        programs[str(number)] = with_instructions(role.build(runtime), with_rules(baseline, rules, args.predictor))
    for path in args.demos:
        programs[path.stem] = with_demos(role.build(runtime), path, args.predictor)
    report(measure_programs(runtime, role, programs, items, progress=print, repeats=args.repeats))


if __name__ == "__main__":
    main()
