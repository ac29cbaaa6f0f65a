"""Feature flags ``OPTIMIZE_PLANNER`` and ``OPTIMIZE_CODER``: OpenFeature with flagd's in-process file provider.

The flags live in a flagd flag file (``flags.json``, in the data directory unless ``[flags] path``
names one). A rollout of N % is flagd's ``fractional`` targeting on the request key: the key's hash
bucket decides, so a key that gets the optimized program at 25 % keeps it at 50 % (sticky). State
``DISABLED`` is the kill switch: every request gets the baseline. Every change is written
atomically and appended to an audit log (who, when, old -> new, why).
"""

import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from plancoder.atomic import exclusive, write_text_atomic
from plancoder.errors import ConfigError, PlancoderError, shorten

log = logging.getLogger(__name__)
FLAG_OF = {"planner": "OPTIMIZE_PLANNER", "coder": "OPTIMIZE_CODER"}
ON, OFF = "on", "off"
STATES = ("ENABLED", "DISABLED")
REWRITE_FLAG = "set it again with plancoder rollout, or delete the file"


class FlagError(PlancoderError):
    """The flag file is malformed or a rollout request is invalid."""


def flag_name(role: str) -> str:
    if role not in FLAG_OF:
        raise FlagError(f"there is no optimization flag for role '{role}'", "use planner or coder")
    return FLAG_OF[role]


def definition(percent: int) -> dict[str, Any]:
    """The flagd definition of a rollout to ``percent`` % of request keys (0 = nobody, 100 = everybody)."""
    flag: dict[str, Any] = {"state": "ENABLED", "variants": {ON: True, OFF: False}}
    if percent >= 100:
        return {**flag, "defaultVariant": ON}
    if percent <= 0:
        return {**flag, "defaultVariant": OFF}
    bucket_key = {"cat": [{"var": "$flagd.flagKey"}, {"var": "targetingKey"}]}
    return {
        **flag,
        "defaultVariant": OFF,
        "targeting": {"fractional": [bucket_key, [ON, percent], [OFF, 100 - percent]]},
    }


def percent_of(flag: dict[str, Any]) -> int:
    """The share of request keys a flag definition serves the optimized program (0 when disabled)."""
    if flag.get("state") != "ENABLED":
        return 0
    fractional = (flag.get("targeting") or {}).get("fractional")
    if fractional:
        weights = {variant: _weight(weight) for variant, weight in fractional[1:]}
        return round(100 * weights.get(ON, 0) / sum(weights.values())) if sum(weights.values()) else 0
    return 100 if flag.get("defaultVariant") == ON else 0


