"""Which edit format should the Coder ask the embedded model for? Measured, one attempt each.

For the same seeded bugs, the model is asked for (a) the one fixed function (what the Coder uses),
(b) a search/replace block, (c) the whole fixed file. Each answer is applied and the tests run in
the sandbox. Prints per-format pass rate, completion tokens and latency.

    python bench/edit_formats.py [--model local/qwen2.5-coder-1.5b] [--split validation] [--limit 8]

Bugs are taken round-robin across modules (not the first N, which would all sit in one module).
"""

import argparse  # noqa: I001 - plancoder before DSPy
import statistics
import time

import plancoder  # noqa: F401
import dspy

from plancoder.coder import FixFunction, Workspace
from plancoder.edits import EditError, strip_fences
from plancoder.serving import total_tokens
from plancoder.runtime import build_runtime
from plancoder.sandbox import Limits
from plancoder.suite import load_bugs, materialized


SearchReplace = (
    FixFunction.delete("function_name")
    .delete("fixed_function")
    .with_instructions(
        "Fix the bug in a Python file so that its failing tests pass. Answer with an exact excerpt of the "
        "current file (`search`, copied character for character, a few lines around the bug) and the text "
        "that replaces it (`replace`). The tests are read-only."
    )
    .append("search", dspy.OutputField(desc="Exact lines of the current file to replace"))
    .append("replace", dspy.OutputField(desc="The corrected lines"))
)
WholeFile = (
    FixFunction.delete("function_name")
    .delete("fixed_function")
    .with_instructions(
        "Fix the bug in a Python file so that its failing tests pass. Return the complete corrected file. "
        "The tests are read-only."
    )
    .append("fixed_file", dspy.OutputField(desc="The complete corrected file (Python only)"))
)


def apply_function(workspace, pred):
    return workspace.candidate(pred.function_name, pred.fixed_function)


def apply_search_replace(workspace, pred):
    search = strip_fences(pred.search)
    if not search.strip() or search not in workspace.original:
        raise EditError("search text not found in the file")
    return workspace.original.replace(search, strip_fences(pred.replace), 1)


def apply_whole_file(workspace, pred):
    return strip_fences(pred.fixed_file) + "\n"


FORMATS = {
    "function": (FixFunction, apply_function),
    "search_replace": (SearchReplace, apply_search_replace),
    "whole_file": (WholeFile, apply_whole_file),
}


def one(lm, signature, apply, bug):
    with materialized(bug) as project:
        workspace = Workspace(project, bug["file"], bug["test_cmd"], Limits(wall_s=60))
        initial = workspace.run()
        inputs = {
            "task": "",
            "file_path": bug["file"],
            "code": workspace.original,
            "test_output": initial.output[-3000:],
            "feedback": "",
        }
        started = time.perf_counter()
        with dspy.context(lm=lm), dspy.track_usage() as usage:
            try:
                pred = dspy.ChainOfThought(signature)(**inputs)
                passed = workspace.run(apply(workspace, pred)).passed
            except Exception:  # a parse or edit failure is a failed answer
                passed = False
        return passed, total_tokens(usage.get_total_tokens())["completion_tokens"], time.perf_counter() - started


def spread(bugs, limit):
    """Round-robin over modules so that a small sample covers many different files."""
    by_module = {}
    for bug in bugs:
        by_module.setdefault(bug["module"], []).append(bug)
    rounds = zip(*(iter(group) for group in by_module.values()), strict=False)
    return [bug for round_ in rounds for bug in round_][:limit]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="local/qwen2.5-coder-1.5b")
    parser.add_argument("--split", default="validation")
    parser.add_argument("--limit", type=int, default=8)
    args = parser.parse_args()
    runtime = build_runtime()
    lm = runtime.switcher.lm(args.model).copy(cache=False)
    bugs = spread(load_bugs(split=args.split), args.limit)
    for name, (signature, apply) in FORMATS.items():
        results = [one(lm, signature, apply, bug) for bug in bugs]
        passed = sum(r[0] for r in results)
        tokens = statistics.median(r[1] for r in results)
        latency = statistics.median(r[2] for r in results)
        print(f"{name:15} passed {passed}/{len(bugs)}  median: {tokens:.0f} completion tokens, {latency:.1f} s")


if __name__ == "__main__":
    main()
