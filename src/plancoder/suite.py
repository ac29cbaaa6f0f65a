"""The built-in seeded-bug suite: bugs seeded into the corpus, split by source module.

``benchmarks/corpus/<module>/`` holds a small correct module and its tests; the versioned suite
``benchmarks/seeded_bugs.json`` is made from it by ``build_suite`` (``python scripts/build_suite.py``)
and committed, so every evaluation sees the same bugs.
"""

import json
import random
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from plancoder.atomic import write_text_atomic
from plancoder.datasets import SPLITS, in_split, read_entries
from plancoder.errors import PlancoderError
from plancoder.seeding import seed_file

SUITE_VERSION = 1
SPLIT_SHARES = (0.5, 0.25, 0.25)
TEST_CMD = "python -m pytest -q -p no:cacheprovider test_{module}.py"


def benchmarks_dir() -> Path:
    return Path(str(resources.files("plancoder") / "benchmarks"))


def corpus_modules(corpus: Path | None = None) -> list[str]:
    root = corpus or benchmarks_dir() / "corpus"
    return sorted(p.name for p in root.iterdir() if (p / f"{p.name}.py").is_file())


def split_modules(modules: list[str], seed: int) -> dict[str, list[str]]:
    """Deterministic split by module (no module in two splits)."""
    shuffled = sorted(modules)
    random.Random(f"split:{seed}").shuffle(shuffled)
    train_end = round(len(shuffled) * SPLIT_SHARES[0])
    validation_end = train_end + round(len(shuffled) * SPLIT_SHARES[1])
    parts = (shuffled[:train_end], shuffled[train_end:validation_end], shuffled[validation_end:])
    return {name: sorted(part) for name, part in zip(SPLITS, parts, strict=True)}


def build_suite(per_file: int, seed: int, progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Seed bugs into every corpus module and assign each module to a split."""
    corpus = benchmarks_dir() / "corpus"
    splits = split_modules(corpus_modules(corpus), seed)
    split_of = {module: split for split, modules in splits.items() for module in modules}
    bugs = []
    for module in corpus_modules(corpus):
        seeded = seed_file(corpus / module, f"{module}.py", TEST_CMD.format(module=module), per_file, seed, progress)
        bugs += [{**bug.as_dict(), "module": module, "split": split_of[module]} for bug in seeded]
    return {"version": SUITE_VERSION, "seed": seed, "per_file": per_file, "splits": splits, "bugs": bugs}


def suite_path() -> Path:
    return benchmarks_dir() / "seeded_bugs.json"


def write_suite(suite: dict[str, Any], path: Path | None = None) -> Path:
    target = path or suite_path()
    write_text_atomic(target, json.dumps(suite, indent=1) + "\n")
    return target


BUG_KEYS = ("id", "file", "test_cmd", "buggy_source", "patch", "project|module")


def load_bugs(path: Path | None = None, split: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Bugs of a suite file (the built-in one by default), optionally one split and the first ``limit``."""
    source = path or suite_path()
    bugs = read_entries(source, "bugs", "bug suite", "pass a file written by seed-bugs", BUG_KEYS)
    for bug in bugs:
        _check_bug(bug, source)
    chosen = in_split(bugs, split, limit)
    if not chosen:
        raise PlancoderError(f"the suite {source} has no bugs{' in split ' + split if split else ''}", "seed some")
    return chosen


def _check_bug(bug: dict[str, Any], source: Path) -> None:
    """A bug's text fields are strings, its ``module`` a corpus folder, its ``file`` a path inside the project:
    a suite file never makes plancoder copy or write anything outside a bug's temporary project."""
    where = f"bug {bug['id']!r} of {source}"
    for key in ("id", "file", "test_cmd", "buggy_source", "project", "module"):
        if key in bug and not isinstance(bug[key], str):
            raise PlancoderError(f"{where}: {key} is not a string", "give it as a JSON string")
    if "module" in bug and not bug["module"].isidentifier():
        raise PlancoderError(f"{where}: module {bug['module']!r} is not a corpus folder name", "e.g. binary_search")
    file = PurePosixPath(bug["file"])
    if file.is_absolute() or ".." in file.parts or file.suffix != ".py":
        raise PlancoderError(f"{where}: file {bug['file']!r} is not a .py path inside the project", "e.g. calc.py")


DEMO_BUG = "two_pointers-comparison_swap-L9"
"""The bug ``plancoder demo`` fixes by default (one the embedded Coder fixed in the baseline)."""


def find_bug(bug_id: str, path: Path | None = None) -> dict[str, Any]:
    """One bug of the suite by id."""
    bugs = {bug["id"]: bug for bug in load_bugs(path)}
    if bug_id not in bugs:
        raise PlancoderError(f"no seeded bug '{bug_id}'", f"use an id from the suite, e.g. {next(iter(bugs))}")
    return bugs[bug_id]


@contextmanager
def materialized(bug: dict[str, Any], corpus: Path | None = None) -> Iterator[Path]:
    """A temporary copy of the bug's project (a corpus module, or a user's project) with the bug in it."""
    source = Path(bug["project"]) if "project" in bug else (corpus or benchmarks_dir() / "corpus") / bug["module"]
    with tempfile.TemporaryDirectory(prefix="plancoder-bug-") as tmp:
        project = Path(tmp) / source.name
        shutil.copytree(source, project, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", ".git", ".venv"))
        (project / bug["file"]).write_text(bug["buggy_source"])
        yield project
