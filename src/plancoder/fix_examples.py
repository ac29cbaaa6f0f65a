"""Hand-written worked examples for the Coder: a training bug, what its demo shows, and the fix.

A demo is added to every call of the predictor it sits on, and the token cap is +25 %: a whole buggy file
and the whole failing output (about 1,500 tokens) would break it by themselves. So an example shows an
excerpt of the file (the functions that matter) and of the test output (one failure and the summary), then the
reasoning and the fixed function. On load each example must name a training bug, and its fix must apply to
that bug's file and change it; ``tests/test_fix_examples.py`` runs the bug's tests on every fix.
"""

import functools
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plancoder.config import describe_error
from plancoder.datasets import read_entries
from plancoder.edits import EditError, replace_function, same_code, target_function
from plancoder.errors import PlancoderError
from plancoder.suite import benchmarks_dir, load_bugs

FIX = "pass a valid fix_examples.json: an 'examples' list of objects with the fields of FixExample"


class FixExample(BaseModel):
    """One worked example: ``id`` is the training bug it is made from."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    code: str = Field(min_length=1)
    test_output: str = Field(min_length=1)
    reasoning: str = Field(min_length=1)
    function_name: str = Field(min_length=1)
    fixed_function: str = Field(min_length=1)

    def demo(self, bug: dict[str, Any]) -> dict[str, str]:
        """The example as the Coder's fix call sees a first attempt (no task, no feedback)."""
        return {"task": "", "file_path": bug["file"], "feedback": ""} | self.model_dump(exclude={"id"})


def examples_path() -> Path:
    return benchmarks_dir() / "fix_examples.json"


def load_fix_examples(path: Path | None = None, bugs: list[dict[str, Any]] | None = None) -> dict[str, FixExample]:
    """The examples of ``path`` (the packaged file by default) by bug id, checked against ``bugs`` (the
    suite's training split by default)."""
    source = path or examples_path()
    known = {bug["id"]: bug for bug in (load_bugs(None, "train") if bugs is None else bugs)}
    examples = [_checked(entry, source) for entry in read_entries(source, "examples", "fix examples", FIX, ("id",))]
    for example in examples:
        _check_fix(example, known, source)
    return {example.id: example for example in examples}


def _checked(entry: dict[str, Any], source: Path) -> FixExample:
    try:
        return FixExample.model_validate(entry)
    except ValidationError as error:
        raise PlancoderError(f"fix example {entry.get('id')!r} of {source}: {describe_error(error)}", FIX) from None


def _check_fix(example: FixExample, bugs: dict[str, dict[str, Any]], source: Path) -> None:
    """The example's bug is a training bug, and its fix applies to that bug's file and changes it."""
    where = f"fix example {example.id!r} of {source}"
    if example.id not in bugs:
        raise PlancoderError(f"{where}: no such bug in the training split", "name a training bug of the suite")
    buggy = bugs[example.id]["buggy_source"]
    try:
        target = target_function(buggy, example.function_name, example.fixed_function)
        fixed = replace_function(buggy, example.function_name, example.fixed_function)
    except EditError as error:
        raise PlancoderError(f"{where}: its fix does not apply: {error}", FIX) from None
    if target != example.function_name:  # the Coder forgives a wrong name; an example must not teach one
        raise PlancoderError(f"{where}: function_name is not {target!r}, the function it fixes", FIX)
    if same_code(buggy, fixed):
        raise PlancoderError(f"{where}: its fix leaves the buggy file as it is", "fix the bug in fixed_function")


@functools.cache
def packaged_examples() -> dict[str, FixExample]:
    return load_fix_examples()


def coder_demo(bug: dict[str, Any]) -> dict[str, str] | None:
    """A training bug's worked example for the Coder's fix call; None for a bug without one."""
    example = packaged_examples().get(bug["id"])
    return example.demo(bug) if example else None
