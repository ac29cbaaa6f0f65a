"""``plancoder eval``: run a role over a suite, count all usage, write the reports."""

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import dspy

from plancoder import __version__
from plancoder.atomic import write_text_atomic
from plancoder.coder import Coder
from plancoder.config import answer_settings
from plancoder.errors import PlancoderError
from plancoder.fix import FixReport, fix_file, make_coder
from plancoder.journal import Journal, journal_path
from plancoder.metrics import coder_metric, fixed_first_time, unchanged_count
from plancoder.planning_run import make_planner, planner_task, summarize_plans
from plancoder.runtime import Runtime
from plancoder.serving import total_tokens
from plancoder.stats import mean_interval, wilson_interval
from plancoder.suite import SUITE_VERSION, materialized
from plancoder.tracking import Run, tracked_run

BUG_KEYS = ("id", "module", "split", "file", "operator", "lineno", "original_line", "mutated_line", "description")


def coder_task(
    runtime: Runtime, bug: dict[str, Any], coder: Coder, model: str | None, version: str = "baseline"
) -> dict[str, Any]:
    """Run the Coder (``version`` of its program) on one seeded bug; a crash of the role is a failed task."""
    started = time.perf_counter()
    with materialized(bug) as project:
        try:
            report = fix_file(runtime, project, bug["file"], bug["test_cmd"], model=model, coder=coder, version=version)
        except PlancoderError as error:  # every model failed: no answer, so no tokens; the time spent counts
            spent = round(time.perf_counter() - started, 3)
            report = FixReport(False, 0, "", None, 0.0, total_tokens(None), spent, "", history=[{"error": str(error)}])
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
        "first_attempt_passed": sum(fixed_first_time(t.get("history", [])) for t in tasks),
        "score": mean_interval([t["score"] for t in tasks]),
        "attempts": mean_interval([t["attempts"] for t in tasks]),
        "unchanged_attempts": sum(unchanged_count(t.get("history", [])) for t in tasks),
        "prompt_tokens": sum(t["tokens"].get("prompt_tokens", 0) for t in tasks),
        "completion_tokens": sum(t["tokens"].get("completion_tokens", 0) for t in tasks),
        "tokens_per_task": mean_interval([t["tokens"].get("total_tokens", 0) for t in tasks]),
        "latency_s": mean_interval([t["latency_s"] for t in tasks]),
    }


def data_hash(items: list[dict[str, Any]]) -> str:
    """A short hash of the evaluated tasks, so that runs on different data are never compared blindly."""
    return hashlib.sha256(json.dumps(items, sort_keys=True, default=str).encode()).hexdigest()[:16]


def flat_metrics(totals: dict[str, Any], split: str | None) -> dict[str, float]:
    """Totals as MLflow metrics named ``<split>.<name>`` (train, validation and test never mix)."""
    metrics: dict[str, float] = {}
    for key, value in totals.items():
        if isinstance(value, int | float):
            metrics[key] = value
        elif isinstance(value, dict):
            metrics.update({f"{key}_{k}": v for k, v in value.items() if k in ("mean", "p50", "p95")})
    return {f"{split or 'all'}.{key}": value for key, value in metrics.items()}


@dataclass
class Job:
    """One evaluation: the items, how to run and summarize them, and the settings to record."""

    items: list[dict[str, Any]]
    run_one: Callable[[dict[str, Any]], dict[str, Any]]
    summarize: Callable[[list[dict[str, Any]]], dict[str, Any]]
    settings: dict[str, Any]
    on_task: Callable[[dict[str, Any]], None]
    resume: bool = False

    def run_task(self, item: dict[str, Any], run: Run) -> dict[str, Any]:
        task = {**self.run_one(item), "mlflow_trace_id": run.last_trace_id()}
        self.on_task(task)
        return task


