"""The machine checks that the constitution's articles name, registered as ``role.name``.

A check reads one role output (``CoderOutput`` or ``PlannerOutput``) and returns the messages of
what it found wrong, each written so that the model can act on it; an empty list means it holds.
Checks are pure and cheap: the expensive facts (the test run) are computed once by the role and
handed in.
"""

import ast
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from plancoder.edits import functions
from plancoder.plan import Plan, validate
from plancoder.sandbox import is_test_path

CHECKS: dict[str, Callable[[Any], list[str]]] = {}
SECRET_FILE = re.compile(r"(^|/)(\.env(\..*)?|id_[rd]sa.*|.*\.(pem|key|p12|pfx)|.*(secret|credential).*)$", re.I)
SECRET_LITERAL = re.compile(
    r"AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|gh[pousr]_[A-Za-z0-9]{30,}|"
    r"(?i:(?:password|passwd|secret|api_key|apikey|token)\s*=\s*['\"][^'\"\s]{8,}['\"])"
)
STEP_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
TASK_FACT = re.compile(r"`([^`\n]{2,60})`|(--[a-z][\w-]+)|\b([\w/.-]+\.(?:py|toml|json|ya?ml|md|txt|cfg|ini|sql|sh))\b")
MAX_MESSAGES = 8
CODER_SAYS_ITSELF = frozenset({"coder.tests_pass", "coder.applies_as_edit"})
"""Checks whose finding the Coder's own feedback already spells out (test output, edit error)."""


@dataclass(frozen=True)
class CoderOutput:
    """One Coder proposal, as the constitution sees it."""

    file: str
    original: str
    function_name: str
    fixed_function: str
    candidate: str | None = None
    edit_error: str = ""
    changed_files: tuple[str, ...] = ()
    tests_passed: bool | None = None


@dataclass(frozen=True)
class PlannerOutput:
    """One plan and the task it answers."""

    task: str
    context: str
    plan: Plan | None
    max_steps: int = 20
    single_goal: bool = False


@dataclass(frozen=True)
class ReleaseOutput:
    """An optimized candidate as the constitution sees it: its cost against the baseline and what it shipped."""

    role: str
    latency_ratio: float
    token_ratio: float
    max_latency_ratio: float
    max_token_ratio: float
    shipped_hard_findings: int = 0
    shipped_dependency_violations: int = 0


@dataclass(frozen=True)
class ReviewOutput:
    """A role's final output as it leaves plancoder: shipped as done, or held for a person."""

    role: str
    done: bool  # the fix passed or the plan is valid
    score: float
    threshold: float
    review_id: int | None


def check(name: str) -> Callable[[Callable[[Any], list[str]]], Callable[[Any], list[str]]]:
    """Register a check under ``name`` (``coder.x``, ``planner.x`` or ``release.x``)."""

    def register(function: Callable[[Any], list[str]]) -> Callable[[Any], list[str]]:
        CHECKS[name] = function
        return function

    return register


@functools.lru_cache(maxsize=8)
def _tree(source: str | None) -> ast.Module | None:
    """The parsed source, shared by the checks of one output (callers must not mutate it)."""
    try:
        return ast.parse(source) if source is not None else None
    except SyntaxError:
        return None


def _rewritten(output: CoderOutput) -> tuple[ast.AST | None, ast.AST | None]:
    """The first function whose code the fix changed, before and after (None, None when there is none)."""
    before, after = _tree(output.original), _tree(output.candidate)
    if before is None or after is None:
        return None, None
    old, new = functions(before), functions(after)
    changed = (name for name in old if name in new and ast.dump(old[name]) != ast.dump(new[name]))
    name = next(changed, None)
    return (old[name], new[name]) if name else (None, None)


# Article I: file safety
@check("coder.only_target_file")
def only_target_file(output: CoderOutput) -> list[str]:
    return [
        f"the answer changes {path}; change only {output.file}" for path in output.changed_files if path != output.file
    ]


@check("coder.tests_untouched")
def tests_untouched(output: CoderOutput) -> list[str]:
    return [f"{path} is test code; the tests are read-only" for path in output.changed_files if is_test_path(path)]


@check("coder.no_secrets")
def no_secrets(output: CoderOutput) -> list[str]:
    found = [
        f"{path} looks like a secrets file; never edit it" for path in output.changed_files if SECRET_FILE.search(path)
    ]
    added = set(SECRET_LITERAL.findall(output.candidate or "")) - set(SECRET_LITERAL.findall(output.original))
    return found + ["the fix writes a credential-like literal into the code; remove it"] * bool(added)


@check("planner.files_inside_repo")
def files_inside_repo(output: PlannerOutput) -> list[str]:
    steps = output.plan.steps if output.plan else []
    return [
        f"step '{step.id}' names {path}, outside the repository; use a path relative to the repository root"
        for step in steps
        for path in step.files
        if PurePosixPath(path).is_absolute() or ".." in PurePosixPath(path).parts or path.startswith("~")
    ]


