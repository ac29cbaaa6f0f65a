"""Per-role metrics that return ``dspy.Prediction(score, feedback)``, ready for GEPA."""

import ast
import contextlib
import re
from typing import Any

import dspy

from plancoder.checks import CODER_SAYS_ITSELF
from plancoder.coder import steady
from plancoder.constitution import finding_lines
from plancoder.edits import EditError, functions, target_function
from plancoder.mutations import in_words

FAILURE_LINE = re.compile(r"^(FAILED .*|E  .*|.*Error: .*)$", re.MULTILINE)


def failing_tests(output: str, limit: int = 12) -> str:
    """The lines of pytest output that say which tests failed and how (``steady``: the same every run)."""
    lines = [line.strip() for line in FAILURE_LINE.findall(steady(output))]
    return "\n".join(list(dict.fromkeys(lines))[:limit])


def _bug_hint(gold: Any, pred: Any) -> str:
    """Where the seeded bug was and whether the proposals rewrote that function: the facts GEPA's
    reflection can turn into a general rule (the line alone led it to copy the fix)."""
    bug = getattr(gold, "bug", None) or {}
    if not bug:
        return ""
    where = bug_function(bug)
    return (
        f" The seeded bug was {in_words(bug['operator'])} at line {bug['lineno']}{f' in `{where}`' if where else ''}: "
        f"the original line `{bug['original_line']}` became `{bug['mutated_line'] or '(deleted)'}`."
    ) + _rewrote_hint(where, bug, pred.history or [])


def _rewrote_hint(where: str, bug: dict[str, Any], history: list[dict[str, Any]]) -> str:
    rewrote = rewritten(bug["buggy_source"], history) if where else []
    if not rewrote:
        return ""
    named = ", ".join(f"`{name}`" for name in rewrote)
    return f" The proposals rewrote {named}" + (
        ", the function with the bug, without undoing it." if where in rewrote else f", not `{where}`."
    )


def rewritten(source: str, history: list[dict[str, Any]]) -> list[str]:
    """The functions the attempts replaced, named as the Coder resolved them (an edit that could not be
    applied, or that left the code as it was, replaced none)."""
    names = set()
    for attempt in (a for a in history if not a.get("unchanged")):
        with contextlib.suppress(EditError):
            names.add(target_function(source, attempt.get("function_name", ""), attempt.get("fixed_function", "")))
    return sorted(names)


def unchanged_count(history: list[dict[str, Any]]) -> int:
    """How many attempts proposed the code already there (the 1.5B's commonest failure)."""
    return sum(bool(attempt.get("unchanged")) for attempt in history)


def fixed_first_time(history: list[dict[str, Any]]) -> bool:
    """Whether the first attempt fixed the bug: it is greedy, so this part of a Coder's count is not a draw
    of the sampled retries (two draws of the baseline's retries fixed the same 17 test bugs first time)."""
    return bool(history) and bool(history[0].get("passed"))


def unchanged_hint(history: list[dict[str, Any]]) -> str:
    """The unchanged attempts, for the reflection model: worth a rule."""
    same = unchanged_count(history)
    return f" {same} of {len(history)} proposal(s) returned the function with its code unchanged." if same else ""


def bug_function(bug: dict[str, Any]) -> str:
    """The innermost function (``name`` or ``Class.method``) of the buggy source that holds the bug's line
    (for a deleted last line, the line before it)."""
    try:
        found = functions(ast.parse(bug.get("buggy_source", "")))
    except SyntaxError:
        return ""
    lines = (bug["lineno"], bug["lineno"] - 1) if not bug.get("mutated_line") else (bug["lineno"],)
    for line in lines:
        holding = [
            (end - node.lineno, name)
            for name, node in found.items()
            if node.lineno <= line <= (end := node.end_lineno or node.lineno)
        ]
        if holding:
            return min(holding)[1]
    return ""


def coder_metric(
    gold: Any, pred: Any, trace: Any = None, pred_name: Any = None, pred_trace: Any = None
) -> dspy.Prediction:
    """Score = the Coder's score (1.0 when the tests pass cleanly); feedback says where the bug was, what the
    proposals did, which constitution articles the answer broke, then which tests failed and how (the facts
    first: the rule proposer shows the reflection model only the start of each feedback)."""
    articles = " ".join(finding_lines(getattr(pred, "constitution", None) or [], CODER_SAYS_ITSELF))
    same = unchanged_hint(pred.history or [])
    if pred.passed:
        feedback = f"The fix made every test pass in {pred.attempts} attempt(s).{same} {articles}".strip()
        return dspy.Prediction(score=float(pred.score), feedback=feedback)
    last = pred.history[-1] if pred.history else {}
    if last.get("error"):
        why, failing = f"The last proposal could not be applied: {last['error']}.", ""
    else:
        why, failing = (
            f"After {pred.attempts} attempt(s) the tests still fail.",
            failing_tests(last.get("test_output", "")),
        )
    facts = " ".join(filter(None, [why + _bug_hint(gold, pred) + same, articles]))
    return dspy.Prediction(score=float(pred.score), feedback="\n".join(filter(None, [facts, failing])))
