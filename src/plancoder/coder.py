"""The Coder: fixes a bug in one Python file and proves the fix by running the tests.

``forward`` reads like the algorithm: run the tests (they must fail), ask the model for the fixed
function, apply it, run the tests in the sandbox, feed failures back, at most ``max_attempts`` times.
Two variants share that loop: ``ChainOfThought`` (reason, then edit) and ``ReAct`` with tools.
"""

import ast
import re
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import dspy
from dspy.utils.exceptions import AdapterParseError

from plancoder import sandbox
from plancoder.edits import EditError, functions, replace_function, unified_diff
from plancoder.errors import PlancoderError
from plancoder.sandbox import Limits, TestRun, is_test_path

OUTPUT_TAIL = 3000
Variant = Literal["cot", "react"]


class FixFunction(dspy.Signature):
    """Fix the bug in a Python file so that its failing tests pass.

    Find the one function (or method) that contains the bug and return its complete corrected
    definition. Change as little as possible; keep the name, parameters and docstring. The tests are
    correct and read-only: fix the code, never the tests."""

    task: str = dspy.InputField(desc="What the user asks for, if anything beyond making the tests pass")
    file_path: str = dspy.InputField(desc="Path of the file to fix")
    code: str = dspy.InputField(desc="Current content of the file")
    test_output: str = dspy.InputField(desc="Output of the failing test run")
    feedback: str = dspy.InputField(desc="What went wrong with earlier attempts; empty on the first attempt")
    function_name: str = dspy.OutputField(desc="Name of the function to replace: `name` or `Class.method`")
    fixed_function: str = dspy.OutputField(desc="The complete corrected definition of that function (Python only)")


class CoderError(PlancoderError):
    """The Coder cannot start: bad path, file or test command."""


def pytest_counts(output: str) -> tuple[int, int]:
    """(passed, failed + errors) from pytest's summary line; (0, 0) when there is none."""

    def count(word: str) -> int:
        return sum(int(n) for n in re.findall(rf"(\d+) {word}", output))

    return count("passed"), count("failed") + count("error")


def run_score(run: TestRun) -> float:
    """1.0 when the tests pass; otherwise half the share of tests that pass (never above 0.5)."""
    if run.passed:
        return 1.0
    passed, failed = pytest_counts(run.output)
    return 0.5 * passed / (passed + failed) if passed + failed else 0.0


@dataclass
class Attempt:
    """One proposal and what the tests said about it."""

    number: int
    function_name: str
    fixed_function: str
    reasoning: str = ""
    trajectory: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    passed: bool = False
    score: float = 0.0
    test_output: str = ""
    diff: str = ""


class Workspace:
    """The file being fixed, its project and test command; runs candidates in the sandbox."""

    def __init__(self, project: Path, file: str, test_cmd: str, limits: Limits) -> None:
        self.project, self.file, self.test_cmd, self.limits = project, file, test_cmd, limits
        self.original = (project / file).read_text(encoding="utf-8")

    def run(self, source: str | None = None) -> TestRun:
        changes = None if source is None else {self.file: source}
        return sandbox.run_tests(self.project, self.test_cmd, changes=changes, limits=self.limits)

    def candidate(self, function_name: str, fixed_function: str) -> str:
        return replace_function(self.original, function_name, fixed_function)

    def show_function(self, name: str) -> str:
        """Source of one function (``name`` or ``Class.method``) of the file being fixed."""
        known = functions(ast.parse(self.original))
        if name not in known:
            return f"no function `{name}`; functions: {', '.join(known)}"
        node = known[name]
        return "\n".join(self.original.splitlines()[node.lineno - 1 : node.end_lineno])

    def try_fix(self, function_name: str, fixed_function: str) -> str:
        """Apply a fixed function to a copy and run the tests: 'PASSED' or what failed."""
        try:
            run = self.run(self.candidate(function_name, fixed_function))
        except EditError as error:
            return f"could not apply: {error}"
        return "PASSED" if run.passed else run.output[-OUTPUT_TAIL:]


