"""The Coder: fixes a bug in one Python file and proves the fix by running the tests.

``forward`` reads like the algorithm: run the tests (they must fail), then, under a native DSPy 3
guard, ask the model for the fixed function, apply it, run the tests in the sandbox and the
constitution's checks, feed failures back, at most ``max_attempts`` times. Two variants share that
loop: ``ChainOfThought`` (reason, then edit) and ``ReAct`` with tools.
"""

import ast
import re
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import dspy
from dspy.utils.exceptions import AdapterParseError

from plancoder import sandbox, spectrum
from plancoder.checks import CODER_SAYS_ITSELF, CoderOutput
from plancoder.constitution import Constitution, finding_lines, load_constitution
from plancoder.edits import EditError, functions, replace_function, same_code, source_lines, unified_diff
from plancoder.errors import ConfigError, InputError, shorten
from plancoder.guards import Guarded, Kind
from plancoder.sandbox import Limits, TestRun, is_test_path
from plancoder.source_files import digest, read_source

OUTPUT_TAIL = 3000
RUN_TIMES = (
    re.compile(  # pytest's summary line, framed by = or not (-q)
        r"(?m)^(.*\b(?:passed|failed|errors?|skipped|deselected|xfailed|xpassed|warnings?|no tests ran)\b.* in )"
        r"\d+(?:\.\d+)?s(?: \(\d+:\d\d:\d\d\))?( =+)?$"
    ),
    re.compile(r"(?m)^(Ran \d+ tests? in )\d+(?:\.\d+)?s()$"),  # unittest's
)
ADDRESS = re.compile(r"(?<=\bat )0x[0-9a-fA-F]{4,}\b")
"""An object's address in its default repr (``<Account object at 0x7f5e4c2e1550>``): new in every process."""


def steady(output: str) -> str:
    """A test run's output without what changes from run to run, so the same failure reads the same
    in every process (and, at temperature 0, gets the same answer).

    The run time in the summary line becomes ``<t>`` and an object's address ``0x<addr>``: pytest shows
    ``self = <bank_account.BankAccount object at 0x...>`` for a failing method, and that address alone
    turned a greedy fix into a failing one (measured on bank_account-dropped_statement-L23).
    """
    for pattern in RUN_TIMES:
        output = pattern.sub(r"\1<t>s\2", output)
    return ADDRESS.sub("0x<addr>", output)


def for_model(output: str, tail: int = OUTPUT_TAIL) -> str:
    """The end of a test run's output as the model sees it (``steady``)."""
    return steady(output)[-tail:]


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


class CoderError(InputError):
    """The Coder cannot start: bad path, file or test command."""


SUMMARY = re.compile(r"\b(\d+) (passed|failed|errors?|skipped|xfailed|xpassed)\b")


def summary_counts(output: str) -> dict[str, int] | None:
    """Outcome counts of pytest's last summary line ("1 failed, 3 passed in 0.1s"); None without one."""
    lines = [line for line in output.splitlines() if SUMMARY.search(line) and re.search(r" in [\d.]+s", line)]
    if not lines:
        return None
    counts = dict.fromkeys(("passed", "failed", "error", "skipped", "xfailed", "xpassed"), 0)
    for number, outcome in SUMMARY.findall(lines[-1]):
        counts[outcome.removesuffix("s") if outcome == "errors" else outcome] += int(number)
    return counts


def pytest_counts(output: str) -> tuple[int, int]:
    """(passed, failed + errors) from pytest's summary line; (0, 0) when there is none."""
    counts = summary_counts(output)
    return (counts["passed"], counts["failed"] + counts["error"]) if counts else (0, 0)


def hollow_pass(initial: TestRun, run: TestRun) -> str:
    """Why a run that exits 0 does not prove the fix ("" when it does): fewer tests pass than ran before
    the fix, or a test is now skipped or expected to fail. Without pytest's summary the exit code decides."""
    before, after = summary_counts(initial.output), summary_counts(run.output)
    if before is None or after is None:
        return ""
    ran = before["passed"] + before["failed"] + before["error"]
    if after["passed"] < ran:
        return f"only {after['passed']} tests passed where {ran} ran before the fix; every test must run and pass"
    if after["skipped"] + after["xfailed"] > before["skipped"] + before["xfailed"]:
        return "a test is now skipped or expected to fail instead of passing; fix the code, do not skip the test"
    return ""