def _weight(value: Any) -> int:
    """flagd's weights are relative whole numbers (``[ON, 1], [OFF, 3]`` is 25 %)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"a rollout weight must be a whole number >= 0, got {value!r}")
    return value


MAX_BY_CHARS = 100
"""A name in the audit logs (flags, versions, reviews): one printable line."""


def who(by: str | None = None) -> str:
    """Who makes a change: ``by`` when given (--by), else the user running the command."""
    if by is not None and not by.strip():
        raise FlagError("--by is empty", "name who makes the change, e.g. --by ann, or leave --by out")
    if by is not None and (not by.isprintable() or len(by) > MAX_BY_CHARS):
        raise FlagError(
            f"--by {shorten(repr(by))} is not a name", f"give a name on one line of at most {MAX_BY_CHARS} characters"
        )
    return by or os.environ.get("USER") or os.environ.get("LOGNAME") or "unknown"


class FlagFile:
    """The flag file and its audit log; every change is atomic and audited."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.audit_path = path.with_name(path.stem + "_audit.jsonl")

    def ensure(self) -> Path:
        """Create the file from the packaged default (both flags off) when it does not exist."""
        if not self.path.exists():
            write_text_atomic(self.path, resources.files("plancoder").joinpath("flags.json").read_text())
        return self.path

    def read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.ensure().read_text())
        except (OSError, ValueError) as error:
            raise FlagError(
                f"cannot read flag file {self.path}: {error}", "fix it or delete it to start over"
            ) from None
        _check_flags(self.path, data)
        return data

    def percent(self, role: str) -> int:
        return percent_of(self.read()["flags"][flag_name(role)])

    def rollout(self, role: str, percent: int, by: str | None = None, reason: str = "rollout") -> dict[str, Any]:
        """Serve the optimized program to ``percent`` % of request keys."""
        if not 0 <= percent <= 100:
            raise FlagError(f"--percent must be between 0 and 100, got {percent}", "use e.g. --percent 25")
        return self._change(role, lambda _: definition(percent), by, reason)

    def disable(self, role: str, by: str | None = None, reason: str = "rollback") -> dict[str, Any]:
        """The kill switch: every request gets the baseline."""
        return self._change(role, lambda flag: {**flag, "state": "DISABLED"}, by, reason)

    def _change(
        self, role: str, change: Callable[[dict[str, Any]], dict[str, Any]], by: str | None, reason: str
    ) -> dict[str, Any]:
        """Read, change one flag, write and audit, all under one lock: two writers never undo each other."""
        name, author = flag_name(role), who(by)
        self.read()  # a flag file that cannot be read (or a bad --by) is refused before a lock file is made
        with exclusive(self.path):
            data = self.read()
            old = data["flags"][name]
            data["flags"][name] = new = change(old)
            entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "by": author, "flag": name}
            entry |= {"old": _summary(old), "new": _summary(new), "reason": reason}
            write_text_atomic(self.path, json.dumps(data, indent=2) + "\n")
            self._audit(entry)
        return entry

    def _audit(self, entry: dict[str, Any]) -> None:
        with open(self.audit_path, "ab+") as handle:
            torn = b"\n" if _ends_mid_line(handle) else b""  # a crash cut the last write: keep this entry whole
            handle.write(torn + json.dumps(entry).encode() + b"\n")
            handle.flush()
            os.fsync(handle.fileno())

    def audit(self) -> list[dict[str, Any]]:
        """The audit entries, oldest first; a line that is not an entry (a torn write) is skipped and logged."""
        if not self.audit_path.exists():
            return []
        try:
            lines = enumerate(self.audit_path.read_bytes().splitlines(), 1)
        except OSError as error:
            why = f"cannot read the flag audit log {self.audit_path}: {error}"
            raise FlagError(why, "restore it or move it away") from None
        return [entry for number, line in lines if line.strip() and (entry := self._entry(line, number))]

    def _entry(self, line: bytes, number: int) -> dict[str, Any] | None:
        try:
            entry = json.loads(line)
        except ValueError:  # UnicodeDecodeError included
            entry = None
        if not isinstance(entry, dict):
            log.warning("%s line %d is not an audit entry; skipped", self.audit_path, number)
            return None
        return entry


def _check_flags(path: Path, data: Any) -> None:
    """Both flags are objects with a state flagd accepts (flagd itself logs a traceback and fails)."""
    flags = data.get("flags") if isinstance(data, dict) else None
    for name in FLAG_OF.values():
        flag = flags.get(name) if isinstance(flags, dict) else None
        if not isinstance(flag, dict):
            raise FlagError(f"flag file {path} has no flag {name} (an object)", "add it, or delete the file")
        if (state := flag.get("state")) not in STATES:
            raise FlagError(f"flag {name} in {path} has state {state!r}", "use ENABLED or DISABLED")
        try:
            percent_of(flag)
        except (AttributeError, TypeError, ValueError, IndexError) as error:
            why = f"flag {name} in {path} has a rollout plancoder cannot read ({error})"
            raise FlagError(why, REWRITE_FLAG) from None


def _ends_mid_line(handle: Any) -> bool:
    """True when the file's last byte is not a newline (a write cut off by a crash)."""
    size = handle.seek(0, os.SEEK_END)
    if size == 0:
        return False
    handle.seek(size - 1)
    return handle.read(1) != b"\n"


