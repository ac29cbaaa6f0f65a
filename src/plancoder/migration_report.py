"""The migration check's comparison and report: prompts byte for byte, states, API breaks, scores, speed.

The reference is the first version that could be probed (the one a team migrates from). Every other
version is compared with it; the verdict fails when a prompt differs, a saved state does not load,
the program does not import, or a role's mean score moves by more than the tolerance. Latency and
tokens per call are reported as ratios, not judged: one machine's timings vary from run to run.
"""

import difflib
import json
from datetime import UTC, datetime
from pathlib import Path
from statistics import mean
from typing import Any

from plancoder.atomic import write_text_atomic

HINTS = {
    "dspy.Assert": "use plancoder.compat.Assert (same call shape, on dspy.Refine) or dspy.Refine",
    "dspy.Suggest": "use plancoder.compat.Suggest (a soft check that logs and continues)",
    "dspy.assert_transform_module": "use plancoder.compat.assert_transform_module",
    "dspy.backtrack_handler": "use plancoder.compat.backtrack_handler",
    "dspy.primitives.assertions": "import Assert/Suggest from plancoder.compat",
    "dspy.Program": "subclass dspy.Module",
    "dspy.ChainOfThoughtWithHint": "dspy.ChainOfThought with a hint input field",
    "dspy.GEPA": "GEPA exists from DSPy 3.0 on; optimize on 3.x",
}
MAX_DIFF_LINES = 60
CHANGES = [
    ("3.0", "dspy.Program, ChainOfThoughtWithHint and the assertions module are gone (2.6 pickles do not load)"),
    (
        "3.0",
        "JSONAdapter sends response_format=<pydantic model> when LiteLLM reports schema support (2.6: "
        "structured output, then json_object)",
    ),
    ("3.0", "dspy.Evaluate returns an EvaluationResult (.score, .results), not a float"),
    (
        "3.4",
        "dspy.BestOfN and dspy.Refine sample every attempt at temperature 1.0 with a rollout_id (before: the "
        "LM's temperature, then 0.5 rising); plancoder's guards keep the configured temperature for the first attempt",
    ),
    ("3.4", "JSONAdapter decides structured output from the LM's capability properties"),
    ("3.4", "XMLAdapter renders nested XML and drops the completed marker"),
    ("3.4", "a custom BaseLM's usage is counted from response.usage (a manual add_usage double counts)"),
]
"""Behaviour changes measured in ``DSPY3-NOTES`` that move scores, tokens or prompts without an API break."""


def prompt_diff(reference: str, other: str) -> list[str]:
    """A unified diff of two rendered prompts, cut to a readable length."""
    lines = list(difflib.unified_diff(reference.splitlines(), other.splitlines(), "reference", "this", lineterm=""))
    return lines[:MAX_DIFF_LINES] + (
        [f"... {len(lines) - MAX_DIFF_LINES} more lines"] if len(lines) > MAX_DIFF_LINES else []
    )


def compare_prompts(reference: dict[str, Any], other: dict[str, Any]) -> list[dict[str, Any]]:
    """Every predictor and adapter whose prompt is not byte-identical (or is missing on one side)."""
    differences = []
    for program in sorted(set(reference) | set(other)):
        ours, theirs = reference.get(program, {}), other.get(program, {})
        for predictor in sorted(set(ours) | set(theirs)):
            for adapter in sorted(set(ours.get(predictor, {})) | set(theirs.get(predictor, {}))):
                a, b = ours.get(predictor, {}).get(adapter, ""), theirs.get(predictor, {}).get(adapter, "")
                if a != b:
                    where = {"program": program, "predictor": predictor, "adapter": adapter}
                    differences.append({**where, "diff": prompt_diff(a, b)})
    return differences


