"""Monitoring of the role calls: one observation per call in an append-only store, and Prometheus metrics.

Every Coder or Planner call appends one row to ``<data dir>/monitor/observations.db`` (SQLite in WAL
mode, one INSERT per call, so a crash loses nothing) and updates this process's metrics. The metrics
live on a dedicated registry, ``metrics().registry``; ``metrics_text()`` is their exposition, which the
service serves at ``/metrics``. ``prometheus_client`` is imported on first use of the metrics.

Two gauges are set from outside: the review queue's depth (``set_queue_depth``, read from the queue's
database when an output is queued, at each ``/metrics`` scrape, by ``plancoder alerts`` and the dashboard)
and a production version's budget headroom (``set_budget_headroom``, when an optimized version serves).
Neither is exposed before it is set.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import threading
import time
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from plancoder.errors import InputError
from plancoder.home import ensure_data_dir

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

PROGRAM_VERSION = "baseline"  # a call that names no program version ran the baseline
LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 45, 60, 90, 120, 180, 240, 300, 450, 600)


def was_shipped(outcome: Mapping[str, Any]) -> bool:
    """A Coder fix that passed its tests, or a Planner plan that was valid."""
    return bool(outcome.get("passed", outcome.get("valid")))


@dataclass(frozen=True)
class Observation:
    """One role call: when, who, how it went and what it cost."""

    time: float  # UTC epoch seconds
    role: str
    model: str
    ok: bool  # the call finished and no model of the role's chain failed
    passed: bool  # the Coder's tests pass, or the Planner's plan is valid
    score: float | None  # the role's run-time score (tests and constitution; validator and constitution)
    tokens: int
    latency_s: float
    hard_findings: int  # constitution violations of hard articles
    soft_findings: int
    version: str = PROGRAM_VERSION

    @classmethod
    def of(cls, role: str, outcome: Mapping[str, Any], ok: bool, now: float) -> Observation:
        """The observation of a FixReport's dict or a plan record."""
        findings = outcome.get("constitution") or []
        hard = sum(1 for finding in findings if finding.get("hard"))
        return cls(
            time=now,
            role=role,
            model=outcome.get("model") or "",
            ok=ok,
            passed=was_shipped(outcome),
            score=outcome.get("score"),
            tokens=int((outcome.get("tokens") or {}).get("total_tokens", 0)),
            latency_s=float(outcome.get("latency_s", 0.0)),
            hard_findings=hard,
            soft_findings=len(findings) - hard,
            version=outcome.get("version") or PROGRAM_VERSION,
        )

    @property
    def outcome(self) -> str:
        """The ``outcome`` label of ``plancoder_calls_total``: error, passed or failed."""
        if not self.ok:
            return "error"
        return "passed" if self.passed else "failed"


COLUMNS = tuple(f.name for f in fields(Observation))


def observe(role: str, outcome: Mapping[str, Any], ok: bool = True) -> None:
    """Record one role call (store and metrics); a failure to record warns and never breaks the role."""
    try:
        observation = Observation.of(role, outcome, ok, time.time())
        append(observation)
        update_metrics(observation)
    except Exception as error:  # monitoring must never break the role it watches
        warnings.warn(f"monitoring the {role} call failed: {type(error).__name__}: {error}", stacklevel=2)


@contextlib.contextmanager
def failures_observed(role: str) -> Iterator[None]:
    """A role call that raises (every model failed, the sandbox broke) is recorded as an error, then re-raised."""
    started = time.perf_counter()
    try:
        yield
    except InputError:  # the user's mistake, not the role's failure
        raise
    except Exception:
        observe(role, {"latency_s": time.perf_counter() - started}, ok=False)
        raise


def store_path() -> Path:
    return ensure_data_dir() / "monitor" / "observations.db"


def _create_observations(db: sqlite3.Connection) -> None:
    db.execute(
        "CREATE TABLE observations (time REAL NOT NULL, role TEXT NOT NULL, model TEXT NOT NULL, ok INTEGER NOT NULL,"
        " passed INTEGER NOT NULL, score REAL, tokens INTEGER NOT NULL, latency_s REAL NOT NULL,"
        " hard_findings INTEGER NOT NULL, soft_findings INTEGER NOT NULL, version TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX observations_time ON observations (time)")


def _create_alerts(db: sqlite3.Connection) -> None:
    db.execute(
        "CREATE TABLE alerts (name TEXT PRIMARY KEY, state TEXT NOT NULL, since REAL NOT NULL, value REAL,"
        " threshold REAL, message TEXT NOT NULL)"
    )


MIGRATIONS = [_create_observations, _create_alerts]  # in order; PRAGMA user_version counts those applied


