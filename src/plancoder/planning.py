"""The planning suite (tasks with gold constraints) and the Planner's metric with feedback.

Score = 0.4 validity (0 violations) + 0.3 coverage of required steps + 0.2 required orderings
+ 0.1 economy (at most ``max_steps``), minus 0.2 per forbidden phrase, floored at 0.
"""

from pathlib import Path
from typing import Annotated, Any

import dspy
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from plancoder.config import describe_error
from plancoder.constitution import finding_lines
from plancoder.datasets import in_split, read_entries
from plancoder.errors import PlancoderError
from plancoder.guards import CUT_OFF, ECHOED, UNPARSED
from plancoder.plan import Plan, unlinked_steps, validate

WEIGHTS = {"validity": 0.4, "coverage": 0.3, "ordering": 0.2, "economy": 0.1}
FORBIDDEN_PENALTY = 0.2


def tasks_path() -> Path:
    from plancoder.suite import benchmarks_dir

    return benchmarks_dir() / "planning_tasks.json"


TASK_KEYS = ("id", "task", "required_steps", "orderings")
TASKS_FIX = "pass a valid planning_tasks.json"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class RequiredStep(_Strict):
    name: str = Field(min_length=1)
    any_of: list[str] = Field(min_length=1)


class TaskSpec(_Strict):
    """One planning task of a suite file: checked on load, so that a typo fails before any model is asked."""

    id: str = Field(min_length=1)
    task: str = Field(min_length=1)
    context: str = ""
    split: str | None = None
    size: str | None = None
    required_steps: list[RequiredStep] = Field(min_length=1)
    orderings: list[Annotated[list[str], Field(min_length=2, max_length=2)]]
    forbidden: list[str] = []
    max_steps: int = Field(default=20, ge=1)
    single_goal: bool = False
    reference_plan: Plan | None = None

    @model_validator(mode="after")
    def _orderings_name_required_steps(self) -> "TaskSpec":
        names = {step.name for step in self.required_steps}
        for pair in self.orderings:
            if unknown := sorted(set(pair) - names):
                raise ValueError(f"ordering {pair} names {unknown[0]!r}, which is not a required step's name")
        return self

    @model_validator(mode="after")
    def _reference_plan_meets_its_task(self) -> "TaskSpec":
        """A worked example shown to the model must be one: valid, every required step and ordering kept, within
        ``max_steps``. Forbidden phrases are the author's call: their substring test cannot tell "never expose
        secrets" (the healthcheck label, measured to lift the Planner more than without it) from doing so."""
        if self.reference_plan is not None:
            gold = self.model_dump(exclude={"reference_plan"}) | {"forbidden": []}
            score, reasons = judge(self.reference_plan, gold)
            if score < 1.0:
                raise ValueError(f"reference_plan scores {score:.2f} on its own task: {'; '.join(reasons)}")
        return self


def _check_task(task: dict[str, Any], source: Path) -> None:
    try:
        TaskSpec.model_validate(task)
    except ValidationError as error:
        raise PlancoderError(f"task {task['id']!r} of {source}: {describe_error(error)}", TASKS_FIX) from None


