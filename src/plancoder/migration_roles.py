"""plancoder's own Planner and Coder: the program ``plancoder migrate-check`` checks by default.

``programs`` builds both roles from the configuration (as ``plancoder plan`` and ``fix`` do);
``suite`` gives the first cases of each role's held-out test split, scored by the role's metric,
with the configured model and fixed sampling (DSPy's cache off, so every call is real).
"""

from collections.abc import Callable
from functools import cache
from typing import Any

import dspy

from plancoder.programs import ROLE_PROGRAMS, RoleProgram
from plancoder.runtime import Runtime, build_runtime

SPLIT = "test"


@cache
def runtime() -> Runtime:
    return build_runtime(cache=False)


def programs() -> dict[str, dspy.Module]:
    """Both roles (``--program plancoder.migration_roles:planner`` or ``:coder`` checks one)."""
    return {role: spec.build(runtime()) for role, spec in ROLE_PROGRAMS.items()}


def planner() -> dict[str, dspy.Module]:
    return {"planner": ROLE_PROGRAMS["planner"].build(runtime())}


def coder() -> dict[str, dspy.Module]:
    return {"coder": ROLE_PROGRAMS["coder"].build(runtime())}


def warm_up(role: str) -> None:
    """Load the role's model before anything is timed (the first call would include loading it)."""
    runtime().switcher.chain(role).run(lambda: dspy.settings.lm("Reply with OK.", max_tokens=1))


def scorer(spec: RoleProgram, program: dspy.Module, item: dict[str, Any]) -> Callable[[], float]:
    """A case: the role's program on one item under its model chain, judged by the role's metric."""
    example = spec.example(item)

    def run() -> float:
        chain = runtime().switcher.chain(spec.role)
        prediction = chain.run(lambda: spec.call(program, example.inputs()))
        return float(spec.metric(example, prediction).score)

    return run


def suite(programs: dict[str, dspy.Module], limit: int) -> list[dict[str, Any]]:
    """The first ``limit`` test-split items of every role given."""
    cases = []
    for role, program in programs.items():
        spec = ROLE_PROGRAMS[role]
        warm_up(role)
        for item in spec.items(SPLIT, limit):
            cases.append({"program": role, "id": item["id"], "run": scorer(spec, program, item)})
    return cases