class Coder(dspy.Module):
    """Fix a failing Python file; ``variant`` is ``cot`` (ChainOfThought) or ``react`` (ReAct with tools)."""

    def __init__(self, variant: Variant = "cot", max_attempts: int = 3, limits: Limits | None = None) -> None:
        super().__init__()
        if variant not in ("cot", "react"):
            raise CoderError(f"unknown Coder variant '{variant}'", "use 'cot' or 'react'")
        if max_attempts < 1:
            raise CoderError(f"max_attempts must be at least 1, got {max_attempts}", "use 1 or more")
        self.variant, self.max_attempts, self.limits = variant, max_attempts, limits or Limits()
        self.fix = dspy.ChainOfThought(FixFunction) if variant == "cot" else None
        self.react = dspy.ReAct(FixFunction, tools=REACT_TOOLS, max_iters=6) if variant == "react" else None

    def forward(self, project: str, file: str, test_cmd: str, task: str = "") -> dspy.Prediction:
        workspace = Workspace(Path(project), file, test_cmd, self.limits)
        initial = check_initial_run(workspace.run())
        if initial.passed:
            return _result(workspace, initial, [], already_passing=True)
        attempts: list[Attempt] = []
        token = _workspace.set(workspace)
        try:
            while len(attempts) < self.max_attempts and not (attempts and attempts[-1].passed):
                attempts.append(self.attempt(workspace, task, initial, attempts))
        finally:
            _workspace.reset(token)
        return _result(workspace, initial, attempts)

    def attempt(self, workspace: Workspace, task: str, initial: TestRun, attempts: list[Attempt]) -> Attempt:
        """One proposal, judged by the tests; an unparsable answer is a failed attempt, not a crash."""
        try:
            proposal = self.propose(workspace, task, initial, attempts)
        except AdapterParseError as error:
            return Attempt(len(attempts) + 1, "", "", error=f"the answer could not be parsed: {str(error)[:300]}")
        return self.judge(workspace, proposal, len(attempts) + 1)

    def propose(self, workspace: Workspace, task: str, initial: TestRun, attempts: list[Attempt]) -> dspy.Prediction:
        inputs = {
            "task": task,
            "file_path": workspace.file,
            "code": workspace.original,
            "test_output": initial.output[-OUTPUT_TAIL:],
            "feedback": feedback_text(attempts),
        }
        return self.fix(**inputs) if self.fix is not None else self.react(**inputs)

    def judge(self, workspace: Workspace, proposal: dspy.Prediction, number: int) -> Attempt:
        attempt = Attempt(
            number,
            str(proposal.function_name),
            str(proposal.fixed_function),
            reasoning=str(getattr(proposal, "reasoning", "") or ""),
            trajectory=dict(getattr(proposal, "trajectory", {}) or {}),
        )
        try:
            candidate = workspace.candidate(attempt.function_name, attempt.fixed_function)
        except EditError as error:
            attempt.error = str(error)
            return attempt
        run = workspace.run(candidate)
        attempt.passed, attempt.score = run.passed, run_score(run)
        attempt.test_output = run.output[-OUTPUT_TAIL:]
        attempt.diff = unified_diff(workspace.original, candidate, workspace.file)
        return attempt


_workspace: ContextVar[Workspace] = ContextVar("coder_workspace")
"""The file the ReAct tools act on, set for the duration of one ``Coder.forward``."""


def read_file() -> str:
    """Return the file being fixed, with line numbers."""
    lines = _workspace.get().original.splitlines()
    return "\n".join(f"{number:4d}  {line}" for number, line in enumerate(lines, 1))


def show_function(name: str) -> str:
    """Return the source of one function (`name` or `Class.method`) of the file being fixed."""
    return _workspace.get().show_function(name)


def run_tests(function_name: str, fixed_function: str) -> str:
    """Put your fixed version of one function into a copy of the file and run the tests: PASSED or the failures."""
    return _workspace.get().try_fix(function_name, fixed_function)


REACT_TOOLS = [read_file, show_function, run_tests]


def feedback_text(attempts: list[Attempt]) -> str:
    """What went wrong so far, for the next attempt (and for GEPA's reflection)."""
    lines = []
    for attempt in attempts:
        if attempt.error:
            lines.append(f"Attempt {attempt.number} could not be applied: {attempt.error}")
        else:
            tail = attempt.test_output[-1200:]
            lines.append(f"Attempt {attempt.number} rewrote `{attempt.function_name}` but tests still fail:\n{tail}")
    return "\n\n".join(lines)


def _result(workspace: Workspace, initial: TestRun, attempts: list[Attempt], already_passing: bool = False):
    best = max(attempts, key=lambda a: (a.passed, a.score), default=None)
    passed = bool(best and best.passed)
    fixed = workspace.candidate(best.function_name, best.fixed_function) if passed else None
    return dspy.Prediction(
        passed=passed or already_passing,
        already_passing=already_passing,
        attempts=len(attempts),
        fixed_code=fixed,
        diff=best.diff if passed else "",
        score=1.0 if passed else (best.score if best else 0.0),
        initial_output=initial.output[-OUTPUT_TAIL:],
        history=[asdict(a) for a in attempts],
    )


NOT_RUNNABLE = {4: "pytest usage error", 5: "no tests were collected", 126: "not executable", 127: "not found"}


def check_initial_run(run: TestRun) -> TestRun:
    """The run before any change must pass or fail on tests, not fail to run at all."""
    if run.timed_out:
        raise CoderError("the tests time out before any change", "give a faster test command or raise test_timeout_s")
    if run.returncode in NOT_RUNNABLE or run.returncode is None:
        why = NOT_RUNNABLE.get(run.returncode, "it did not start")
        raise CoderError(
            f"the test command cannot run ({why}): {run.output[-300:].strip()}",
            "check --test-cmd; it runs from the project root",
        )
    return run


def check_target(project: Path, file: str) -> str:
    """Validate the file to fix; return its path relative to the project."""
    path = (project / file).resolve()
    if not path.is_file():
        raise CoderError(f"{file} does not exist", "give the path of a Python file in the project")
    try:
        relative = str(path.relative_to(project.resolve()))
    except ValueError:
        raise CoderError(
            f"{file} is outside the project {project}", "run from the project root or pass --project"
        ) from None
    if path.suffix != ".py":
        raise CoderError(f"{file} is not a Python file", "give a .py file")
    if is_test_path(relative):
        raise CoderError(f"{file} is a test file; tests are read-only to the Coder", "give the file under test")
    try:
        ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError) as error:
        raise CoderError(
            f"{file} cannot be parsed before any change: {error}",
            "fix the syntax first; the Coder fixes bugs that the tests reveal",
        ) from None
    return relative