def load_tasks(path: Path | None = None, split: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Planning tasks, optionally one split and the first ``limit``."""
    source = path or tasks_path()
    tasks = read_entries(source, "tasks", "planning tasks", TASKS_FIX, TASK_KEYS)
    for task in tasks:
        _check_task(task, source)
    chosen = in_split(tasks, split, limit)
    if not chosen:
        raise PlancoderError(f"no planning tasks{' in split ' + split if split else ''} in {source}", "check --split")
    return chosen


def _text(step: Any) -> str:
    return f"{step.title} {step.detail}".lower()


def matches(plan: Plan, required: dict[str, Any]) -> list[str]:
    """Ids of the steps that match a required step's keywords."""
    return [s.id for s in plan.steps if any(word in _text(s) for word in required["any_of"])]


def _ancestors(plan: Plan) -> dict[str, set[str]]:
    """Every step's transitive dependencies (steps are in order, so one pass suffices for valid plans)."""
    found: dict[str, set[str]] = {}
    for step in plan.steps:
        found[step.id] = set()
        for dep in step.depends_on:
            found[step.id] |= {dep} | found.get(dep, set())
    return found


def _orderings_kept(plan: Plan, task: dict[str, Any], where: dict[str, list[str]]) -> list[bool]:
    ancestors = _ancestors(plan)
    return [
        any(a in ancestors.get(b, set()) for a in where[first] for b in where[second])
        for first, second in task["orderings"]
    ]


def judge(plan: Plan | None, task: dict[str, Any], findings: list[dict[str, Any]] = ()) -> tuple[float, list[str]]:
    """Score and the reasons it is not 1.0; a hard constitution finding also voids validity."""
    if plan is None:
        return 0.0, ["no plan was produced"]
    violations = validate(plan, task.get("max_steps", 20), task.get("single_goal", False))
    extra = [f for f in findings if f["check"] != "planner.plan_is_valid"]
    where = {r["name"]: matches(plan, r) for r in task["required_steps"]}
    kept = _orderings_kept(plan, task, where)
    text = " ".join(_text(s) for s in plan.steps)
    forbidden = [phrase for phrase in task.get("forbidden", []) if phrase in text]
    parts = {
        "validity": float(not violations and not any(f["hard"] for f in extra)),
        "coverage": sum(map(bool, where.values())) / len(where),
        "ordering": sum(kept) / len(kept) if kept else 1.0,
        "economy": min(1.0, task.get("max_steps", 20) / max(1, len(plan.steps))),
    }
    score = max(0.0, sum(WEIGHTS[k] * v for k, v in parts.items()) - FORBIDDEN_PENALTY * len(forbidden))
    reasons = [f"{v.kind}: {v.message}" for v in violations] + _missing(plan, task, where, kept)
    return round(score, 4), reasons + [f"the plan should not '{phrase}'" for phrase in forbidden] + finding_lines(extra)


def _missing(plan: Plan, task: dict[str, Any], where: dict[str, list[str]], kept: list[bool]) -> list[str]:
    """The required parts no step covers and the required orders the plan's dependencies miss."""
    reasons = [
        f"no step covers '{r['name']}' (expected words like {', '.join(r['any_of'][:3])})"
        for r in task["required_steps"]
        if not where[r["name"]]
    ]
    reasons += [f"'{a}' should come before '{b}'" for (a, b), ok in zip(task["orderings"], kept, strict=True) if not ok]
    return reasons + (unlinked_reason(plan) if not all(kept) else [])


def unlinked_reason(plan: Plan) -> list[str]:
    """Why an order the task asks for is missing when steps depend on nothing: "before" is read from the
    ``depends_on`` chain, and the 1.5B Planner often leaves every ``depends_on`` empty. Said as a problem that
    recurs across tasks (the ids are a detail), so that GEPA's reflection can turn it into a rule: told only that
    one part should come before another, the 1.5B wrote a rule about the steps' order, which the validator
    already enforces (``proposer.recurring``)."""
    unlinked = unlinked_steps(plan)
    if not unlinked:
        return []
    return [
        f"steps after the first have an empty depends_on ({', '.join(unlinked)}: list in each step's "
        "depends_on the earlier steps it needs, since an order counts only through depends_on)"
    ]


def planner_metric(
    gold: Any, pred: Any, trace: Any = None, pred_name: Any = None, pred_trace: Any = None
) -> dspy.Prediction:
    """GEPA-ready: the score and what to change."""
    score, reasons = judge(pred.plan, gold.gold, getattr(pred, "constitution", None) or [])
    if pred.plan is None:
        reasons.append(why_no_plan(getattr(pred, "feedback", None) or []))
    feedback = "The plan meets every requirement." if not reasons else "To improve the plan: " + "; ".join(reasons)
    return dspy.Prediction(score=score, feedback=feedback)


UNPARSED_CAUSES = {
    CUT_OFF: "cut off at the output limit: a plan with fewer, shorter steps fits",
    ECHOED: "repeated the format's JSON-schema note instead of a plan",
}
"""What GEPA is told about the answers that parse feedback marked with each cause."""


def why_no_plan(attempts_feedback: list[str], excerpt: int = 160) -> str:
    """What the attempts' answers did wrong when none gave a plan: GEPA's reflection needs a cause it can
    turn into a rule (a bare "no plan" led nowhere)."""
    if not attempts_feedback:
        return "no answer was recorded"
    unparsed = sum(UNPARSED in line for line in attempts_feedback)
    counts = {cause: sum(marker in line for line in attempts_feedback) for marker, cause in UNPARSED_CAUSES.items()}
    why = "".join(f", {count} of them {cause}" for cause, count in counts.items() if count)
    last = attempts_feedback[-1][:excerpt]
    return f"{unparsed} of {len(attempts_feedback)} answers could not be read as the plan's JSON{why} (last: {last})"