def _summary(flag: dict[str, Any]) -> str:
    return f"{flag.get('state', '?')} {percent_of(flag)}%"


@dataclass(frozen=True)
class Decision:
    """Which program serves one request, and why (flagd's variant and reason)."""

    optimized: bool
    variant: str | None
    reason: str


class FlagEvaluator:
    """OpenFeature's client on flagd's file provider; re-reads the file when it changed on disk."""

    _lock = threading.Lock()
    _current: tuple[Path, float, int] | None = None
    """The file (and its mtime and inode) that the process-wide provider reads now."""

    def __init__(self, flag_file: FlagFile) -> None:
        self.flag_file = flag_file

    def decide(self, role: str, request_key: str) -> Decision:
        from openfeature import api
        from openfeature.evaluation_context import EvaluationContext

        self._refresh()
        details = api.get_client("plancoder").get_boolean_details(
            flag_name(role), False, EvaluationContext(targeting_key=request_key)
        )
        reason = str(getattr(details.reason, "value", details.reason))
        if details.error_code is not None:
            reason = f"{reason}: {details.error_message or details.error_code}"
        return Decision(bool(details.value), details.variant, reason)

    def _refresh(self) -> None:
        """(Re)start the provider when the file is another one or changed since it was read (a request
        costs one ``stat``; a new provider costs ~8 ms)."""
        stat = self.flag_file.ensure().stat()
        stamp = (self.flag_file.path, stat.st_mtime, stat.st_ino)
        with FlagEvaluator._lock:
            if stamp != FlagEvaluator._current:
                self.flag_file.read()  # our checks first: flagd logs a traceback for a file it refuses
                _set_provider(self.flag_file.path)
                FlagEvaluator._current = stamp


def _set_provider(path: Path) -> None:
    from openfeature import api
    from openfeature.contrib.provider.flagd import FlagdProvider
    from openfeature.contrib.provider.flagd.config import ResolverType

    try:
        provider = FlagdProvider(resolver_type=ResolverType.FILE, offline_flag_source_path=str(path))
        api.set_provider_and_wait(provider, domain="plancoder")
    except Exception as error:  # flagd refuses the file: name it, so the user can fix it
        raise ConfigError(
            f"flagd cannot load {path}: {str(error) or type(error).__name__}", "fix the flag file or delete it"
        ) from None


def auto_rollback(
    flag_file: FlagFile, role: str, production: str, cfg: Any, now: float | None = None
) -> dict[str, Any] | None:
    """Turn the role's flag off when the ``production`` version's mean score over the window falls below
    the baseline's by more than the configured margin; returns the audit entry, or None when nothing changed.

    ``cfg`` is the ``[flags]`` configuration. Both versions need ``auto_rollback_min_calls`` calls in the
    window, so that a handful of hard tasks does not pull a good program back. Calls of other optimized
    versions (the one production replaced) do not count against this one."""
    import time

    from plancoder.monitor import PROGRAM_VERSION, load_observations

    if production == PROGRAM_VERSION or flag_file.percent(role) == 0:
        return None
    since = (now or time.time()) - cfg.auto_rollback_window_minutes * 60
    calls = [o for o in load_observations(since) if o.role == role and o.ok and o.score is not None]
    optimized = [o.score for o in calls if o.version == production]
    baseline = [o.score for o in calls if o.version == PROGRAM_VERSION]
    if min(len(optimized), len(baseline)) < cfg.auto_rollback_min_calls:
        return None
    mean_opt, mean_base = sum(optimized) / len(optimized), sum(baseline) / len(baseline)
    if mean_opt >= mean_base - cfg.auto_rollback_margin:
        return None
    reason = (
        f"auto-rollback: {production} mean score {mean_opt:.3f} over {len(optimized)} calls is below the baseline's "
        f"{mean_base:.3f} over {len(baseline)} calls by more than {cfg.auto_rollback_margin}"
    )
    log.warning("%s: %s", flag_name(role), reason)
    return flag_file.disable(role, by="auto-rollback", reason=reason)
