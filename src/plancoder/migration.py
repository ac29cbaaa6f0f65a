"""``plancoder migrate-check``: the same program under several DSPy versions, side by side.

For each version: make (or reuse) its environment, run ``plancoder.migration_probe`` there in a
subprocess with a timeout, and collect what it saw. A version that cannot be installed or probed is
reported with its reason and the others are still compared (``migration_report`` does that).
"""

import ast
import importlib.util
import json
import os
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import plancoder
from plancoder.errors import PlancoderError
from plancoder.migration_envs import CURRENT, EnvError, TargetEnv, ensure_env

DEFAULT_PROGRAM = "plancoder.migration_roles:programs"
DEFAULT_SUITE = "plancoder.migration_roles:suite"
PROBE = "plancoder.migration_probe"


@dataclass
class Check:
    """One migration check: what to run, where, and with which settings."""

    program: str
    suite: str | None
    versions: list[str]
    states: dict[str, list[str]] = field(default_factory=dict)
    limit: int = 2
    timeout_s: float = 3600
    rebuild: bool = False
    envs_dir: Path = Path("envs")
    config: Path | None = None
    extra: tuple[str, ...] = ()


def check_reference(reference: str, what: str) -> str:
    """``module:attr`` with an importable-looking module; anything else is a clear error."""
    module, sep, attr = reference.partition(":")
    if not sep or not module or not attr or not all(part.isidentifier() for part in module.split(".")):
        raise PlancoderError(f"{what} '{reference}' is not MODULE:ATTR", "write e.g. mypkg.programs:qa_program")
    return reference


def source_files(module: str) -> list[Path]:
    """The files of the program's top-level package (or its single module), found without importing it."""
    top = module.split(".")[0]
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return []
    origin = Path(spec.origin)
    return sorted(origin.parent.rglob("*.py")) if spec.submodule_search_locations else [origin]


class _DspyNames(ast.NodeVisitor):
    """Dotted names used through ``import dspy`` (any alias) and ``from dspy... import``."""

    def __init__(self) -> None:
        self.aliases, self.names = {"dspy"}, set()

    def visit_Import(self, node: ast.Import) -> None:
        self.aliases |= {a.asname or a.name for a in node.names if a.name == "dspy"}
        self.names |= {a.name for a in node.names if a.name.startswith("dspy.")}

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and node.module.split(".")[0] == "dspy" and not node.level:
            self.names |= {f"{node.module}.{a.name}" for a in node.names if a.name != "*"}

    def visit_Attribute(self, node: ast.Attribute) -> None:
        chain = dotted(node)
        if chain and chain.split(".")[0] in self.aliases:
            self.names.add("dspy." + chain.split(".", 1)[1])
        else:
            self.generic_visit(node)


def dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def dspy_names(files: list[Path]) -> list[str]:
    """Every ``dspy`` name the program's source uses: each version's probe checks that it still exists."""
    visitor = _DspyNames()
    for path in files:
        try:
            visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        except (OSError, SyntaxError, UnicodeDecodeError):
            continue  # the probe's import reports a file that does not parse
    return sorted(visitor.names)


def saved_states(roots: list[Path], roles: tuple[str, ...] = ("planner", "coder")) -> dict[str, list[str]]:
    """Per role, every saved version under the given registry roots (the repository's ``programs/`` first)."""
    found: dict[str, list[str]] = {}
    for role in roles:
        paths = {path.resolve() for root in roots for path in (root / role / "versions").glob("*.json")}
        if paths:
            found[role] = [str(path) for path in sorted(paths)]
    return found


def probe_env(target: TargetEnv, config: Path | None = None) -> dict[str, str]:
    """The probe's environment: the program's copy first, the working directory for the user's modules."""
    paths = [str(target.program_dir)] if target.program_dir else []
    env = dict(os.environ, PLANCODER_TRACKING="off", LITELLM_LOCAL_MODEL_COST_MAP="True")
    if config is not None:
        env["PLANCODER_CONFIG"] = str(config.resolve())
    env["PYTHONPATH"] = os.pathsep.join([*paths, os.getcwd(), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def last_lines(text: str, count: int = 3) -> str:
    return " ".join(line.strip() for line in text.strip().splitlines()[-count:])


def run_probe(target: TargetEnv, request: dict[str, Any], timeout_s: float, config: Path | None) -> dict[str, Any]:
    """The probe's result in ``target``; a crash or a timeout is an ``error`` with its reason."""
    with tempfile.TemporaryDirectory(prefix="plancoder-migrate-") as tmp:
        request_path, result_path = Path(tmp) / "request.json", Path(tmp) / "result.json"
        request_path.write_text(json.dumps(request), encoding="utf-8")
        command = [str(target.python), "-m", PROBE, str(request_path), str(result_path)]
        try:
            done = subprocess.run(
                command, env=probe_env(target, config), capture_output=True, text=True, timeout=timeout_s
            )
        except subprocess.TimeoutExpired:
            return {
                "error": f"the probe ran over {timeout_s:g} s",
                "fix": "raise [migration] timeout_s or --limit less",
            }
        if done.returncode != 0 or not result_path.exists():
            return {"error": f"the probe failed: {last_lines(done.stderr) or 'exit ' + str(done.returncode)}"}
        return json.loads(result_path.read_text(encoding="utf-8"))


def request_for(check: Check) -> dict[str, Any]:
    files = source_files(check.program.partition(":")[0])
    return {
        "program": check.program,
        "suite": check.suite,
        "states": check.states,
        "limit": check.limit,
        "symbols": dspy_names(files),
    }


def program_names(check: Check) -> list[str] | None:
    """The checked programs' names as this environment's DSPy builds them (no environment is made), or
    None when it cannot: the program may import only under an older version, whose probe then reports
    a state for a name it does not have."""
    request = {"program": check.program, "suite": None, "states": {}, "limit": 0, "symbols": []}
    found = run_probe(ensure_env(check.envs_dir, CURRENT, []), request, check.timeout_s, check.config)
    return None if found.get("error") or found.get("import_error") else sorted(found["prompts"])


def check_state_names(check: Check) -> None:
    """Refuse a ``--state`` for a program the check does not have, before any environment is built."""
    names = program_names(check)
    unknown = sorted(set(check.states) - set(names)) if names is not None else []
    if unknown:
        raise PlancoderError(
            f"--state {', '.join(unknown)}: {check.program} has no program of that name",
            f"name one of its programs: {', '.join(names)}",
        )


def probe_version(check: Check, version: str, request: dict[str, Any]) -> dict[str, Any]:
    """One version's findings, or why it could not be checked."""
    packages = [Path(plancoder.__file__).parent]
    try:
        target = ensure_env(check.envs_dir, version, packages, check.rebuild, check.extra)
    except EnvError as error:
        return {"version": version, "error": error.problem, "fix": error.fix}
    return {"version": version, **run_probe(target, request, check.timeout_s, check.config)}


def run_check(check: Check, progress: Callable[[str], None] = lambda _: None) -> list[dict[str, Any]]:
    """Every version probed in turn (one at a time: they share the CPU and the model)."""
    request = request_for(check)
    results = []
    for version in check.versions:
        progress(f"DSPy {version}: preparing its environment and probing")
        results.append(probe_version(check, version, request))
        progress(f"DSPy {version}: {results[-1].get('error') or 'done'}")
    return results
