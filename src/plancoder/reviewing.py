"""The roles and the review queue: what waits for a person, and how a decision ships.

A Coder fix that failed, or scored under ``[review] coder_threshold``, and a plan that is not valid
or scored under ``planner_threshold`` are enqueued instead of returned as done; the caller gets the
review id. An edit is re-validated before it counts (the tests for a fix, the validator for a plan),
and an approved fix is applied only after its tests pass again on the current file.
"""

import functools
import json
import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from plancoder.edits import EditError, replace_function
from plancoder.errors import PlancoderError, last_line
from plancoder.fix import sandbox_limits
from plancoder.monitor import set_queue_depth
from plancoder.plan import Plan, Step, validate
from plancoder.planning_run import make_planner
from plancoder.review import PENDING, SHIPPABLE, Item, ReviewError, ReviewQueue
from plancoder.runtime import Runtime
from plancoder.sandbox import Limits, run_tests
from plancoder.source_files import Style, digest, read_source, write_source


def queue_for(runtime: Runtime) -> ReviewQueue:
    """The configured queue; one per database and process (its engine pools the connections)."""
    cfg = runtime.settings.review
    path = runtime.home / "review" / "queue.db"
    if not cfg.url:
        path.parent.mkdir(parents=True, exist_ok=True)
    with _lock:  # one construction (and migration) per database, even when requests arrive together
        return _queue(cfg.url or f"sqlite:///{path}", cfg.expire_hours)


_lock = threading.Lock()
log = logging.getLogger(__name__)
PLAN_SHAPE = 'give the plan as JSON: {"steps": [{"id": "s1", "title": "..."}, ...]}, or a bare list of steps'


@functools.lru_cache(maxsize=8)
def _queue(url: str, expire_hours: float) -> ReviewQueue:
    return ReviewQueue(url, timedelta(hours=expire_hours))


def held(runtime: Runtime, role: str, done: bool, score: float, enqueue: Callable[[], int]) -> int | None:
    """Enqueue (and return the id) when the output must wait for a person (Article VII)."""
    threshold = getattr(runtime.settings.review, f"{role}_threshold")
    if done and score >= threshold:
        return None
    review_id = enqueue()
    try:
        export_queue_depth(runtime)
    except Exception as error:  # the item is queued; a gauge must not lose the caller its review id
        log.warning("review queue depth not exported: %s", error)
    return review_id


def export_queue_depth(runtime: Runtime) -> int:
    """Set the queue-depth gauge from the database: the gauge lives in one process, the queue is shared."""
    depth = queue_for(runtime).depth()
    set_queue_depth(depth)
    return depth


def review_fix(runtime: Runtime, project: Path, file: str, test_cmd: str, task: str, report: Any) -> int | None:
    """Hold a fix that did not pass or scored under the threshold; None when it ships as is."""
    if report.already_passing:
        return None
    return held(
        runtime,
        "coder",
        report.passed,
        report.score,
        lambda: _enqueue_fix(runtime, project, file, test_cmd, task, report),
    )


def _enqueue_fix(runtime: Runtime, project: Path, file: str, test_cmd: str, task: str, report: Any) -> int:
    threshold = runtime.settings.review.coder_threshold
    reason = "the fix did not pass the tests" if not report.passed else f"score {report.score} < {threshold}"
    original, _ = read_source(project / file)
    best = max(report.history, key=lambda a: a.get("score", 0.0), default={})
    output = {"passed": report.passed, "fixed_code": report.fixed_code, "attempts": report.attempts}
    output |= {k: best.get(k, "") for k in ("function_name", "fixed_function", "test_output")}
    inputs = {"project": str(project.resolve()), "file": file, "test_cmd": test_cmd, "task": task}
    inputs["original_sha256"] = digest(original)
    diff = report.diff or best.get("diff", "")
    return queue_for(runtime).enqueue(
        "coder", reason, inputs, output, report.score, report.constitution, report.trace_id, diff
    )


def review_plan(runtime: Runtime, task: str, context: str, record: dict[str, Any]) -> int | None:
    """Hold a plan that is not valid or scored under the threshold; None when it ships as is."""
    return held(
        runtime, "planner", record["valid"], record["score"], lambda: _enqueue_plan(runtime, task, context, record)
    )


def _enqueue_plan(runtime: Runtime, task: str, context: str, record: dict[str, Any]) -> int:
    reason = "no valid plan after the bounded attempts" if not record["valid"] else f"score {record['score']}"
    output = {k: record[k] for k in ("plan", "valid", "violations", "attempts", "feedback")}
    diff = json.dumps(record["plan"], indent=1) if record["plan"] else ""
    return queue_for(runtime).enqueue(
        "planner",
        reason,
        {"task": task, "context": context},
        output,
        record["score"],
        record["constitution"],
        record["trace_id"],
        diff,
    )


