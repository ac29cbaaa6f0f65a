"""The Planner: a software task -> a dependency-ordered plan with zero dependency violations.

The plan is produced under a native DSPy 3 guard (``dspy.BestOfN`` or ``dspy.Refine``) whose
reward is the constitution's Planner checks, the plan validator among them (Article III): a plan
with violations is retried with their messages, naming the articles, as feedback, and one that
still breaks a hard article after the bounded attempts is returned as *not valid*, never as a plan
to execute.

A valid plan whose later steps depend on nothing is then linked by a second, narrow call
(``LinkSteps``): the embedded 1.5B leaves most ``depends_on`` lists empty however it is told, but
asked only which earlier steps each step needs, it names them.
"""

from typing import Any

import dspy
from dspy.utils.exceptions import AdapterParseError

from plancoder.checks import PlannerOutput
from plancoder.constitution import Constitution, Verdict, load_constitution
from plancoder.errors import InputError, check_length
from plancoder.guards import Channel, Guarded, Kind
from plancoder.plan import Plan, dependency_violations, step_lines, unlinked_steps, validate, with_links

MAX_TASK_CHARS = 20_000
MAX_CONTEXT_CHARS = 40_000


class PlanTask(dspy.Signature):
    """Break a software task into a plan that a developer can execute in order.

    Give each step a short unique id. A step may depend only on earlier steps (by id). The last
    step is the goal, and every other step must lead to it. Each step states how to tell it is done
    (acceptance). Keep the plan short: no padding steps. Respect the context."""

    task: str = dspy.InputField(desc="The software task")
    context: str = dspy.InputField(desc="Repository layout, tools or constraints the plan must respect; may be empty")
    feedback: str = dspy.InputField(desc="What was wrong with the previous plan; empty on the first attempt")
    plan: Plan = dspy.OutputField(desc="The plan: steps in execution order")


class LinkSteps(dspy.Signature):
    """A plan's steps are listed in execution order. For each step after the first, name the earlier steps
    that must be done before it can start (usually at least one). Use only ids of earlier steps."""

    task: str = dspy.InputField(desc="The software task")
    steps: str = dspy.InputField(desc="The plan's steps in order, one per line: id: title - detail")
    depends_on: dict[str, list[str]] = dspy.OutputField(
        desc="For each step id after the first, the ids of earlier steps it needs"
    )


class PlanError(InputError):
    """The task or its context cannot be planned as given."""


def check_task(task: str, context: str = "") -> tuple[str, str]:
    """Reject empty or oversized inputs with a clear message."""
    if not task.strip():
        raise PlanError("the task is empty", "describe the software task to plan")
    check_length("the task", task, MAX_TASK_CHARS, "summarize it, and pass long material with --context", PlanError)
    check_length(
        "the context", context, MAX_CONTEXT_CHARS, "keep only the layout, tools and constraints that matter", PlanError
    )
    return task.strip(), context.strip()


class Planner(dspy.Module):
    """Plan a task; ``attempts`` bounds the guarded retries, ``guard`` picks BestOfN or Refine.

    ``reason`` adds a ChainOfThought reasoning field: measured on the 0.5B model it made answers
    ramble into code and miss the plan format, so it is off by default. ``single_goal`` makes steps
    that do not lead to the last step violations (for tasks that require one goal). ``link`` asks which
    earlier steps each unlinked step needs, in a call of its own (``LinkSteps``)."""

    def __init__(
        self,
        attempts: int = 3,
        max_steps: int = 12,
        guard: Kind = "best_of_n",
        reason: bool = False,
        single_goal: bool = False,
        constitution: Constitution | None = None,
        link: bool = True,
    ) -> None:
        super().__init__()
        self.max_steps, self.single_goal = max_steps, single_goal
        self.constitution = constitution or load_constitution()
        predictor = dspy.ChainOfThought(PlanTask) if reason else dspy.Predict(PlanTask)
        self.plan = Guarded(predictor, self.reward, attempts, kind=guard)
        self.link = dspy.Predict(LinkSteps) if link else None

    def load_state(self, state: dict[str, Any]) -> "Planner":
        """A saved version serves as it was measured: one saved before the linking call existed (its state has
        no ``link`` entry) loads without it, one saved with it loads with it whatever the configuration says."""
        self.link = dspy.Predict(LinkSteps) if "link" in state else None
        super().load_state(state)
        return self

    def verdict(self, task: str, context: str, plan: Plan | None) -> Verdict:
        output = PlannerOutput(task, context, plan, self.max_steps, self.single_goal)
        return self.constitution.judge("planner", output)

    def reward(self, args: dict[str, Any], prediction: dspy.Prediction) -> tuple[float, str]:
        verdict = self.verdict(args["task"], args.get("context", ""), prediction.plan)
        return verdict.score(), verdict.feedback()

    def forward(self, task: str, context: str = "") -> dspy.Prediction:
        task, context = check_task(task, context)
        guarded = self.plan(task=task, context=context)
        prediction, channel = guarded.best, guarded.channel
        plan, links_added = self.linked(task, prediction.plan if prediction is not None else None)
        return self.result(plan, self.verdict(task, context, plan), channel, prediction, links_added)

    def linked(self, task: str, plan: Plan | None) -> tuple[Plan | None, int]:
        """A valid plan with its unlinked steps linked, and how many dependencies that added. An answer that
        does not parse leaves the plan as it was: the plan is never lost to the linking call."""
        if self.link is None or plan is None or not unlinked_steps(plan):
            return plan, 0
        if validate(plan, self.max_steps, self.single_goal):
            return plan, 0
        try:
            links = self.link(task=task, steps=step_lines(plan)).depends_on
        except AdapterParseError:
            return plan, 0
        return with_links(plan, links or {})

    def result(
        self,
        plan: Plan | None,
        verdict: Verdict,
        channel: Channel,
        prediction: dspy.Prediction | None,
        links_added: int = 0,
    ) -> dspy.Prediction:
        violations = validate(plan, self.max_steps, self.single_goal) if plan is not None else []
        valid = plan is not None and not verdict.hard_failed
        return dspy.Prediction(
            plan=plan,
            valid=valid,
            violations=[v.__dict__ for v in violations],
            dependency_violations=len(dependency_violations(violations)),
            constitution=verdict.as_dicts(),
            attempts=channel.attempts,
            links_added=links_added,
            reasoning=str(getattr(prediction, "reasoning", "") or ""),
            feedback=channel.feedback,
            score=verdict.score() if plan is not None else max(channel.scores, default=0.0),
        )


def render_tree(plan: Plan) -> str:
    """The plan as readable text: one line per step, its dependencies and acceptance under it."""
    lines = []
    for step in plan.steps:
        after = f"  (after {', '.join(step.depends_on)})" if step.depends_on else ""
        lines.append(f"{step.id}. {step.title}{after}")
        for label, text in (("", step.detail), ("done when: ", step.acceptance)):
            if text:
                lines.append(f"    {label}{text}")
        if step.files:
            lines.append(f"    files: {', '.join(step.files)}")
    return "\n".join(lines)