def totals(cases: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per program: cases, mean score, mean latency and tokens per case, errors."""
    found: dict[str, dict[str, Any]] = {}
    for program in sorted({case["program"] for case in cases}):
        mine = [case for case in cases if case["program"] == program]
        found[program] = {
            "cases": len(mine),
            "score": round(mean(c["score"] for c in mine), 4),
            "latency_s": round(mean(c["latency_s"] for c in mine), 3),
            "tokens": round(mean(c["tokens"] for c in mine), 1),
            "errors": [f"{c['id']}: {c['error']}" for c in mine if c["error"]],
        }
    return found


def ratio(value: float, base: float) -> float | None:
    return round(value / base, 3) if base else None


def compare_scores(reference: dict[str, Any], other: dict[str, Any], tolerance: float) -> dict[str, Any]:
    """Per program present in both: score delta (judged against the tolerance), latency and token ratios."""
    compared = {}
    for program in sorted(set(reference) & set(other)):
        ref, new = reference[program], other[program]
        delta = round(new["score"] - ref["score"], 4)
        compared[program] = {
            "score_delta": delta,
            "within_tolerance": delta >= -tolerance,  # a score that rises is reported, only a fall fails
            "latency_ratio": ratio(new["latency_s"], ref["latency_s"]),
            "token_ratio": ratio(new["tokens"], ref["tokens"]),
        }
    return compared


def missing_symbols(result: dict[str, Any]) -> list[dict[str, str]]:
    """The ``dspy`` names the program uses that this version lacks, each with a pointer where one is known."""
    missing = [name for name, exists in result.get("symbols", {}).items() if not exists]
    return [{"name": name, "hint": HINTS.get(name, "not in this DSPy version")} for name in missing]


def summary(result: dict[str, Any]) -> dict[str, Any]:
    """What one version's probe found, without the prompt texts (they are in ``prompts``)."""
    if result.get("error"):
        return {"version": result["version"], "error": result["error"], "fix": result.get("fix")}
    states = result.get("states", {})
    return {
        "version": result["version"],
        "dspy": result.get("dspy"),
        "packages": result.get("packages"),
        "import_error": result.get("import_error"),
        "missing_symbols": missing_symbols(result),
        "predictors": {name: sorted(preds) for name, preds in result.get("prompts", {}).items()},
        "states": states,
        "eval": totals(result.get("cases", [])),
        "cases": result.get("cases", []),
    }


def minor(version: str | None) -> tuple[int, ...]:
    """``3.4.1`` -> ``(3, 4)``; an unknown version sorts first."""
    parts = (version or "0.0").split(".")[:2]
    return tuple(int(part) if part.isdigit() else 0 for part in parts)


def known_changes(reference: str | None, other: str | None) -> list[str]:
    """The documented behaviour changes between two DSPy versions, to read score and token moves by."""
    low, high = sorted((minor(reference), minor(other)))
    return [f"DSPy {since}: {what}" for since, what in CHANGES if low < minor(since) <= high]


def comparison(reference: dict[str, Any], other: dict[str, Any], tolerance: float) -> dict[str, Any]:
    ref_eval, new_eval = totals(reference.get("cases", [])), totals(other.get("cases", []))
    return {
        "version": other["version"],
        "against": reference["version"],
        "prompt_differences": compare_prompts(reference.get("prompts", {}), other.get("prompts", {})),
        "scores": compare_scores(ref_eval, new_eval, tolerance),
        "known_changes": known_changes(reference.get("dspy"), other.get("dspy")),
    }


def version_problems(summary: dict[str, Any]) -> list[str]:
    """What stopped one version, or broke the program there."""
    name = f"DSPy {summary['version']}"
    if summary.get("error"):
        return [f"{name} was not checked: {summary['error']}"]
    if summary.get("import_error"):
        return [f"{name}: the program does not import: {summary['import_error']}"]
    states = summary.get("states", {}).items()
    return [f"{name}: state {state} does not load: {found['error']}" for state, found in states if not found["ok"]]


def comparison_problems(compared: dict[str, Any]) -> list[str]:
    """Prompts that differ from the reference, and scores that moved beyond the tolerance."""
    name, against = f"DSPy {compared['version']}", compared["against"]
    found = [
        f"{name}: the {d['adapter']} prompt of {d['program']}.{d['predictor']} differs from DSPy {against}'s"
        for d in compared["prompt_differences"]
    ]
    for program, scores in compared["scores"].items():
        if not scores["within_tolerance"]:
            found.append(f"{name}: the {program} score fell by {-scores['score_delta']} from DSPy {against}'s")
    return found


def build_report(results: list[dict[str, Any]], program: str, suite: str | None, tolerance: float) -> dict[str, Any]:
    """The whole comparison, with ``problems``: an empty list means the versions agree."""
    probed = [r for r in results if not r.get("error") and not r.get("import_error")]
    reference = probed[0] if probed else None
    comparisons = [comparison(reference, other, tolerance) for other in probed[1:]] if reference else []
    summaries = [summary(result) for result in results]
    found = [line for s in summaries for line in version_problems(s)]
    found += [line for c in comparisons for line in comparison_problems(c)]
    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "program": program,
        "suite": suite,
        "score_tolerance": tolerance,
        "reference": reference["version"] if reference else None,
        "versions": summaries,
        "comparisons": comparisons,
        "prompts": reference.get("prompts", {}) if reference else {},
        "problems": found if probed else [*found, "no version could be probed"],
    }


def page_path(path: Path) -> Path:
    """Where the HTML page of the JSON report ``path`` goes: beside it, ending in ``.html``."""
    return path.with_suffix(".html")


def write_report(report: dict[str, Any], path: Path) -> tuple[Path, Path]:
    """``path`` (JSON) and the HTML page beside it, each written whole or not at all."""
    from plancoder.migration_page import render_page

    write_text_atomic(path, json.dumps(report, indent=2) + "\n")
    page = page_path(path)
    write_text_atomic(page, render_page(report))
    return path, page
