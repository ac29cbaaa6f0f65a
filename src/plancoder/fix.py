"""``plancoder fix``: the Coder on a user's file, with usage, latency and a trace id."""

import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import dspy

from plancoder.atomic import write_text_atomic
from plancoder.coder import Coder, check_target
from plancoder.constitution import load_constitution
from plancoder.errors import PlancoderError
from plancoder.monitor import failures_observed, observe
from plancoder.runtime import Runtime
from plancoder.sandbox import Limits


@dataclass
class FixReport:
    """What ``plancoder fix --json`` prints."""

    passed: bool
    attempts: int
    diff: str
    fixed_code: str | None
    score: float
    tokens: dict[str, int]
    latency_s: float
    trace_id: str
    already_passing: bool = False
    model: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    initial_output: str = ""
    constitution: list[dict[str, Any]] = field(default_factory=list)
    version: str = "baseline"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def total_tokens(usage: dict[str, dict[str, Any]] | None) -> dict[str, int]:
    """Prompt, completion and total tokens summed over every model used."""
    sums = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    for per_model in (usage or {}).values():
        for key in sums:
            sums[key] += int(per_model.get(key) or 0)
    return sums


def make_coder(runtime: Runtime) -> Coder:
    cfg = runtime.settings.coder
    limits = Limits(wall_s=cfg.test_timeout_s, cpu_s=int(cfg.test_timeout_s), memory_mb=cfg.test_memory_mb)
    constitution = load_constitution(runtime.settings.constitution.path or None)
    return Coder(cfg.variant, cfg.max_attempts, limits, constitution=constitution, guard=cfg.guard)


def fix_file(
    runtime: Runtime,
    project: Path,
    file: str,
    test_cmd: str,
    task: str = "",
    model: str | None = None,
    coder: Coder | None = None,
    version: str = "baseline",
) -> FixReport:
    """Run the Coder (``version`` of its program) with the role's model chain; every attempt's tokens count."""
    relative = check_target(project, file)
    coder = coder or make_coder(runtime)
    chain = runtime.switcher.chain("coder", model)
    started = time.perf_counter()
    with dspy.track_usage() as usage, failures_observed("coder"):
        result = chain.run(lambda: coder(project=str(project), file=relative, test_cmd=test_cmd, task=task))
    report = FixReport(
        passed=result.passed,
        attempts=result.attempts,
        diff=result.diff,
        fixed_code=result.fixed_code,
        score=result.score,
        tokens=total_tokens(usage.get_total_tokens()),
        latency_s=round(time.perf_counter() - started, 3),
        trace_id=uuid.uuid4().hex,
        already_passing=result.already_passing,
        model=chain.served_by,
        history=result.history,
        initial_output=result.initial_output,
        constitution=result.constitution,
        version=version,
    )
    observe("coder", report.as_dict(), ok=not chain.failures)
    return report


def write_fix(project: Path, file: str, report: FixReport) -> Path:
    """Apply a passing fix atomically; a failing candidate is never written."""
    if not report.passed or report.fixed_code is None:
        raise PlancoderError("refusing to write: the fix did not pass the tests", "review the diff or retry")
    target = project / check_target(project, file)
    write_text_atomic(target, report.fixed_code)
    return target