def run_score(run: TestRun) -> float:
    """1.0 when the tests pass; otherwise half the share of tests that pass (never above 0.5)."""
    if run.passed:
        return 1.0
    passed, failed = pytest_counts(run.output)
    return 0.5 * passed / (passed + failed) if passed + failed else 0.0


@dataclass
class Attempt:
    """One proposal, what the tests said about it and what the constitution found."""

    number: int
    function_name: str
    fixed_function: str
    reasoning: str = ""
    trajectory: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    tests_passed: bool = False
    passed: bool = False
    score: float = 0.0
    test_output: str = ""
    diff: str = ""
    unchanged: bool = False  # the proposal was the code already there (36 % of attempts in one baseline)
    constitution: list[dict[str, Any]] = field(default_factory=list)


class Workspace:
    """The file being fixed, its project and test command; runs candidates in the sandbox."""

    def __init__(self, project: Path, file: str, test_cmd: str, limits: Limits) -> None:
        self.project, self.file, self.test_cmd, self.limits = project, file, test_cmd, limits
        self.original, _ = read_source(project / file)
        self.initial: TestRun | None = None  # the run before any change: what a fix must make pass

    def run(self, source: str | None = None) -> TestRun:
        changes = None if source is None else {self.file: source}
        return sandbox.run_tests(self.project, self.test_cmd, changes=changes, limits=self.limits)

    def suspects(self) -> str:
        """The file's most suspicious lines by the tests' line spectrum ("" when the command is not pytest)."""
        run = sandbox.run_tests(self.project, self.test_cmd, limits=self.limits, trace=self.file)
        return spectrum.suspects(run.lines_run, self.original, functions(ast.parse(self.original)))

    def hollow(self, run: TestRun) -> str:
        """Why a passing ``run`` does not prove a fix ("" when it does; see ``hollow_pass``)."""
        return hollow_pass(self.initial, run) if run.passed and self.initial else ""

    def candidate(self, function_name: str, fixed_function: str) -> str:
        return replace_function(self.original, function_name, fixed_function)

    def show_function(self, name: str) -> str:
        """Source of one function (``name`` or ``Class.method``) of the file being fixed."""
        known = functions(ast.parse(self.original))
        if name not in known:
            return f"no function `{name}`; functions: {', '.join(known)}"
        node = known[name]
        return "".join(source_lines(self.original)[node.lineno - 1 : node.end_lineno]).rstrip("\n")

    def try_fix(self, function_name: str, fixed_function: str) -> str:
        """Apply a fixed function to a copy and run the tests: 'PASSED' or what failed."""
        try:
            run = self.run(self.candidate(function_name, fixed_function))
        except EditError as error:
            return f"could not apply: {error}"
        hollow = self.hollow(run)
        return "PASSED" if run.passed and not hollow else hollow or for_model(run.output)


@dataclass
class Session:
    """One ``Coder.forward`` call: the workspace and every attempt judged so far."""

    workspace: Workspace
    attempts: list[Attempt] = field(default_factory=list)


_session: ContextVar[Session] = ContextVar("coder_session")
"""The call the guard's reward and the ReAct tools act on, set for the duration of one ``Coder.forward``."""


class ParseSafe(dspy.Module):
    """An answer that cannot be parsed becomes a failed attempt with its reason, not an exception."""

    def __init__(self, proposer: dspy.Module) -> None:
        super().__init__()
        self.proposer = proposer

    def forward(self, **inputs: Any) -> dspy.Prediction:
        try:
            return self.proposer(**inputs)
        except AdapterParseError as error:
            reason = f"the answer could not be parsed: {str(error)[:300]}"
            return dspy.Prediction(function_name="", fixed_function="", parse_error=reason)