def edit(runtime: Runtime, item_id: int, by: str, text: str, comment: str = "") -> Item:
    """A reviewer's correction: a whole fixed file (Coder) or a plan as JSON (Planner), checked as the
    role's own output would be (the tests for a fix; the configured validator and the constitution's hard
    articles for a plan) before it counts."""
    queue = queue_for(runtime)
    item = queue.get(item_id)
    _still_pending(item)  # before the tests or the validator run: a decided item cannot change
    if item.role == "coder":
        edited = {**item.output, "fixed_code": text, "passed": True}
        _tests_pass(item, text, sandbox_limits(runtime))
    else:
        edited = {**item.output, "plan": _valid_plan(runtime, item, text), "valid": True, "violations": []}
    return queue.decide(item_id, "edit", by, comment, edited)


def _still_pending(item: Item) -> None:
    """Refuse to edit an item that was already decided (or expired), saying what can still be done with it."""
    if item.status == PENDING:
        return
    by = f" (by {item.decided_by})" if item.decided_by else ""
    if item.status not in SHIPPABLE:
        again = "fix" if item.role == "coder" else "plan"
        fix = f"only pending items can be edited; run `plancoder {again}` again for a new review item"
    elif item.role == "coder":
        fix = f"only pending items can be edited; ship it with `plancoder review apply {item.id}`"
    else:
        fix = f"only pending items can be edited; its plan is in `plancoder review show {item.id}`"
    raise ReviewError(f"review item {item.id} is already {item.status}{by}", fix)


def _unknown_key(data: Any) -> tuple[str, str]:
    """The first key a plan has no field for (a typo such as ``depends-on`` would drop the dependencies), and
    the fix naming the keys allowed where it is; ("", "") when there is none. ``data`` validated as a plan."""
    plan = {"steps": data} if isinstance(data, list) else data  # a bare list of steps is the plan
    top = f"use only {', '.join(Plan.model_fields)} at the top level (or give a bare list of steps)"
    unknown = [(repr(key), top) for key in plan if key not in Plan.model_fields]
    in_step = f"use only {', '.join(Step.model_fields)} in a step"
    for number, step in enumerate(plan["steps"]):
        unknown += [(f"'{key}' in steps.{number}", in_step) for key in step if key not in Step.model_fields]
    return unknown[0] if unknown else ("", "")


def _valid_plan(runtime: Runtime, item: Item, text: str) -> dict[str, Any]:
    try:
        plan = Plan.model_validate_json(text)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the file"
        why = f"{where}: {first['msg']}" + (f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else "")
        raise ReviewError(f"the edited plan is not a plan: {why}", PLAN_SHAPE) from None
    unknown, fix = _unknown_key(json.loads(text))
    if unknown:
        raise ReviewError(f"the edited plan has an unknown key {unknown}", fix)
    planner = make_planner(runtime)  # the configured step cap, goal rule and constitution, as a plan is judged
    problems = [v.message for v in validate(plan, planner.max_steps, planner.single_goal)]
    verdict = planner.verdict(item.input["task"], item.input.get("context", ""), plan)
    problems += [finding.line() for finding in verdict.findings if finding.hard]
    if problems:
        raise ReviewError(f"the edited plan has violations: {problems[0]}", "fix them and edit again")
    return plan.model_dump()


def _tests_pass(item: Item, code: str, limits: Limits) -> None:
    project = Path(item.input["project"])
    if not project.is_dir():
        raise ReviewError(f"the project {project} of review item {item.id} is gone", "reject the item")
    run = run_tests(project, item.input["test_cmd"], changes={item.input["file"]: code}, limits=limits)
    if not run.passed:
        raise ReviewError(
            f"the tests fail with this code ({last_line(run.output)})", "correct it; it stays pending until then"
        )


def shipped_code(item: Item, original: str) -> str:
    """The code an approved or edited Coder item ships, made from the file's ``original`` text."""
    output = item.shipped_output
    if output.get("fixed_code"):
        return output["fixed_code"]
    try:
        return replace_function(original, output["function_name"], output["fixed_function"])
    except (EditError, KeyError) as error:
        raise ReviewError(
            f"review item {item.id} has no applicable fix: {error}", "edit it with a whole file"
        ) from None


def _original(item: Item) -> tuple[str, Style]:
    """The file a Coder item fixes, as it is now, and its style."""
    path = Path(item.input["project"]) / item.input["file"]
    try:
        return read_source(path)
    except (OSError, UnicodeDecodeError) as error:
        raise ReviewError(
            f"the file {path} of review item {item.id} cannot be read: {error}", "reject the item"
        ) from None


def apply_fix(runtime: Runtime, item_id: int) -> Path:
    """Write an approved or edited fix into its file, atomically, after its tests pass again."""
    item = queue_for(runtime).get(item_id)
    if item.role != "coder":
        raise ReviewError(f"review item {item_id} is a plan; only fixes are applied", "use the plan as it is shown")
    if item.status not in SHIPPABLE:
        raise ReviewError(f"review item {item_id} is {item.status}", "only approved or edited fixes are applied")
    target = Path(item.input["project"]) / item.input["file"]
    original, style = _original(item)
    if digest(original) != item.input["original_sha256"]:
        raise PlancoderError(f"{target} changed since the fix was proposed", "run plancoder fix again")
    code = shipped_code(item, original)
    _tests_pass(item, code, sandbox_limits(runtime))
    write_source(target, code, style)
    return target
