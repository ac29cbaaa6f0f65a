"""The plan schema and its validator: a pure, fast check that returns every violation.

Each violation has a kind and a message a model can act on. The validator is O(steps + edges).
"""

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, model_validator

DEPENDENCY_KINDS = frozenset({"unknown_dependency", "self_dependency", "cycle", "order"})


class Step(BaseModel):
    """One step of a plan."""

    id: str = Field(description="Short unique id, e.g. 's1'")
    title: str = Field(description="What to do, in a few words")
    detail: str = Field(default="", description="How to do it")
    depends_on: list[str] = Field(default_factory=list, description="Ids of earlier steps this one needs")
    acceptance: str = Field(default="", description="How to tell the step is done")
    files: list[str] = Field(default_factory=list, description="Files the step touches, if known")


class Plan(BaseModel):
    """Steps in execution order."""

    steps: list[Step]

    @model_validator(mode="before")
    @classmethod
    def bare_steps(cls, data: Any) -> Any:
        """A bare list of steps is the plan: small models often leave out the ``{"steps": ...}`` wrapper."""
        if isinstance(data, list) and data and all(isinstance(step, dict) and "id" in step for step in data):
            return {"steps": data}
        return data


@dataclass(frozen=True)
class Violation:
    """Something wrong with a plan, said so that the model can fix it."""

    kind: str
    message: str
    step: str = ""


def validate(plan: Plan, max_steps: int = 20, single_goal: bool = True) -> list[Violation]:
    """Every violation of ``plan``; an empty list means the plan is valid."""
    if not plan.steps:
        return [Violation("no_steps", "the plan has no steps; give at least one")]
    found = _ids_and_titles(plan) + _dependencies(plan) + _cycles(plan)
    if single_goal:
        found += _orphans(plan)
    if len(plan.steps) > max_steps:
        found.append(Violation("too_many_steps", f"{len(plan.steps)} steps exceed the cap of {max_steps}; merge steps"))
    return found


def _ids_and_titles(plan: Plan) -> list[Violation]:
    seen: set[str] = set()
    found = []
    for step in plan.steps:
        if step.id in seen:
            found.append(
                Violation("duplicate_id", f"id '{step.id}' is used twice; give every step its own id", step.id)
            )
        seen.add(step.id)
        if not step.title.strip():
            found.append(Violation("empty_title", f"step '{step.id}' has an empty title; say what it does", step.id))
    return found


def _dependencies(plan: Plan) -> list[Violation]:
    position: dict[str, int] = {}
    for index, step in enumerate(plan.steps):
        position.setdefault(step.id, index)
    found = (
        _dependency_violation(step, index, dep, position)
        for index, step in enumerate(plan.steps)
        for dep in step.depends_on
    )
    return [violation for violation in found if violation]


def _dependency_violation(step: Step, index: int, dep: str, position: dict[str, int]) -> Violation | None:
    """What is wrong with ``step`` (at ``index``) depending on ``dep``, if anything."""
    if dep == step.id:
        return Violation("self_dependency", f"step '{dep}' depends on itself; remove it", dep)
    if dep not in position:
        known = ", ".join(position)
        return Violation(
            "unknown_dependency", f"step '{step.id}' depends on '{dep}', which is not a step id ({known})", step.id
        )
    if position[dep] > index:
        return Violation(
            "order",
            f"step '{step.id}' uses the output of the later step '{dep}'; move '{dep}' before '{step.id}'",
            step.id,
        )
    return None


def _graph(plan: Plan) -> dict[str, list[str]]:
    ids = {step.id for step in plan.steps}
    graph: dict[str, list[str]] = {}
    for step in plan.steps:
        graph.setdefault(step.id, []).extend(d for d in step.depends_on if d in ids and d != step.id)
    return graph


def _cycles(plan: Plan) -> list[Violation]:
    """Each cycle named by its ids (iterative depth-first search: no recursion limit on long plans)."""
    graph, done, found = _graph(plan), set(), []
    for root in graph:
        if root in done:
            continue
        path, stack = [root], [iter(graph[root])]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                done.add(path.pop())
                stack.pop()
            elif child in path:
                cycle = [*path[path.index(child) :], child]
                found.append(Violation("cycle", "dependency cycle " + " -> ".join(cycle) + "; break it", child))
            elif child not in done:
                path.append(child)
                stack.append(iter(graph[child]))
    return found


def _orphans(plan: Plan) -> list[Violation]:
    """With a single goal (the last step), every step must lead to it."""
    graph = _graph(plan)
    goal = plan.steps[-1].id
    reached, frontier = {goal}, [goal]
    while frontier:
        for dep in graph.get(frontier.pop(), []):
            if dep not in reached:
                reached.add(dep)
                frontier.append(dep)
    return [
        Violation(
            "orphan",
            f"step '{s.id}' does not lead to the goal '{goal}'; make a later step depend on it or drop it",
            s.id,
        )
        for s in plan.steps
        if s.id not in reached
    ]


def dependency_violations(violations: list[Violation]) -> list[Violation]:
    """The violations that break the execution order (the ones that must be zero)."""
    return [v for v in violations if v.kind in DEPENDENCY_KINDS]


def unlinked_steps(plan: Plan) -> list[str]:
    """Ids of the steps after the first that depend on nothing: the 1.5B Planner leaves most of them so."""
    return [step.id for step in plan.steps[1:] if not step.depends_on]


def step_lines(plan: Plan) -> str:
    """The steps in order, one line each (``id: title - detail``), for the linking call."""
    return "\n".join(f"{step.id}: {step.title}" + (f" - {step.detail}" if step.detail else "") for step in plan.steps)


def with_links(plan: Plan, links: dict[str, Any]) -> tuple[Plan, int]:
    """``plan`` with every pair that ``links`` names as a dependency of the later step on the earlier one, and
    how many were added. Steps are in execution order, so a pair can only mean "earlier before later", whichever
    way round the model wrote it (the 1.5B wrote both); ids not in the plan are ignored. Only edges from an earlier
    step to a later one are added, so linking never creates a violation."""
    position = {step.id: index for index, step in enumerate(plan.steps)}
    needs = {step.id: list(step.depends_on) for step in plan.steps}
    added = 0
    for first, second in _pairs(links):
        if first in position and second in position and first != second:
            earlier, later = sorted((first, second), key=position.__getitem__)
            if earlier not in needs[later]:
                needs[later].append(earlier)
                added += 1
    return Plan(steps=[step.model_copy(update={"depends_on": needs[step.id]}) for step in plan.steps]), added


def _pairs(links: dict[str, Any]) -> list[tuple[str, str]]:
    """Each (key, value) the model named; a single id may come as a bare string."""
    return [
        (str(key), str(value))
        for key, values in links.items()
        for value in (values if isinstance(values, list) else [values])
    ]
