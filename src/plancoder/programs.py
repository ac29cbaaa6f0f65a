"""The roles as optimizable programs, and which program version serves a request.

``ROLE_PROGRAMS`` says, per role, how to build its DSPy module from the configuration, load its
suite, turn a task into a ``dspy.Example`` for GEPA, run one task for measurement, and judge it.
``program_for`` is the serving path: the role's flag decides per request key whether the production
version (loaded from the registry) or the baseline serves.
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dspy

from plancoder.errors import PlancoderError
from plancoder.evaluate import coder_task
from plancoder.fix import make_coder
from plancoder.fix_examples import coder_demo
from plancoder.flags import FlagEvaluator, FlagFile
from plancoder.metrics import coder_metric
from plancoder.planning import load_tasks, planner_metric
from plancoder.planning_run import make_planner, planner_task
from plancoder.registry import BASELINE, Registry, Version
from plancoder.runtime import Runtime
from plancoder.suite import load_bugs, materialized

log = logging.getLogger(__name__)
BUILT_IN = {"kind": "built-in"}
"""The metadata of the baseline that the code builds, before any optimizer run saved one."""


@dataclass(frozen=True)
class RoleProgram:
    """What the optimizer and the serving path need to know about one role."""

    role: str
    build: Callable[[Runtime], dspy.Module]
    items: Callable[[str, int | None], list[dict[str, Any]]]
    example: Callable[[dict[str, Any]], dspy.Example]
    run_task: Callable[..., dict[str, Any]]  # (runtime, task, program, version="baseline") -> record
    metric: Callable[..., dspy.Prediction]
    call: Callable[[dspy.Module, dict[str, Any]], dspy.Prediction]
    demo_predictor: str = ""  # the predictor that worked examples are shown to (none: the role takes none)
    demo: Callable[[dict[str, Any]], dict[str, Any] | None] = lambda item: None  # a labelled task's example

    def instructions(self, program: dspy.Module) -> dict[str, str]:
        return {name: p.signature.instructions for name, p in program.named_predictors()}


def with_instructions(program: dspy.Module, instructions: dict[str, str]) -> dspy.Module:
    """``program`` with the given instructions per predictor name (the names GEPA optimized)."""
    for name, predictor in program.named_predictors():
        if name in instructions:
            predictor.signature = predictor.signature.with_instructions(instructions[name])
    return program


def _coder_call(program: dspy.Module, inputs: dict[str, Any]) -> dspy.Prediction:
    bug = inputs["bug"]
    with materialized(bug) as project:
        return program(project=str(project), file=bug["file"], test_cmd=bug["test_cmd"])


def _planner_call(program: dspy.Module, inputs: dict[str, Any]) -> dspy.Prediction:
    return program(task=inputs["task"], context=inputs.get("context", ""))


def _planner_demo(task: dict[str, Any]) -> dict[str, Any] | None:
    """A task with a reference plan as a worked example for the plan call (a first attempt: no feedback)."""
    if not task.get("reference_plan"):
        return None
    return {"task": task["task"], "context": task.get("context", ""), "feedback": "", "plan": task["reference_plan"]}


ROLE_PROGRAMS = {
    "coder": RoleProgram(
        role="coder",
        build=make_coder,
        items=lambda split, limit: load_bugs(None, split, limit),
        example=lambda bug: dspy.Example(bug=bug).with_inputs("bug"),
        run_task=lambda runtime, bug, program, version="baseline": coder_task(runtime, bug, program, None, version),
        metric=coder_metric,
        call=_coder_call,
        demo_predictor="fix.guard.module.predictor.proposer",
        demo=coder_demo,
    ),
    "planner": RoleProgram(
        role="planner",
        build=make_planner,
        items=lambda split, limit: load_tasks(None, split, limit),
        example=lambda t: dspy.Example(task=t["task"], context=t.get("context", ""), gold=t).with_inputs(
            "task", "context"
        ),
        run_task=lambda runtime, task, program, version="baseline": planner_task(runtime, task, program, None, version),
        metric=planner_metric,
        call=_planner_call,
        demo_predictor="plan.guard.module.predictor",
        demo=_planner_demo,
    ),
}


def role_program(role: str) -> RoleProgram:
    from plancoder.errors import PlancoderError

    if role not in ROLE_PROGRAMS:
        raise PlancoderError(f"role '{role}' has no optimizable program", "use planner or coder")
    return ROLE_PROGRAMS[role]


def registry_for(runtime: Runtime, role: str) -> Registry:
    root = Path(runtime.settings.registry.path).expanduser() if runtime.settings.registry.path else None
    return Registry(root or runtime.home / "programs", role)


def mirror(runtime: Runtime, role: str, version: str, aliases: tuple[str, ...] = ()) -> None:
    """Register ``version`` (and point ``aliases`` at it) in MLflow's model registry when tracking is on."""
    from plancoder.tracking import register_program

    path = registry_for(runtime, role).path(version)
    if path.exists():
        register_program(runtime.store, role, version, path, aliases)


