"""One role call as the CLI and the service make it: flag -> program version -> role -> review queue.

A held output (Article VII) is withheld: the caller gets its review id, its scores and findings, but
not the plan or the code; those come from the queue (``plancoder review show``, ``GET /reviews/{id}``,
whose ``shipped`` is set once a person approved or corrected it).
"""

import dataclasses
from pathlib import Path
from typing import Any

from plancoder.fix import FixReport, check_fix, fix_file
from plancoder.flags import auto_rollback
from plancoder.planner import check_task
from plancoder.planning_run import plan_task
from plancoder.programs import flag_file_for, program_for, request_key
from plancoder.reviewing import review_fix, review_plan
from plancoder.runtime import Runtime


def plan(runtime: Runtime, task: str, context: str = "", key: str | None = None, model: str | None = None) -> dict:
    """The Planner on a task: the record of ``plancoder plan --json``, with ``review_id`` when it waits."""
    task, context = check_task(task, context)
    planner, version, _ = program_for(runtime, "planner", key or request_key(task, context))
    record = plan_task(runtime, task, context, model, planner, version)
    record.pop("plan_object")
    watch_rollout(runtime, "planner", version)
    record["review_id"] = review_plan(runtime, task, context, record)
    record["status"] = status_of(record["review_id"])
    if record["review_id"] is not None:
        record["plan"] = None  # it waits in the queue; a caller who ignores the status cannot use it
    return record


def status_of(review_id: int | None) -> str:
    """``needs_review`` while the output waits for a person (Article VII), else ``done``."""
    return "needs_review" if review_id is not None else "done"


def watch_rollout(runtime: Runtime, role: str, version: str) -> None:
    """After a call of an optimized version: pull the flag back when its scores fell below the baseline's."""
    auto_rollback(flag_file_for(runtime), role, version, runtime.settings.flags)  # a baseline call checks nothing


def fix_report(
    runtime: Runtime,
    project: Path,
    file: str,
    test_cmd: str,
    task: str = "",
    key: str | None = None,
    model: str | None = None,
) -> tuple[FixReport, int | None]:
    """The Coder on a file: its report, and the review id when the fix waits for a person."""
    relative = check_fix(project, file, test_cmd, task)
    coder, version, _ = program_for(runtime, "coder", key or request_key(relative, test_cmd))
    report = fix_file(runtime, project, relative, test_cmd, task, model, coder=coder, version=version)
    watch_rollout(runtime, "coder", version)
    review_id = review_fix(runtime, project, relative, test_cmd, task, report)
    return (report if review_id is None else withheld(report)), review_id


WITHHELD_ATTEMPT_KEYS = ("fixed_function", "diff", "trajectory")


def withheld(report: FixReport) -> FixReport:
    """A held fix without its code: no fixed file, no diff, no attempt's proposal (it is in the queue)."""
    history = [{k: v for k, v in attempt.items() if k not in WITHHELD_ATTEMPT_KEYS} for attempt in report.history]
    return dataclasses.replace(report, fixed_code=None, diff="", history=history)


def fix(runtime: Runtime, project: str, file: str, test_cmd: str, task: str = "", key: str | None = None) -> dict:
    """``fix_report`` as the service returns it."""
    report, review_id = fix_report(runtime, Path(project), file, test_cmd, task, key)
    return report.as_dict() | {"review_id": review_id, "status": status_of(review_id)}


def as_json(report: FixReport, keys: tuple[str, ...], review_id: int | None) -> dict[str, Any]:
    return {key: getattr(report, key) for key in keys} | {
        "model": report.model,
        "review_id": review_id,
        "status": status_of(review_id),
    }
