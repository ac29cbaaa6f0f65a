"""``plancoder fix``: the Coder on a user's file, with usage, latency and a trace id."""

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from plancoder.coder import Coder, check_target
from plancoder.constitution import load_constitution
from plancoder.errors import PlancoderError, check_length
from plancoder.monitor import observe
from plancoder.planner import MAX_TASK_CHARS
from plancoder.runtime import Runtime
from plancoder.sandbox import Limits, check_test_command
from plancoder.serving import serve
from plancoder.source_files import digest, read_source, write_source


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
    original_sha256: str = ""  # the file the fix was made for: --write refuses a file changed since

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def make_coder(runtime: Runtime) -> Coder:
    cfg = runtime.settings.coder
    constitution = load_constitution(runtime.settings.constitution.path or None)
    return Coder(
        cfg.variant,
        cfg.max_attempts,
        sandbox_limits(runtime),
        constitution=constitution,
        guard=cfg.guard,
        localise=cfg.localise,
    )


def sandbox_limits(runtime: Runtime) -> Limits:
    """The sandbox limits of a test run, from ``[coder]``."""
    cfg = runtime.settings.coder
    return Limits(wall_s=cfg.test_timeout_s, cpu_s=math.ceil(cfg.test_timeout_s), memory_mb=cfg.test_memory_mb)


def check_fix(project: str | Path, file: str, test_cmd: str, task: str = "") -> str:
    """The file to fix, relative to its project, after what ``fix`` refuses before any model is asked: a bad
    path, a test command that is empty, cannot be split or names no program, an over-long task (the user's
    mistake, not every model's failure)."""
    relative = check_target(Path(project), file)
    check_test_command(Path(project), test_cmd)
    check_length("the task", task, MAX_TASK_CHARS, "keep the Coder's task to what the fix needs")
    return relative


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
    relative = check_fix(project, file, test_cmd, task)
    coder = coder or make_coder(runtime)
    call = lambda: coder(project=str(project), file=relative, test_cmd=test_cmd, task=task)  # noqa: E731
    served = serve(runtime, "coder", model, call)
    result = served.result
    report = FixReport(
        passed=result.passed,
        attempts=result.attempts,
        diff=result.diff,
        fixed_code=result.fixed_code,
        score=result.score,
        tokens=served.tokens,
        latency_s=served.latency_s,
        trace_id=served.trace_id,
        already_passing=result.already_passing,
        model=served.model,
        history=result.history,
        initial_output=result.initial_output,
        constitution=result.constitution,
        version=version,
        original_sha256=result.original_sha256,
    )
    observe("coder", report.as_dict(), ok=served.ok)
    return report


def write_fix(project: Path, file: str, report: FixReport) -> Path:
    """Apply a passing fix atomically; a failing candidate is never written."""
    if not report.passed or report.fixed_code is None:
        raise PlancoderError("refusing to write: the fix did not pass the tests", "review the diff or retry")
    target = project / check_target(project, file)
    current, style = read_source(target)
    if report.original_sha256 and digest(current) != report.original_sha256:
        raise PlancoderError(f"{target} changed while the Coder worked on it", "run plancoder fix again")
    write_source(target, report.fixed_code, style)  # in the file's own newlines and byte-order mark
    return target
