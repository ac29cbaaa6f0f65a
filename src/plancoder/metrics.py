"""Per-role metrics that return ``dspy.Prediction(score, feedback)``, ready for GEPA."""

import re
from typing import Any

import dspy

from plancoder.checks import CODER_SAYS_ITSELF
from plancoder.constitution import finding_lines

FAILURE_LINE = re.compile(r"^(FAILED .*|E  .*|.*Error: .*)$", re.MULTILINE)


def failing_tests(output: str, limit: int = 12) -> str:
    """The lines of pytest output that say which tests failed and how."""
    lines = [line.strip() for line in FAILURE_LINE.findall(output)]
    return "\n".join(list(dict.fromkeys(lines))[:limit])


def _bug_hint(gold: Any) -> str:
    bug = getattr(gold, "bug", None) or {}
    if not bug:
        return ""
    return (
        f" The seeded bug was a {bug['operator']} at line {bug['lineno']}: the original line "
        f"`{bug['original_line']}` became `{bug['mutated_line'] or '(deleted)'}`."
    )


def coder_metric(
    gold: Any, pred: Any, trace: Any = None, pred_name: Any = None, pred_trace: Any = None
) -> dspy.Prediction:
    """Score = the Coder's score (1.0 when the tests pass cleanly); feedback says which tests failed and how,
    and which constitution articles the answer broke."""
    articles = " ".join(finding_lines(getattr(pred, "constitution", None) or [], CODER_SAYS_ITSELF))
    if pred.passed:
        feedback = f"The fix made every test pass in {pred.attempts} attempt(s). {articles}".strip()
        return dspy.Prediction(score=float(pred.score), feedback=feedback)
    last = pred.history[-1] if pred.history else {}
    if last.get("error"):
        why = f"The last proposal could not be applied: {last['error']}."
    else:
        why = f"After {pred.attempts} attempt(s) the tests still fail:\n{failing_tests(last.get('test_output', ''))}"
    return dspy.Prediction(score=float(pred.score), feedback=" ".join(filter(None, [why + _bug_hint(gold), articles])))
