"""Worked examples before GEPA: labelled training tasks shown to the role's main predictor.

``optimizer.demos: k`` in ``optimizer_budget.yaml`` gives the student of ``plancoder optimize`` the first k
training tasks that carry a label (a planning task's ``reference_plan``, a seeded bug's entry in
``fix_examples.json``) as demos; GEPA then searches instructions on that student, every candidate keeps the
demos, and the demos-only program is a candidate of its own. The demos' tasks leave GEPA's training set: a
rollout that sees its own answer teaches nothing.

Why labels and one named predictor, not ``dspy.BootstrapFewShot`` or ``dspy.LabeledFewShot``: measured with
``bench/instruction_headroom.py``, the 1.5B Planner's own best plan made it worse as an example (0.630 vs
0.686 on validation) while a hand-written one lifted it (0.746); and ``LabeledFewShot`` puts examples on
every predictor, but the Planner's linking call has other fields than its plan call. The Coder's hand-written
examples made the 1.5B Coder worse (5/15 validation bugs against 8/15, tokens x1.96): see the README.
"""

from dataclasses import dataclass
from typing import Any

import dspy

from plancoder.errors import ConfigError, PlancoderError


@dataclass(frozen=True)
class Demos:
    """The worked examples of one run: which predictor gets them, and the tasks they come from."""

    predictor: str = ""
    tasks: tuple[str, ...] = ()
    examples: tuple[dict[str, Any], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.examples)

    def on(self, program: dspy.Module) -> dspy.Module:
        """``program`` with the examples on the predictor (unchanged without examples)."""
        if self:
            predictor(program, self.predictor).demos = [dspy.Example(**e) for e in self.examples]
        return program

    def diff(self) -> str:
        """What the examples add to every candidate's prompt, for the report's prompt diff."""
        if not self:
            return ""
        head = f"+++ every candidate/{self.predictor}: {len(self.examples)} worked example(s) (the baseline has none)"
        return "\n".join([head, *(_summary(task, e) for task, e in zip(self.tasks, self.examples, strict=True))]) + "\n"


def predictor(program: dspy.Module, name: str) -> dspy.Predict:
    """The predictor ``name``, or the one inside it when a setting wraps it (``reason = true``: ChainOfThought)."""
    named = dict(program.named_predictors())
    for key in (name, f"{name}.predict"):
        if key in named:
            return named[key]
    raise PlancoderError(f"the program has no predictor '{name}' for worked examples", f"it has: {', '.join(named)}")


def _summary(task: str, example: dict[str, Any]) -> str:
    """One line per example: a plan's step titles, or the function a fix replaces."""
    if "plan" in example:
        return f"+   {task}: " + "; ".join(step.get("title", "") for step in example["plan"].get("steps", []))
    return f"+   {task}: fixes {example.get('function_name', '')}"


def choose_demos(role: Any, train: list[dict[str, Any]], count: int) -> Demos:
    """The first ``count`` labelled tasks of ``train`` as the role's demos; too few is a clear error."""
    if not count:
        return Demos()
    labelled = [(item["id"], example) for item in train if (example := role.demo(item)) is not None]
    if count > len(labelled):
        raise ConfigError(
            f"optimizer.demos is {count}, but only {len(labelled)} of the {role.role}'s training tasks carry a label",
            "lower optimizer.demos in the budget file, or label more training tasks (a planning task's reference_plan, "
            "a seeded bug's entry in fix_examples.json)",
        )
    chosen = labelled[:count]
    return Demos(role.demo_predictor, tuple(i for i, _ in chosen), tuple(e for _, e in chosen))