class Coder(dspy.Module):
    """Fix a failing Python file; ``variant`` is ``cot`` (ChainOfThought) or ``react`` (ReAct with tools).

    Attempts run under a native DSPy 3 guard (``dspy.BestOfN`` or ``dspy.Refine``) whose reward runs
    the tests on the candidate and the constitution's Coder checks; what failed, naming the violated
    articles, is fed to the next attempt. A candidate ships only when the tests pass and no hard
    article is violated. ``localise`` adds the lines the failing tests ran most to the output the model
    reads (``plancoder.spectrum``)."""

    def __init__(
        self,
        variant: Variant = "cot",
        max_attempts: int = 3,
        limits: Limits | None = None,
        constitution: Constitution | None = None,
        guard: Kind = "best_of_n",
        localise: bool = False,
    ) -> None:
        super().__init__()
        if variant not in ("cot", "react"):
            raise ConfigError(f"unknown Coder variant '{variant}'", "use 'cot' or 'react'")
        if max_attempts < 1:
            raise ConfigError(f"max_attempts must be at least 1, got {max_attempts}", "use 1 or more")
        self.variant, self.max_attempts, self.limits = variant, max_attempts, limits or Limits()
        self.localise = localise
        self.constitution = constitution or load_constitution()
        if variant == "cot":
            proposer = dspy.ChainOfThought(FixFunction)
        else:
            proposer = dspy.ReAct(FixFunction, tools=REACT_TOOLS, max_iters=6)
        self.fix = Guarded(ParseSafe(proposer), self.reward, max_attempts, kind=guard)

    def forward(self, project: str, file: str, test_cmd: str, task: str = "") -> dspy.Prediction:
        workspace = Workspace(Path(project), file, test_cmd, self.limits)
        initial = workspace.initial = check_initial_run(workspace.run())
        if initial.passed:
            return _result(workspace, initial, [], already_passing=True)
        session = Session(workspace)
        token = _session.set(session)
        try:
            self.fix(task=task, file_path=file, code=workspace.original, test_output=self.failure(workspace))
        finally:
            _session.reset(token)
        return _result(workspace, initial, session.attempts)

    def failure(self, workspace: Workspace) -> str:
        """The failing run as the model reads it, followed by the fault localisation when it is on."""
        suspects = workspace.suspects() if self.localise else ""
        return "\n\n".join(filter(None, [for_model(workspace.initial.output), suspects]))

    def reward(self, _: dict[str, Any], proposal: dspy.Prediction) -> tuple[float, str]:
        """Judge one proposal; the feedback covers every attempt so far."""
        session = _session.get()
        attempt = self.judge(session.workspace, proposal, len(session.attempts) + 1)
        session.attempts.append(attempt)
        return attempt.score, feedback_text(session.attempts)

    def judge(self, workspace: Workspace, proposal: dspy.Prediction, number: int) -> Attempt:
        """Apply the proposal, run the tests, and ask the constitution."""
        attempt = Attempt(
            number,
            str(proposal.function_name or ""),
            str(proposal.fixed_function or ""),
            reasoning=str(getattr(proposal, "reasoning", "") or ""),
            trajectory=dict(getattr(proposal, "trajectory", {}) or {}),
            error=str(getattr(proposal, "parse_error", "") or ""),
        )
        candidate = None if attempt.error else self.apply(workspace, attempt)
        verdict = self.constitution.judge("coder", _output(workspace, attempt, candidate))
        attempt.constitution = verdict.as_dicts()
        attempt.passed = attempt.tests_passed and not verdict.hard_failed
        attempt.score = verdict.score(attempt.score)
        return attempt

    def apply(self, workspace: Workspace, attempt: Attempt) -> str | None:
        """The candidate file, tested; None (and the reason in ``attempt.error``) when the edit cannot apply."""
        try:
            candidate = workspace.candidate(attempt.function_name, attempt.fixed_function)
        except EditError as error:
            attempt.error = str(error)
            return None
        run = workspace.run(candidate)
        hollow = workspace.hollow(run)
        attempt.tests_passed, attempt.score = run.passed and not hollow, 0.0 if hollow else run_score(run)
        attempt.test_output = (f"{hollow}\n" if hollow else "") + run.output[-OUTPUT_TAIL:]
        attempt.diff = unified_diff(workspace.original, candidate, workspace.file)
        attempt.unchanged = same_code(workspace.original, candidate)
        return candidate


def _output(workspace: Workspace, attempt: Attempt, candidate: str | None) -> CoderOutput:
    return CoderOutput(
        file=workspace.file,
        original=workspace.original,
        function_name=attempt.function_name,
        fixed_function=attempt.fixed_function,
        candidate=candidate,
        edit_error=attempt.error,
        changed_files=(workspace.file,) if candidate is not None else (),
        tests_passed=attempt.tests_passed if candidate is not None else None,
    )


