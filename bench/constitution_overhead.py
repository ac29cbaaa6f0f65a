"""Time the constitution checks add to a role call, as a share of the call (target: under 5 %).

Every ``Constitution.judge`` call made inside a role call is timed, so the share is exact: time in
the checks / time of the whole call. Scripted mode times only our code and DSPy (the scripted LM
answers at once); ``--real`` uses the embedded models on a few built-in tasks and bugs.

    python bench/constitution_overhead.py [--rounds 30]
    python bench/constitution_overhead.py --real [--tasks 2] [--bugs 1]
"""

# plancoder must be imported before DSPy so that its environment defaults apply: keep this order.
import argparse  # noqa: I001
import ast
import json
import statistics
import time

import plancoder  # noqa: F401
import dspy

from plancoder.adapters import ChatOnlyAdapter
from plancoder.coder import Coder
from plancoder.constitution import load_constitution
from plancoder.planner import Planner
from plancoder.planning import load_tasks
from plancoder.runtime import build_runtime
from plancoder.sandbox import Limits
from plancoder.scripted import Script, chat_answer
from plancoder.suite import DEMO_BUG, find_bug, load_bugs, materialized


class TimedConstitution:
    """The real constitution, with the time spent in ``judge`` summed."""

    def __init__(self) -> None:
        self.inner, self.seconds, self.calls = load_constitution(), 0.0, 0

    def judge(self, role, output):
        started = time.perf_counter()
        try:
            return self.inner.judge(role, output)
        finally:
            self.seconds += time.perf_counter() - started
            self.calls += 1


def share(call, constitution):
    """(whole call seconds, seconds in the checks) for one call."""
    constitution.seconds = 0.0
    started = time.perf_counter()
    call()
    return time.perf_counter() - started, constitution.seconds


def report(name, samples):
    totals, checks = [s[0] for s in samples], [s[1] for s in samples]
    ratio = sum(checks) / sum(totals)
    print(
        f"{name:28} calls {len(samples):3}  median call {statistics.median(totals) * 1000:9.1f} ms  "
        f"median checks {statistics.median(checks) * 1000:7.3f} ms  share {ratio:.3%}"
    )


def scripted_plan(constitution, rounds):
    steps = [
        {"id": f"s{i}", "title": f"Step {i} of --verbose", "depends_on": [f"s{i - 1}"] if i > 1 else []}
        for i in range(1, 13)
    ]
    plan = json.dumps({"steps": [{**s, "acceptance": "tests pass", "files": ["src/cli.py"]} for s in steps]})
    planner = Planner(constitution=constitution)
    script = Script(lambda messages: chat_answer(plan=plan))
    with dspy.context(lm=script.lm(), adapter=ChatOnlyAdapter()):
        return [
            share(lambda: planner(task="Add a `--verbose` flag to cli.py", context=""), constitution)
            for _ in range(rounds)
        ]


def scripted_fix(constitution, rounds):
    bug = find_bug(DEMO_BUG)
    coder = Coder(max_attempts=1, limits=Limits(wall_s=60), constitution=constitution)
    reply = chat_answer(reasoning="r", function_name="", fixed_function=the_fix(bug))
    with materialized(bug) as project, dspy.context(lm=Script(lambda m: reply).lm(), adapter=ChatOnlyAdapter()):
        call = lambda: coder(project=str(project), file=bug["file"], test_cmd=bug["test_cmd"])  # noqa: E731
        return [share(call, constitution) for _ in range(rounds)]


def the_fix(bug):
    """The seeded bug's function with the original line put back: a correct fix."""
    lines = bug["buggy_source"].splitlines()
    indent = lines[bug["lineno"] - 1][: len(lines[bug["lineno"] - 1]) - len(lines[bug["lineno"] - 1].lstrip())]
    lines[bug["lineno"] - 1] = indent + bug["original_line"].strip()
    tree = ast.parse("\n".join(lines))
    node = next(
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.lineno <= bug["lineno"] <= n.end_lineno
    )
    return "\n".join(lines[node.lineno - 1 : node.end_lineno])


def real(constitution, tasks, bugs):
    runtime = build_runtime(cache=False)
    planner = Planner(constitution=constitution)
    with dspy.context(lm=runtime.switcher.lm(runtime.settings.models.planner)):
        plans = [share(lambda t=t: planner(task=t["task"], context=t.get("context", "")), constitution) for t in tasks]
    coder = Coder(limits=Limits(wall_s=60), constitution=constitution)
    with dspy.context(lm=runtime.switcher.lm(runtime.settings.models.coder)):
        fixes = []
        for bug in bugs:
            with materialized(bug) as project:
                fixes.append(
                    share(
                        lambda p=project, b=bug: coder(project=str(p), file=b["file"], test_cmd=b["test_cmd"]),
                        constitution,
                    )
                )
    return plans, fixes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--real", action="store_true")
    parser.add_argument("--tasks", type=int, default=2)
    parser.add_argument("--bugs", type=int, default=1)
    args = parser.parse_args()
    constitution = TimedConstitution()
    if args.real:
        plans, fixes = real(
            constitution, load_tasks(split="validation", limit=args.tasks), load_bugs(split="test", limit=args.bugs)
        )
        report("planner, embedded 0.5B", plans)
        report("coder, embedded 1.5B", fixes)
        return
    report("planner, scripted LM", scripted_plan(constitution, args.rounds))
    report("coder, scripted LM + tests", scripted_fix(constitution, args.rounds))


if __name__ == "__main__":
    main()
