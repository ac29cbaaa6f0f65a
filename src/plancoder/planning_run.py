"""``plancoder plan`` and the Planner's evaluation: the role with its model chain, usage and latency."""

from typing import Any

from plancoder.constitution import load_constitution
from plancoder.monitor import observe
from plancoder.planner import Planner
from plancoder.planning import judge
from plancoder.runtime import Runtime
from plancoder.serving import serve
from plancoder.stats import mean_interval, wilson_interval


def make_planner(runtime: Runtime) -> Planner:
    cfg = runtime.settings.planner
    constitution = load_constitution(runtime.settings.constitution.path or None)
    return Planner(
        cfg.attempts,
        cfg.max_steps,
        cfg.guard,
        reason=cfg.reason,
        single_goal=cfg.single_goal,
        constitution=constitution,
        link=cfg.link,
    )


def plan_task(
    runtime: Runtime,
    task: str,
    context: str = "",
    model: str | None = None,
    planner: Planner | None = None,
    version: str = "baseline",
) -> dict[str, Any]:
    """Run the Planner; every guarded attempt's tokens are counted."""
    planner = planner or make_planner(runtime)
    served = serve(runtime, "planner", model, lambda: planner(task=task, context=context))
    result = served.result
    record = {
        "valid": result.valid,
        "plan": result.plan.model_dump() if result.plan is not None else None,
        "violations": result.violations,
        "dependency_violations": result.dependency_violations,
        "constitution": result.constitution,
        "score": result.score,
        "attempts": result.attempts,
        "links_added": result.links_added,
        "reasoning": result.reasoning,
        "feedback": result.feedback,
        "tokens": served.tokens,
        "latency_s": served.latency_s,
        "model": served.model,
        "trace_id": served.trace_id,
        "plan_object": result.plan,
        "version": version,
    }
    observe("planner", record, ok=served.ok)
    return record


def planner_task(
    runtime: Runtime, task: dict[str, Any], planner: Planner, model: str | None, version: str = "baseline"
) -> dict[str, Any]:
    record = plan_task(runtime, task["task"], task.get("context", ""), model, planner, version)
    score, reasons = judge(record.pop("plan_object"), task, record["constitution"])
    return {
        "id": task["id"],
        "split": task.get("split"),
        "size": task.get("size"),
        "task": task["task"],
        **record,
        "score": score,
        "missing": reasons,
    }


def summarize_plans(tasks: list[dict[str, Any]]) -> dict[str, Any]:
    valid = sum(1 for t in tasks if t["valid"])
    returned_violations = sum(t["dependency_violations"] for t in tasks if t["valid"])
    return {
        "tasks": len(tasks),
        "valid": valid,
        "valid_rate_ci95": wilson_interval(valid, len(tasks)),
        "dependency_violations_in_returned_plans": returned_violations,
        "score": mean_interval([t["score"] for t in tasks]),
        "attempts": mean_interval([t["attempts"] for t in tasks]),
        "prompt_tokens": sum(t["tokens"]["prompt_tokens"] for t in tasks),
        "completion_tokens": sum(t["tokens"]["completion_tokens"] for t in tasks),
        "tokens_per_task": mean_interval([t["tokens"]["total_tokens"] for t in tasks]),
        "latency_s": mean_interval([t["latency_s"] for t in tasks]),
    }