# Article II: context preservation
@check("coder.keeps_public_names")
def keeps_public_names(output: CoderOutput) -> list[str]:
    before, after = _tree(output.original), _tree(output.candidate)
    if before is None or after is None:
        return []
    lost = _public_names(before) - _public_names(after)
    return [f"the fix removes `{name}`, which callers use; keep it" for name in sorted(lost)]


def _public_names(tree: ast.Module) -> set[str]:
    kinds = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    return {node.name for node in tree.body if isinstance(node, kinds) and not node.name.startswith("_")}


@check("coder.keeps_signature")
def keeps_signature(output: CoderOutput) -> list[str]:
    old, new = _rewritten(output)
    if old is None or new is None or _parameters(old) == _parameters(new):
        return []
    return [f"the fix changes the parameters of `{new.name}` from {_parameters(old)} to {_parameters(new)}; keep them"]


def _parameters(node: ast.AST) -> list[str]:
    spec = node.args
    names = [a.arg for a in (*spec.posonlyargs, *spec.args)]
    names += [f"*{spec.vararg.arg}"] if spec.vararg else []
    names += [a.arg for a in spec.kwonlyargs] + ([f"**{spec.kwarg.arg}"] if spec.kwarg else [])
    return names


@check("planner.mentions_task_facts")
def mentions_task_facts(output: PlannerOutput) -> list[str]:
    if output.plan is None:
        return []
    text = " ".join(_step_text(step) for step in output.plan.steps).lower()
    facts = dict.fromkeys(next(filter(None, match)) for match in TASK_FACT.findall(output.task))
    missing = [fact for fact in facts if fact.lower() not in text]
    return [f"the task names `{fact}` but no step mentions it" for fact in missing[:MAX_MESSAGES]]


def _step_text(step: Any) -> str:
    return " ".join([step.title, step.detail, step.acceptance, *step.files])


# Article III: error prevention and recovery
@check("coder.tests_pass")
def tests_pass(output: CoderOutput) -> list[str]:
    if output.tests_passed:
        return []
    if output.tests_passed is None:
        return ["the tests were not run on this answer, so it cannot ship"]
    return ["the tests still fail with this fix"]


@check("planner.plan_is_valid")
def plan_is_valid(output: PlannerOutput) -> list[str]:
    if output.plan is None:
        return ["no plan was produced"]
    return [f"{v.kind}: {v.message}" for v in validate(output.plan, output.max_steps, output.single_goal)]


@check("release.shipped_outputs_obey")
def shipped_outputs_obey(output: ReleaseOutput) -> list[str]:
    problems = []
    if output.shipped_hard_findings:
        problems.append(f"{output.shipped_hard_findings} shipped {output.role} outputs break a hard article")
    if output.shipped_dependency_violations:
        problems.append(f"shipped plans carry {output.shipped_dependency_violations} dependency violations")
    return problems


# Article IV: documentation
@check("coder.keeps_docstring")
def keeps_docstring(output: CoderOutput) -> list[str]:
    old, new = _rewritten(output)
    if old is None or new is None or not ast.get_docstring(old) or ast.get_docstring(new):
        return []
    return [f"the fix drops the docstring of `{new.name}`; keep it"]


@check("planner.steps_have_acceptance")
def steps_have_acceptance(output: PlannerOutput) -> list[str]:
    missing = [step.id for step in (output.plan.steps if output.plan else []) if not step.acceptance.strip()]
    return [f"steps {', '.join(missing)} have no acceptance criterion; say how to tell each is done"] if missing else []


# Article V: system integration
@check("coder.applies_as_edit")
def applies_as_edit(output: CoderOutput) -> list[str]:
    return [output.edit_error] if output.edit_error else []


@check("coder.valid_python")
def valid_python(output: CoderOutput) -> list[str]:
    if output.candidate is None or _tree(output.candidate) is not None:
        return []
    return [f"{output.file} is not valid Python after the fix"]


@check("planner.step_ids_are_tokens")
def step_ids_are_tokens(output: PlannerOutput) -> list[str]:
    bad = [step.id for step in (output.plan.steps if output.plan else []) if not STEP_ID.match(step.id)]
    return [f"step ids {bad} are not short tokens; use ids like 's1' (letters, digits, _ . -)"] if bad else []


# Article VI: budgets
@check("release.within_latency_budget")
def within_latency_budget(output: ReleaseOutput) -> list[str]:
    if output.latency_ratio <= output.max_latency_ratio:
        return []
    return [f"latency x{output.latency_ratio:.2f} of the baseline is over the cap x{output.max_latency_ratio:.2f}"]


@check("release.within_token_budget")
def within_token_budget(output: ReleaseOutput) -> list[str]:
    if output.token_ratio <= output.max_token_ratio:
        return []
    return [f"tokens x{output.token_ratio:.2f} of the baseline are over the cap x{output.max_token_ratio:.2f}"]


# Article VII: human review
@check("review.low_scores_wait_for_review")
def low_scores_wait_for_review(output: ReviewOutput) -> list[str]:
    needs_review = not output.done or output.score < output.threshold
    if needs_review and output.review_id is None:
        return [f"a {output.role} output scoring {output.score} (threshold {output.threshold}) left without review"]
    return []