@contextlib.contextmanager
def connect() -> Iterator[sqlite3.Connection]:
    """A connection to the store (autocommit, WAL), migrated to the latest schema.

    It stays open for the thread while the file is the same one: opening, migrating and closing
    (the last close checkpoints the WAL away) cost several times the one INSERT a role call makes."""
    yield _connection(store_path())


_open = threading.local()


def _connection(path: Path) -> sqlite3.Connection:
    stamp, cached = _stamp(path), getattr(_open, "db", None)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    if cached is not None:
        cached[1].close()
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    _migrate(db)
    _open.db = (_stamp(path), db)
    return db


def _stamp(path: Path) -> tuple[str, int, int] | None:
    """Which file ``path`` is now (a store deleted and made anew is another file)."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return str(path), found.st_ino, found.st_dev


@contextlib.contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Statements that commit together, with the write lock taken up front."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _migrate(db: sqlite3.Connection) -> None:
    if _schema_version(db) == len(MIGRATIONS):
        return
    with transaction(db):  # another process may have migrated meanwhile: read the version under the lock
        for migration in MIGRATIONS[_schema_version(db) :]:
            migration(db)
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")


def _schema_version(db: sqlite3.Connection) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def append(observation: Observation) -> None:
    """Append one observation (one INSERT, committed at once)."""
    placeholders = ", ".join("?" * len(COLUMNS))
    with connect() as db:
        db.execute(f"INSERT INTO observations ({', '.join(COLUMNS)}) VALUES ({placeholders})", astuple(observation))


def load_observations(since: float) -> list[Observation]:
    """The observations made at or after ``since`` (epoch seconds), oldest first."""
    with connect() as db:
        rows = db.execute(f"SELECT {', '.join(COLUMNS)} FROM observations WHERE time >= ? ORDER BY time", (since,))
        return [_observation(row) for row in rows]


def _observation(row: tuple) -> Observation:
    values = dict(zip(COLUMNS, row, strict=True))
    return Observation(**values | {"ok": bool(values["ok"]), "passed": bool(values["passed"])})


@dataclass
class Metrics:
    """The process's Prometheus metrics on their own registry."""

    registry: CollectorRegistry
    calls: Counter
    tokens: Counter
    latency: Histogram
    score: Gauge
    violations: Counter
    budget_headroom: Gauge
    queue_depth: Gauge | None = None  # registered by the first set_queue_depth: no queue, no series


@functools.cache
def metrics() -> Metrics:
    """The metrics, created on first use."""
    from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

    registry = CollectorRegistry()
    return Metrics(
        registry=registry,
        calls=Counter(
            "plancoder_calls", "Role calls by outcome (passed, failed, error).", ["role", "outcome"], registry=registry
        ),
        tokens=Counter("plancoder_tokens", "Tokens used by role calls.", ["role"], registry=registry),
        latency=Histogram(
            "plancoder_latency_seconds", "Latency of role calls.", ["role"], buckets=LATENCY_BUCKETS, registry=registry
        ),
        score=Gauge("plancoder_score", "Score of the role's last scored call.", ["role"], registry=registry),
        violations=Counter(
            "plancoder_constitution_violations",
            "Constitution findings in role outputs.",
            ["role", "enforcement"],
            registry=registry,
        ),
        budget_headroom=Gauge(
            "plancoder_budget_headroom", "What is left of a role's budget.", ["role", "kind"], registry=registry
        ),
    )


def update_metrics(observation: Observation) -> None:
    """Count one role call in the metrics."""
    m, role = metrics(), observation.role
    m.calls.labels(role, observation.outcome).inc()
    m.tokens.labels(role).inc(observation.tokens)
    m.latency.labels(role).observe(observation.latency_s)
    if observation.score is not None:
        m.score.labels(role).set(observation.score)
    m.violations.labels(role, "hard").inc(observation.hard_findings)
    m.violations.labels(role, "soft").inc(observation.soft_findings)


def metrics_text() -> bytes:
    """The metrics in the Prometheus text exposition format."""
    from prometheus_client import generate_latest

    return generate_latest(metrics().registry)


def set_queue_depth(depth: float) -> None:
    """Set ``plancoder_review_queue_depth`` (registered on first use: no queue read, no series)."""
    from prometheus_client import Gauge

    m = metrics()
    if m.queue_depth is None:
        m.queue_depth = Gauge("plancoder_review_queue_depth", "Items waiting for review.", registry=m.registry)
    m.queue_depth.set(depth)


def queue_depth() -> float | None:
    """The review queue depth last set; None until a queue depth is read."""
    return metrics().registry.get_sample_value("plancoder_review_queue_depth")


def set_budget_headroom(role: str, kind: str, headroom: float) -> None:
    """Set ``plancoder_budget_headroom{role,kind}``: a cap minus the serving version's measured ratio."""
    metrics().budget_headroom.labels(role, kind).set(headroom)
