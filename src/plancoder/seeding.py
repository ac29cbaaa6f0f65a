"""Seed bugs into correct code whose tests pass; keep only the mutants the tests catch.

Deterministic for a given seed: candidate mutations are ordered by a seeded shuffle that
round-robins over the operators, so every file gets a mix of bug kinds.
"""

import difflib
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from plancoder.errors import PlancoderError, last_line
from plancoder.mutations import Mutation, apply, find_mutations
from plancoder.sandbox import Limits, TestRun, is_test_path, run_tests

TRIES_PER_BUG = 5
"""Candidate mutants tried per wanted bug before a file is given up (equivalent mutants survive)."""
SEED_LIMITS = Limits(wall_s=20.0, cpu_s=20)


@dataclass(frozen=True)
class SeededBug:
    """A bug the tests catch, with everything needed to reproduce and judge a fix."""

    id: str
    file: str
    operator: str
    lineno: int
    original_line: str
    mutated_line: str
    description: str
    test_cmd: str
    buggy_source: str
    patch: str
    failing_output: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def ordered_candidates(mutations: list[Mutation], seed: str) -> list[Mutation]:
    """A seeded shuffle of the mutations, interleaving operators round-robin."""
    rng = random.Random(seed)
    by_operator: dict[str, list[Mutation]] = defaultdict(list)
    for mutation in mutations:
        by_operator[mutation.operator].append(mutation)
    queues = [by_operator[name] for name in sorted(by_operator)]
    for queue in queues:
        rng.shuffle(queue)
    rng.shuffle(queues)
    return [m for round_ in _zip_longest(queues) for m in round_]


def _zip_longest(queues: list[list[Mutation]]) -> Iterator[list[Mutation]]:
    for index in range(max((len(q) for q in queues), default=0)):
        yield [q[index] for q in queues if index < len(q)]


def _bug(relpath: str, source: str, mutation: Mutation, mutant: str, test_cmd: str, run: TestRun) -> SeededBug:
    original = source.splitlines()[mutation.lineno - 1].strip()
    mutated = "" if not mutation.replacement else mutant.splitlines()[mutation.lineno - 1].strip()
    patch = "".join(difflib.unified_diff(source.splitlines(True), mutant.splitlines(True), relpath, relpath))
    bug_id = f"{Path(relpath).stem}-{mutation.operator}-L{mutation.lineno}"
    return SeededBug(
        bug_id,
        relpath,
        mutation.operator,
        mutation.lineno,
        original,
        mutated,
        mutation.description,
        test_cmd,
        mutant,
        patch,
        run.output[-4000:],
    )


def seed_file(
    project: Path,
    relpath: str,
    test_cmd: str,
    per_file: int,
    seed: int,
    progress: Callable[[str], None] = lambda _: None,
) -> list[SeededBug]:
    """Up to ``per_file`` caught bugs for one file of ``project``."""
    source = (project / relpath).read_text()
    kept: list[SeededBug] = []
    for tried, mutation in enumerate(ordered_candidates(_mutations(relpath, source), f"{seed}:{relpath}")):
        if len(kept) >= per_file or tried >= per_file * TRIES_PER_BUG:
            break
        if any(b.operator == mutation.operator and b.lineno == mutation.lineno for b in kept):
            continue
        mutant = apply(source, mutation)
        run = run_tests(project, test_cmd, changes={relpath: mutant}, limits=SEED_LIMITS)
        caught = not run.passed and not run.timed_out and not run.violations
        progress(f"{relpath}:{mutation.lineno} {mutation.operator} {'caught' if caught else 'survived'}")
        if caught:
            kept.append(_bug(relpath, source, mutation, mutant, test_cmd, run))
    return kept


def _mutations(relpath: str, source: str) -> list[Mutation]:
    try:
        return find_mutations(source)
    except SyntaxError as error:
        raise PlancoderError(f"{relpath} is not valid Python: {error.msg} (line {error.lineno})", "fix it") from None


def source_files(project: Path, src: Path) -> list[str]:
    """The non-test Python files under ``src``, relative to ``project``, sorted; a clear error when there
    are none, or ``src`` lies outside the project."""
    inside = project.resolve()
    root = (src if src.is_absolute() else project / src).resolve()
    if not root.is_relative_to(inside):
        raise PlancoderError(f"{src} is outside the project {project}", "give a file or directory inside --project")
    found = [root] if root.is_file() else sorted(root.rglob("*.py"))
    files = [str(p.relative_to(inside)) for p in found if p.suffix == ".py"]
    files = [f for f in files if not is_test_path(f) and "/." not in f]
    if not files:
        raise PlancoderError(f"{src} holds no Python source file (tests are never seeded)", "give the code to seed")
    return files


def check_baseline(project: Path, test_cmd: str) -> None:
    """Seeding needs code whose tests pass."""
    run = run_tests(project, test_cmd, limits=SEED_LIMITS)
    if not run.passed:
        raise PlancoderError(
            f"the tests do not pass on the unmodified code (exit {run.returncode}): {last_line(run.output)}",
            "seed bugs only into code whose tests pass; check --test-cmd",
        )


def seed_bugs(
    project: Path,
    src: Path,
    test_cmd: str,
    per_file: int = 3,
    seed: int = 0,
    progress: Callable[[str], None] = lambda _: None,
) -> list[SeededBug]:
    """Caught bugs for every source file under ``src``."""
    files = source_files(project, src)  # before the baseline's test run
    check_baseline(project, test_cmd)
    bugs: list[SeededBug] = []
    for relpath in files:
        bugs.extend(seed_file(project, relpath, test_cmd, per_file, seed, progress))
    return bugs
