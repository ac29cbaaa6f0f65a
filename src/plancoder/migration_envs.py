"""One isolated virtual environment per DSPy version, under the data directory.

``<data dir>/migration/envs/dspy-<version>`` holds a venv with that DSPy version, the packages the
program needs (plancoder's own runtime requirements, the same llama-cpp-python as here) and a copy
of the program's source on its path. An environment is reused while its recorded requirements are
unchanged and rebuilt on demand; the environment plancoder runs in is never touched. ``current``
names that environment itself, for a quick comparison without an install.
"""

import contextlib
import json
import re
import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from plancoder.atomic import write_text_atomic
from plancoder.errors import PlancoderError

CURRENT = "current"
LATEST = "latest"
MARKER = "plancoder-env.json"
VERSION = re.compile(r"^\d+\.\d+(\.\d+)?([ab]|rc)?\d*$")
EXTRA_PACKAGES = ("pytest",)  # the Coder's suite runs its tests with this environment's Python
INSTALL_TIMEOUT_S = 1200


class EnvError(PlancoderError):
    """A DSPy version's environment cannot be made (bad version, no registry, pip failed)."""


@dataclass(frozen=True)
class TargetEnv:
    """Where one DSPy version runs: its Python and the directory of the program's copied source."""

    version: str
    python: Path
    program_dir: Path | None


def parse_versions(text: str) -> list[str]:
    """``2.6.27,3.0.1,latest`` -> the versions in order; duplicates and malformed entries are errors."""
    versions = [part.strip() for part in text.split(",") if part.strip()]
    if not versions:
        raise EnvError("no DSPy versions given", "pass e.g. --versions 2.6.27,3.0.1,latest")
    for version in versions:
        if version not in (CURRENT, LATEST) and not VERSION.match(version):
            raise EnvError(f"'{version}' is not a DSPy version", "use numbers such as 2.6.27, or latest, or current")
    if len(set(versions)) != len(versions):
        raise EnvError(f"a version is listed twice in '{text}'", "list each version once")
    return versions


def dspy_requirement(version: str) -> str:
    return "dspy" if version == LATEST else f"dspy=={version}"


def requirements(version: str) -> list[str]:
    """What the environment installs: the DSPy version, plancoder's other runtime needs, the local model's engine."""
    needs = [dspy_requirement(version)]
    for requirement in metadata.requires("plancoder") or []:
        name = re.split(r"[ <>=!~;\[]", requirement, maxsplit=1)[0]
        if "extra ==" not in requirement and name.lower() != "dspy":
            needs.append(requirement)
    with contextlib.suppress(metadata.PackageNotFoundError):  # without it, the program runs on an API model
        needs.append(f"llama-cpp-python=={metadata.version('llama-cpp-python')}")
    return [*needs, *EXTRA_PACKAGES]


def env_python(root: Path) -> Path:
    return root / "bin" / "python"


def recorded(root: Path) -> dict:
    try:
        return json.loads((root / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def pip_install(python: Path, packages: list[str]) -> None:
    """Install into the environment; a failure says which version and why, in pip's last lines."""
    command = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *packages]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise EnvError(f"installing {packages[0]} took over {INSTALL_TIMEOUT_S} s", "check the registry") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip() and not line.startswith("WARNING")]
        raise EnvError(
            f"cannot install {packages[0]}: {' '.join(lines[-3:]) or 'pip exited ' + str(done.returncode)}",
            "check that the version exists on your package index and that the index is reachable",
        )


def build(root: Path, needs: list[str]) -> None:
    """A fresh venv with ``needs``; the marker is written last, so a half-built one is rebuilt next time."""
    shutil.rmtree(root, ignore_errors=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(root)
    try:
        pip_install(env_python(root), needs)
    except EnvError:
        shutil.rmtree(root, ignore_errors=True)  # no half-built environment stays behind
        raise
    installed = subprocess.run(
        [str(env_python(root)), "-c", "import dspy; print(dspy.__version__)"], capture_output=True, text=True
    )
    write_text_atomic(root / MARKER, json.dumps({"requirements": needs, "dspy": installed.stdout.strip()}))


def copy_program(root: Path, packages: list[Path]) -> Path:
    """The program's packages copied fresh into the environment (its path points there)."""
    target = root / "program"
    shutil.rmtree(target, ignore_errors=True)
    for package in packages:
        shutil.copytree(package, target / package.name, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def ensure_env(
    base: Path, version: str, packages: list[Path], rebuild: bool = False, extra: tuple[str, ...] = ()
) -> TargetEnv:
    """The environment for ``version`` (plus the program's ``extra`` requirements), built when missing,
    changed or asked for; ``current`` is this one."""
    if version == CURRENT:
        return TargetEnv(version, Path(sys.executable), None)
    root = base / f"dspy-{version}"
    needs = [*requirements(version), *extra]
    if rebuild or recorded(root).get("requirements") != needs or not env_python(root).exists():
        build(root, needs)
    return TargetEnv(version, env_python(root), copy_program(root, packages))