def _section(runtime: Runtime, role: str, split: str | None, model: str | None, job: Job) -> dict[str, Any]:
    """Run ``job`` over its items inside a tracked run; the report section with settings, tasks and totals."""
    started = datetime.now(UTC)
    head = {
        "role": role,
        "split": split or "all",
        "models": runtime.switcher.chain(role, model).specs,
        "dspy_version": metadata.version("dspy"),
        "plancoder_version": __version__,
        "data_hash": data_hash(job.items),
        **job.settings,
        **answer_settings(runtime.settings, role),
    }
    journal = Journal(journal_path(runtime.home, head), head, others=f"{role}-*.jsonl")
    with tracked_run(runtime.store, role, f"eval {role} {split or 'all'}", head) as run:
        tasks, resumed = _run_tasks(job, run, journal)
        wall = round((datetime.now(UTC) - started).total_seconds(), 1)
        timing = {"started": started.isoformat(timespec="seconds"), "wall_s": wall, "mlflow_run_id": run.run_id}
        section = {**head, **timing, "resumed_tasks": resumed, "tasks": tasks, "totals": job.summarize(tasks)}
        _log_section(run, section, split)
    journal.finish()
    return section


def _run_tasks(job: Job, run: Run, journal: Journal) -> tuple[list[dict[str, Any]], int]:
    """Every item's task in the items' order, and how many came from the journal of an interrupted run
    (``wall_s`` then counts only this run; each task keeps its own latency)."""
    done = {task["id"]: task for task in journal.start(job.resume)}
    for task in done.values():
        job.on_task(task)
    fresh = {item["id"]: journal.add(job.run_task(item, run)) for item in job.items if item["id"] not in done}
    return [done.get(item["id"]) or fresh[item["id"]] for item in job.items], len(done)


def _log_section(run: Run, section: dict[str, Any], split: str | None) -> None:
    run.log_metrics(flat_metrics(section["totals"], split) | {f"{split or 'all'}.wall_s": section["wall_s"]})
    run.log_dict(section, "eval_report.json")
    for task in section["tasks"]:
        if task.get("diff"):
            run.log_text(task["diff"], f"patches/{task['id']}.diff")


def evaluate_coder(
    runtime: Runtime,
    bugs: list[dict[str, Any]],
    split: str | None,
    model: str | None = None,
    on_task: Callable[[dict[str, Any]], None] = lambda _: None,
    program: tuple[str, Coder] | None = None,
    resume: bool = False,
) -> dict[str, Any]:
    """The Coder (the configured one, or ``program`` = (version, module)) over ``bugs``; ``resume`` continues
    an interrupted run of the same evaluation (see ``plancoder.journal``)."""
    version, coder = program or ("baseline", make_coder(runtime))
    settings = {"suite_version": SUITE_VERSION, "variant": coder.variant, "max_attempts": coder.max_attempts}
    settings["program_version"] = version
    run_one = lambda bug: coder_task(runtime, bug, coder, model, version)  # noqa: E731
    return _section(runtime, "coder", split, model, Job(bugs, run_one, summarize, settings, on_task, resume))


def evaluate_planner(
    runtime: Runtime,
    items: list[dict[str, Any]],
    split: str | None,
    model: str | None = None,
    on_task: Callable[[dict[str, Any]], None] = lambda _: None,
    program: tuple[str, Any] | None = None,
    resume: bool = False,
) -> dict[str, Any]:
    """The Planner (the configured one, or ``program`` = (version, module)) over planning tasks; ``resume`` as
    for the Coder."""
    version, planner = program or ("baseline", make_planner(runtime))
    run_one = lambda task: planner_task(runtime, task, planner, model, version)  # noqa: E731
    cfg = runtime.settings.planner
    settings = {"attempts": cfg.attempts, "max_steps": cfg.max_steps, "guard": cfg.guard, "program_version": version}
    return _section(runtime, "planner", split, model, Job(items, run_one, summarize_plans, settings, on_task, resume))


def write_report(section: dict[str, Any], path: Path) -> Path:
    """Replace this role's section of a report file (other roles' sections are kept), atomically."""
    try:
        existing = json.loads(path.read_text()) if path.exists() else {}
    except ValueError:
        existing = {}
    existing = existing if isinstance(existing, dict) else {}
    write_text_atomic(path, json.dumps({**existing, section["role"]: section}, indent=1, default=str) + "\n")
    return path