def read_file() -> str:
    """Return the file being fixed, with line numbers."""
    lines = _session.get().workspace.original.splitlines()
    return "\n".join(f"{number:4d}  {line}" for number, line in enumerate(lines, 1))


def show_function(name: str) -> str:
    """Return the source of one function (`name` or `Class.method`) of the file being fixed."""
    return _session.get().workspace.show_function(name)


def run_tests(function_name: str, fixed_function: str) -> str:
    """Put your fixed version of one function into a copy of the file and run the tests: PASSED or the failures."""
    return _session.get().workspace.try_fix(function_name, fixed_function)


REACT_TOOLS = [read_file, show_function, run_tests]


def feedback_text(attempts: list[Attempt]) -> str:
    """What went wrong so far, for the next attempt (and for GEPA's reflection)."""
    return "\n\n".join(_attempt_feedback(attempt) for attempt in attempts)


def _attempt_feedback(attempt: Attempt) -> str:
    tail = for_model(attempt.test_output, 1200)
    if attempt.error:
        text = f"Attempt {attempt.number} could not be applied: {attempt.error}"
    elif attempt.unchanged:
        text = (
            f"Attempt {attempt.number} returned `{attempt.function_name}` with its code unchanged, so the tests "
            f"fail as before:\n{tail}\nThe bug is still there: find the line that gives the wrong result and "
            "change it."
        )
    elif not attempt.tests_passed:
        text = f"Attempt {attempt.number} rewrote `{attempt.function_name}` but tests still fail:\n{tail}"
    else:
        text = f"Attempt {attempt.number} made the tests pass."
    lines = [f"- {line}" for line in finding_lines(attempt.constitution, CODER_SAYS_ITSELF)]
    return "\n".join([text, *(["It violates the constitution:", *lines] if lines else [])])


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
        score=1.0 if already_passing else (best.score if best else 0.0),
        initial_output=initial.output[-OUTPUT_TAIL:],
        original_sha256=digest(workspace.original),  # the text the fix was made from
        history=[asdict(a) for a in attempts],
        constitution=best.constitution if best else [],
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
    relative = _inside(project, file)
    if not relative.endswith(".py"):
        raise CoderError(f"{file} is not a Python file", "give a .py file")
    if is_test_path(relative):
        raise CoderError(f"{file} is a test file; tests are read-only to the Coder", "give the file under test")
    _check_parses(project / relative, file)
    return relative


def _check_parses(path: Path, file: str) -> None:
    """The file to fix is Python source that parses before any change."""
    try:
        source = read_source(path)[0]
    except UnicodeDecodeError:
        raise CoderError(f"{file} is not UTF-8 text", "save it as UTF-8; the Coder edits Python source") from None
    if "\0" in source:
        raise CoderError(f"{file} is a binary file", "give the Python source file that the tests import")
    try:
        ast.parse(source)
    except SyntaxError as error:
        raise CoderError(
            f"{file} cannot be parsed before any change: {error}",
            "fix the syntax first; the Coder fixes bugs that the tests reveal",
        ) from None


def _inside(project: Path, file: str) -> str:
    """``file`` relative to ``project``: an existing file inside it."""
    if "\0" in f"{project}{file}":
        raise CoderError("the path contains a NUL byte", "give a plain file path")
    try:
        return _relative_file(project, file)
    except (OSError, RuntimeError) as error:  # a name too long; a loop of links (RuntimeError on Python 3.11)
        why = getattr(error, "strerror", None) or "a loop of symbolic links"
        fix = "give a shorter path" if "too long" in why else "give the file's own path"
        raise CoderError(f"cannot use the path {shorten(file)} in {shorten(str(project))}: {why}", fix) from None


def _relative_file(project: Path, file: str) -> str:
    if not project.is_dir():
        raise CoderError(f"the project {project} is not a directory", "pass --project DIR")
    path = (project / file).resolve()
    if path.is_dir():
        raise CoderError(f"{file} is a directory", "give the path of a Python file in the project")
    if not path.is_file():
        raise CoderError(f"{file} does not exist in {project}", f"give its path relative to the project {project}")
    try:
        return str(path.relative_to(project.resolve()))
    except ValueError:
        raise CoderError(
            f"{file} is outside the project {project}", "run from the project root or pass --project"
        ) from None
