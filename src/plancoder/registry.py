"""Program versions per role: baseline, candidates and production, as DSPy JSON state (never pickles).

A role's directory holds ``versions/<id>.json`` (the module's ``dump_state()`` with metadata: scores,
ratios, budget verdict, DSPy version, model specs, data hashes, time) and ``aliases.json`` (which
version is production, and every promotion and rollback: who, when, from what to what). Every write
goes to a temp file first and is renamed into place, so a crash never leaves half a version.
Loading refuses a state saved by another DSPy minor version with a message that says what to do.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import dspy

from plancoder.atomic import exclusive, write_text_atomic
from plancoder.errors import PlancoderError

BASELINE = "baseline"
VERSION_ID = re.compile(r"^(baseline|v\d+)$")


class RegistryError(PlancoderError):
    """A program version is missing, malformed or was saved by another DSPy version."""


def dspy_minor(version: str) -> str:
    """``3.0.1`` -> ``3.0``: states are portable within a minor version."""
    return ".".join(version.split(".")[:2])


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def as_saved(value: Any) -> Any:
    """``value`` as it reads back from a version file (tuples become lists, other objects strings)."""
    return json.loads(json.dumps(value, default=_jsonable))


def _jsonable(value: Any) -> Any:
    """A demo (``dspy.Example``, which DSPy's ``dump_state`` leaves as it is) as its fields; else a string."""
    return value.toDict() if isinstance(value, dspy.Example) else str(value)


def state_digest(state: dict[str, Any]) -> str:
    """A short content hash of a program state: which baseline a candidate was made from."""
    return hashlib.sha256(json.dumps(as_saved(state), sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Version:
    """One saved program: its id, metadata and DSPy state."""

    id: str
    metadata: dict[str, Any]
    state: dict[str, Any]

    def instructions(self) -> dict[str, str]:
        """Per predictor, the instructions of its signature."""
        return {name: entry["signature"]["instructions"] for name, entry in self.state.items() if "signature" in entry}

    def demos(self) -> dict[str, int]:
        """Per predictor with worked examples (``optimizer.demos``), how many it carries."""
        return {name: len(entry["demos"]) for name, entry in self.state.items() if entry.get("demos")}


class Registry:
    """The versions of one role under ``root/<role>``."""

    def __init__(self, root: Path, role: str) -> None:
        self.role, self.dir = role, root / role

    def path(self, version: str) -> Path:
        if not VERSION_ID.match(version):
            raise RegistryError(f"'{version}' is not a version id", "use baseline or v1, v2, ...")
        return self.dir / "versions" / f"{version}.json"

    def ids(self) -> list[str]:
        """Saved version ids, baseline first, then in the order they were made."""
        found = [p.stem for p in (self.dir / "versions").glob("*.json") if VERSION_ID.match(p.stem)]
        return sorted(found, key=lambda v: -1 if v == BASELINE else int(v[1:]))

    def save(self, program: dspy.Module, metadata_: dict[str, Any], version: str | None = None) -> Version:
        """Save ``program``'s state as ``version`` (the next ``vN`` when omitted)."""
        meta = {"role": self.role, "created": now(), "dspy_version": metadata.version("dspy"), **metadata_}
        with exclusive(self.dir / "versions"):  # two runs that finish together get two numbers
            version = version or f"v{1 + max([int(v[1:]) for v in self.ids() if v != BASELINE], default=0)}"
            saved = Version(version, meta, program.dump_state())
            write_text_atomic(self.path(version), json.dumps(saved.__dict__, indent=1, default=_jsonable) + "\n")
        return saved

    def save_once(self, program: dspy.Module, metadata_: dict[str, Any]) -> Version:
        """``save``, unless a version with this state and metadata exists: a run resumed after saving it
        but before journaling the save must not make a second copy."""
        state, wanted = as_saved(program.dump_state()), as_saved(metadata_)
        for version in self.ids():
            saved = self.get(version)
            if saved.state == state and wanted.items() <= saved.metadata.items():
                return saved
        return self.save(program, metadata_)

    def save_baseline(self, program: dspy.Module, metadata_: dict[str, Any]) -> bool:
        """Save the baseline when there is none or it changed (new defaults, model or structure); the one
        it replaces is kept as ``replaced/baseline-<digest>.json``, the digest its candidates name."""
        if BASELINE in self.ids():
            old = self.get(BASELINE)
            if old.state == as_saved(program.dump_state()):
                return False
            replaces = state_digest(old.state)
            write_text_atomic(self.dir / "replaced" / f"baseline-{replaces}.json", self.path(BASELINE).read_text())
            metadata_ = {**metadata_, "replaces": replaces}
        self.save(program, metadata_, BASELINE)
        return True

    def get(self, version: str) -> Version:
        path = self.path(version)
        try:
            data = json.loads(path.read_text())
            saved = Version(data["id"], data["metadata"], data["state"])
        except FileNotFoundError:
            known = ", ".join(self.ids()) or "none yet"
            raise RegistryError(
                f"{self.role} has no version '{version}' (saved: {known})", "see plancoder programs list"
            ) from None
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise RegistryError(f"{path} is not a program version: {error}", "restore it or delete it") from None
        if not isinstance(saved.metadata, dict) or not isinstance(saved.state, dict):
            raise RegistryError(f"{path} is not a program version: metadata and state must be objects", "restore it")
        return saved

    def load_into(self, program: dspy.Module, version: str) -> dspy.Module:
        """Load a saved state into a freshly built ``program``; refuse another DSPy minor version's state."""
        saved = self.get(version)
        saved_with, running = saved.metadata.get("dspy_version", "?"), metadata.version("dspy")
        if dspy_minor(saved_with) != dspy_minor(running):
            raise RegistryError(
                f"{self.role} {version} was saved with DSPy {saved_with}; this is DSPy {running}",
                f"re-run `plancoder optimize --role {self.role}` here, or run DSPy {dspy_minor(saved_with)}.x",
            )
        try:
            program.load_state(saved.state)
        except (KeyError, ValueError, TypeError, AttributeError) as error:  # the program changed since it was saved
            raise RegistryError(
                f"{self.role} {version} does not fit the {self.role} program as it is now ({type(error).__name__}: "
                f"{error})",
                f"re-run `plancoder optimize --role {self.role}`, or use another version (plancoder programs list)",
            ) from None
        return program

    # aliases: production, the versions it replaced (a stack) and the history of changes
    def aliases(self) -> dict[str, Any]:
        path = self.aliases_path
        if not path.exists():
            return {"production": BASELINE, "previous": [], "history": []}
        try:
            aliases = json.loads(path.read_text())
        except ValueError as error:
            raise RegistryError(f"{path} is not valid JSON: {error}", "restore it from the history") from None
        if not _well_formed(aliases):
            raise RegistryError(
                f"{path} is not an aliases file (production: a version id, previous: a list of them, history: a list)",
                "restore it from the history, or delete it to serve the baseline",
            )
        return aliases

    @property
    def aliases_path(self) -> Path:
        return self.dir / "aliases.json"

    @property
    def production(self) -> str:
        return self.aliases()["production"]

    def promote(self, version: str, by: str, reason: str = "") -> dict[str, Any]:
        """Make ``version`` production; idempotent: promoting the production version changes nothing.

        The baseline needs no saved file: it is what the code builds, and what serves as production when
        no other version does (so ``promote ROLE baseline`` is accepted as ``programs show`` accepts it)."""
        if version != BASELINE:
            self.get(version)  # it must exist
        if (aliases := self.aliases())["production"] == version:
            return aliases  # nothing to change, so no lock file is made
        with exclusive(self.aliases_path):
            aliases = self.aliases()
            if aliases["production"] == version:
                return aliases
            stack = [*aliases["previous"], aliases["production"]]
            return self._set_production(aliases, version, stack, by, reason or "promote")

    def rollback(self, by: str, reason: str = "") -> dict[str, Any]:
        """Production goes back to the version it replaced (the baseline when there is none)."""
        self._rollback_target(self.aliases())  # refused before the lock: no lock file is left behind
        with exclusive(self.aliases_path):
            aliases = self.aliases()
            target, stack = self._rollback_target(aliases)
            return self._set_production(aliases, target, stack, by, reason or "rollback")

    def _rollback_target(self, aliases: dict[str, Any]) -> tuple[str, list[str]]:
        """The version a rollback goes back to and the stack left after it; an error when it is production."""
        stack = list(aliases["previous"])
        target = stack.pop() if stack else BASELINE
        if target == aliases["production"]:
            raise RegistryError(
                f"{self.role} production is already {target}: there is nothing to roll back",
                f"to serve another version, promote it: plancoder programs promote {self.role} VERSION",
            )
        return target, stack

    def _set_production(
        self, aliases: dict[str, Any], version: str, stack: list[str], by: str, reason: str
    ) -> dict[str, Any]:
        entry = {"from": aliases["production"], "to": version, "by": by, "at": now(), "reason": reason}
        updated = {"production": version, "previous": stack, "history": [*aliases["history"], entry]}
        write_text_atomic(self.aliases_path, json.dumps(updated, indent=1) + "\n")
        return updated


def _well_formed(aliases: Any) -> bool:
    """production a version id, previous a list of them, history a list."""
    if not isinstance(aliases, dict):
        return False
    previous, history = aliases.get("previous"), aliases.get("history")
    if not isinstance(previous, list) or not isinstance(history, list):
        return False
    return all(isinstance(v, str) and VERSION_ID.match(v) for v in [aliases.get("production"), *previous])