def flag_file_for(runtime: Runtime) -> FlagFile:
    path = runtime.settings.flags.path
    return FlagFile(Path(path).expanduser() if path else runtime.home / "flags.json")


def request_key(*parts: str) -> str:
    """A stable key for a request without one: the same input lands in the same rollout bucket."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def load_version(runtime: Runtime, role: str, version: str) -> dspy.Module:
    """The role's module with a saved version's state; ``baseline`` is the configured module, as it serves
    (the registry's saved baseline records what an optimization started from)."""
    program = role_program(role).build(runtime)
    if version == BASELINE:
        return program
    return registry_for(runtime, role).load_into(program, version)


def saved_or_built_in(runtime: Runtime, role: str, version: str) -> Version:
    """A saved version; the baseline as the code builds it when no baseline was saved (no optimizer run yet)."""
    registry = registry_for(runtime, role)
    if version == BASELINE and BASELINE not in registry.ids():
        return Version(BASELINE, BUILT_IN, role_program(role).build(runtime).dump_state())
    return registry.get(version)


def budget_limits(registry: Registry, version: str) -> dict[str, tuple[float | None, float]]:
    """Per kind (latency, tokens): the version's measured ratio to the baseline (None: the baseline) and the cap."""
    from plancoder.budget import load_budgets

    caps = load_budgets().for_role(registry.role).production
    meta = registry.get(version).metadata if version != BASELINE and version in registry.ids() else {}
    ratios = meta.get("ratios") or {}
    limits = {"latency": (ratios.get("latency_ratio"), caps.max_latency_ratio)}
    return limits | {"tokens": (ratios.get("token_ratio"), caps.max_token_ratio)}


def export_budget_headroom(runtime: Runtime) -> None:
    """Set the headroom gauges for the version each role's flag serves now (the production version while
    its flag is on): read when scraped, so a rollback made by another process shows at once."""
    from plancoder.flags import FLAG_OF
    from plancoder.monitor import set_budget_headroom

    flag_file = flag_file_for(runtime)
    for role in FLAG_OF:
        registry = registry_for(runtime, role)
        serving = registry.production if flag_file.percent(role) else BASELINE
        for kind, (ratio, cap) in budget_limits(registry, serving).items():
            set_budget_headroom(role, kind, cap - (ratio if ratio is not None else 1.0))


def program_for(runtime: Runtime, role: str, key: str) -> tuple[dspy.Module, str, str]:
    """(module, version, why) for one request: the flag picks production or the baseline.

    A production version that cannot be loaded (another DSPy version, a broken file) never fails
    the request: the baseline serves and the reason is logged and returned."""
    try:
        production = registry_for(runtime, role).production
        decision = FlagEvaluator(flag_file_for(runtime)).decide(role, key)
        if not decision.optimized or production == BASELINE:
            return _baseline(runtime, role, f"flag {decision.variant or 'off'} ({decision.reason})")
        return load_version(runtime, role, production), production, f"flag on ({decision.reason})"
    except PlancoderError as error:  # a broken aliases, flag or version file
        log.warning("the %s's optimized version cannot serve, the baseline does: %s", role, error)
        return _baseline(runtime, role, f"production unusable: {error.problem}")


def _baseline(runtime: Runtime, role: str, why: str) -> tuple[dspy.Module, str, str]:
    return role_program(role).build(runtime), BASELINE, why
