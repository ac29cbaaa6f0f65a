"""``plancoder eval``: run a role over a suite, count all usage, write the reports."""

import json
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import dspy

from plancoder import __version__
from plancoder.atomic import write_text_atomic
from plancoder.coder import Coder
from plancoder.errors import PlancoderError
from plancoder.fix import FixReport, fix_file, make_coder
from plancoder.metrics import coder_metric
from plancoder.planning_run import make_planner, planner_task, summarize_plans
from plancoder.runtime import Runtime
from plancoder.stats import mean_interval, wilson_interval
from plancoder.suite import SUITE_VERSION, materialized

BUG_KEYS = ("id", "module", "split", "file", "operator", "lineno", "original_line", "mutated_line", "description")


def coder_task(runtime: Runtime, bug: dict[str, Any], coder: Coder, model: str | None) -> dict[str, Any]:
    """Run the Coder on one seeded bug; a crash of the role is a failed task, not a failed eval."""
    with materialized(bug) as project:
        try:
            report = fix_file(runtime, project, bug["file"], bug["test_cmd"], model=model, coder=coder)
        except PlancoderError as error:
            report = FixReport(False, 0, "", None, 0.0, {}, 0.0, "", history=[{"error": str(error)}])
    gold = dspy.Example(bug=bug)
    judged = coder_metric(gold, dspy.Prediction(**report.as_dict()))
    task = {key: bug.get(key) for key in BUG_KEYS}
    return {**task, **report.as_dict(), "feedback": judged.feedback, "buggy_patch": bug["patch"]}


def summarize(tasks: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals with 95 % intervals."""
    passed = sum(1 for t in tasks if t["passed"])
    return {
        "tasks": len(tasks),
        "passed": passed,
        "pass_rate": round(passed / len(tasks), 4) if tasks else 0.0,
        "pass_rate_ci95": wilson_interval(passed, len(tasks)),
        "score": mean_interval([t["score"] for t in tasks]),
        "attempts": mean_interval([t["attempts"] for t in tasks]),
        "prompt_tokens": sum(t["tokens"].get("prompt_tokens", 0) for t in tasks),
        "completion_tokens": sum(t["tokens"].get("completion_tokens", 0) for t in tasks),
        "tokens_per_task": mean_interval([t["tokens"].get("total_tokens", 0) for t in tasks]),
        "latency_s": mean_interval([t["latency_s"] for t in tasks]),
    }


def _section(
    runtime: Runtime,
    role: str,
    split: str | None,
    model: str | None,
    run_one: Callable,
    items: list[dict[str, Any]],
    on_task: Callable[[dict[str, Any]], None],
) -> dict[str, Any]:
    """Run ``run_one`` over ``items``; the report section with the run's settings and per-task records."""
    started = datetime.now(UTC)
    tasks = []
    for item in items:
        tasks.append(run_one(item))
        on_task(tasks[-1])
    return {
        "role": role,
        "split": split or "all",
        "models": runtime.switcher.chain(role, model).specs,
        "dspy_version": metadata.version("dspy"),
        "plancoder_version": __version__,
        "started": started.isoformat(timespec="seconds"),
        "wall_s": round((datetime.now(UTC) - started).total_seconds(), 1),
        "tasks": tasks,
    }


def evaluate_coder(
    runtime: Runtime,
    bugs: list[dict[str, Any]],
    split: str | None,
    model: str | None = None,
    on_task: Callable[[dict[str, Any]], None] = lambda _: None,
) -> dict[str, Any]:
    """The Coder over ``bugs``: per-task records and totals."""
    coder = make_coder(runtime)
    section = _section(
        runtime, "coder", split, model, lambda bug: coder_task(runtime, bug, coder, model), bugs, on_task
    )
    settings = {"suite_version": SUITE_VERSION, "variant": coder.variant, "max_attempts": coder.max_attempts}
    return {**section, **settings, "totals": summarize(section["tasks"])}


def evaluate_planner(
    runtime: Runtime,
    items: list[dict[str, Any]],
    split: str | None,
    model: str | None = None,
    on_task: Callable[[dict[str, Any]], None] = lambda _: None,
) -> dict[str, Any]:
    """The Planner over planning tasks: per-task records and totals."""
    planner = make_planner(runtime)
    run_one = lambda task: planner_task(runtime, task, planner, model)  # noqa: E731
    section = _section(runtime, "planner", split, model, run_one, items, on_task)
    cfg = runtime.settings.planner
    settings = {"attempts": cfg.attempts, "max_steps": cfg.max_steps, "guard": cfg.guard}
    return {**section, **settings, "totals": summarize_plans(section["tasks"])}


def write_report(section: dict[str, Any], path: Path) -> Path:
    """Replace this role's section of a report file (other roles' sections are kept), atomically."""
    try:
        existing = json.loads(path.read_text()) if path.exists() else {}
    except ValueError:
        existing = {}
    existing = existing if isinstance(existing, dict) else {}
    write_text_atomic(path, json.dumps({**existing, section["role"]: section}, indent=1, default=str) + "\n")
    return path
