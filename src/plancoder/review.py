"""The human review queue: outputs under their role's threshold reach a person and never get lost.

A real database through SQLAlchemy: a SQLite file in the data directory by default (WAL, one
transaction per change, so a killed process leaves either the whole change or none of it), or any
SQLAlchemy URL such as PostgreSQL. The schema is created by migrations kept here, an ordered list
applied once each. Items move ``pending`` -> ``approved`` | ``edited`` | ``rejected``, or ``expired``
once their time is up (fail closed: an expired item is never shipped). Decisions are idempotent
(approving twice is one approval) and every change is audited: who, when, what.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from plancoder.errors import PlancoderError

PENDING, APPROVED, EDITED, REJECTED, EXPIRED = "pending", "approved", "edited", "rejected", "expired"
DECISIONS = {"approve": APPROVED, "edit": EDITED, "reject": REJECTED}
SHIPPABLE = (APPROVED, EDITED)
STATUSES = (PENDING, APPROVED, EDITED, REJECTED, EXPIRED)
ROLES = ("planner", "coder")
MAX_ITEM_ID = 2**63 - 1  # the largest id a database integer column holds
CONNECT_RETRY_DELAYS_S = (0.05, 0.2, 0.5)
log = logging.getLogger(__name__)

metadata = sa.MetaData()
items = sa.Table(
    "review_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("score", sa.Float, nullable=True),
    sa.Column("input", sa.Text, nullable=False),
    sa.Column("output", sa.Text, nullable=False),
    sa.Column("findings", sa.Text, nullable=False),
    sa.Column("trace_id", sa.String(64), nullable=True),
    sa.Column("diff", sa.Text, nullable=False),
    sa.Column("decided_by", sa.String(128), nullable=True),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("comment", sa.Text, nullable=True),
    sa.Column("edited_output", sa.Text, nullable=True),
)
events = sa.Table(
    "review_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("review_items.id"), nullable=False, index=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("who", sa.String(128), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("old_status", sa.String(16), nullable=True),
    sa.Column("new_status", sa.String(16), nullable=False),
    sa.Column("comment", sa.Text, nullable=True),
)
jobs = sa.Table(
    "service_jobs",  # the HTTP service's role calls (plancoder.jobs): beside the queue, so no restart loses one
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("result", sa.Text, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
)
schema = sa.Table("review_schema", metadata, sa.Column("version", sa.Integer, nullable=False))


class ReviewError(PlancoderError):
    """A review item does not exist, or the requested transition is not allowed."""


def _create_tables(db: Connection) -> None:
    items.create(db)
    events.create(db)


def _create_jobs_table(db: Connection) -> None:
    jobs.create(db)


MIGRATIONS: list[Callable[[Connection], None]] = [_create_tables, _create_jobs_table]
"""In order; ``review_schema.version`` counts those applied. Append, never edit."""


def now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything here is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    """One review item as stored."""

    id: int
    role: str
    status: str
    created_at: datetime
    expires_at: datetime
    reason: str
    score: float | None
    input: dict[str, Any]
    output: dict[str, Any]
    findings: list[dict[str, Any]]
    trace_id: str | None
    diff: str
    decided_by: str | None
    decided_at: datetime | None
    comment: str | None
    edited_output: dict[str, Any] | None

    @classmethod
    def of(cls, row: Any) -> Item:
        data = dict(row._mapping)
        for key in ("input", "output", "findings"):
            data[key] = json.loads(data[key])
        data["edited_output"] = json.loads(data["edited_output"]) if data["edited_output"] else None
        for key in ("created_at", "expires_at", "decided_at"):
            data[key] = _aware(data[key]) if data[key] else None
        return cls(**data)

    @property
    def shipped_output(self) -> dict[str, Any]:
        """What ships once approved: the reviewer's edit when there is one."""
        return self.edited_output or self.output

    def as_dict(self) -> dict[str, Any]:
        """The item as JSON; ``shipped`` is the output a caller may use, set once a person approved or edited it."""
        fields = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in self.__dict__.items()}
        return fields | {"shipped": self.shipped_output if self.status in SHIPPABLE else None}


class ReviewQueue:
    """The queue on one database; creating it applies any missing migrations."""

    def __init__(self, url: str, expire_after: timedelta = timedelta(hours=72)) -> None:
        self.url, self.expire_after = url, expire_after
        self.engine = _engine(url)
        self._migrate()

    def _migrate(self) -> None:
        """Apply the missing migrations; a second process migrating at the same moment is waited out."""
        try:
            self._apply_migrations()
        except (sa.exc.OperationalError, sa.exc.ProgrammingError, sa.exc.IntegrityError):
            self._apply_migrations()  # the other process won the race: its schema is there now

    def reading(self) -> Connection:
        """A connection; a database that is briefly unreachable is retried for about a second first."""
        for attempt, delay in enumerate(CONNECT_RETRY_DELAYS_S):
            try:
                return self.engine.connect()
            except sa.exc.OperationalError as error:
                if not attempt:  # one line, not one per retry with SQLAlchemy's background link
                    why = str(error.orig or error).strip().splitlines()[0]
                    log.warning(
                        "review database unreachable (%s); retrying for %.1f s", why, sum(CONNECT_RETRY_DELAYS_S)
                    )
                time.sleep(delay)
        return self.engine.connect()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction: all of it is committed, or none of it."""
        with self.reading() as db, db.begin():
            yield db

    def _apply_migrations(self) -> None:
        with self.transaction() as db:
            schema.create(db, checkfirst=True)
            applied = db.execute(sa.select(schema.c.version)).scalar()
            if applied is None:
                db.execute(schema.insert().values(version=0))
                applied = 0
            for migration in MIGRATIONS[applied:]:
                migration(db)
            db.execute(schema.update().values(version=len(MIGRATIONS)))

    def enqueue(
        self,
        role: str,
        reason: str,
        input: dict[str, Any],
        output: dict[str, Any],
        score: float | None = None,
        findings: list[dict[str, Any]] | None = None,
        trace_id: str | None = None,
        diff: str = "",
    ) -> int:
        """Store an output for review in one transaction; returns its id."""
        created = now()
        row = {
            "role": role,
            "status": PENDING,
            "created_at": created,
            "expires_at": created + self.expire_after,
            "reason": reason,
            "score": score,
            "input": json.dumps(input, default=str),
            "output": json.dumps(output, default=str),
            "findings": json.dumps(findings or [], default=str),
            "trace_id": trace_id,
            "diff": diff,
        }
        with self.transaction() as db:
            item_id = db.execute(items.insert().values(**row)).inserted_primary_key[0]
            _audit(db, item_id, "plancoder", "enqueue", None, PENDING, reason)
        return int(item_id)

    def expire(self, at: datetime | None = None) -> int:
        """Pending items past their time become ``expired``; returns how many."""
        moment = at or now()
        with self.transaction() as db:
            due = [r.id for r in db.execute(sa.select(items.c.id).where(_due(moment)))]
            for item_id in due:
                db.execute(items.update().where(items.c.id == item_id).values(status=EXPIRED))
                _audit(db, item_id, "plancoder", "expire", PENDING, EXPIRED, "not reviewed in time")
        return len(due)

    def list(self, status: str | None = None, role: str | None = None) -> list[Item]:
        _check_filter("status", status, STATUSES)
        _check_filter("role", role, ROLES)
        self.expire()
        query = sa.select(items).order_by(items.c.id)
        if status:
            query = query.where(items.c.status == status)
        if role:
            query = query.where(items.c.role == role)
        with self.reading() as db:
            return [Item.of(row) for row in db.execute(query)]

    def get(self, item_id: int) -> Item:
        self.expire()
        with self.reading() as db:
            row = db.execute(sa.select(items).where(items.c.id == item_id)).first()
        if row is None:
            raise ReviewError(f"there is no review item {item_id}", "see plancoder review list")
        return Item.of(row)

    def depth(self) -> int:
        """Pending items: the review queue depth that monitoring exports."""
        return len(self.list(PENDING))

    def decide(
        self, item_id: int, action: str, by: str, comment: str = "", edited: dict[str, Any] | None = None
    ) -> Item:
        """Approve, edit or reject a pending item; repeating the same decision changes nothing."""
        if action not in DECISIONS:
            raise ReviewError(f"unknown decision '{action}'", f"use one of: {', '.join(DECISIONS)}")
        target = DECISIONS[action]
        settled = _settled(self.get(item_id), target, action)
        if settled:
            return settled
        values = {"status": target, "decided_by": by, "decided_at": now(), "comment": comment or None}
        if edited is not None:
            values["edited_output"] = json.dumps(edited, default=str)
        with self.transaction() as db:
            changed = db.execute(
                items.update().where(items.c.id == item_id, items.c.status == PENDING).values(**values)
            ).rowcount
            if changed:
                _audit(db, item_id, by, action, PENDING, target, comment)
        item = self.get(item_id)
        return item if changed else _settled(item, target, action) or item  # another decision came first

    def events(self, item_id: int) -> list[dict[str, Any]]:
        with self.reading() as db:
            rows = db.execute(sa.select(events).where(events.c.item_id == item_id).order_by(events.c.id))
            return [{k: v.isoformat() if isinstance(v, datetime) else v for k, v in r._mapping.items()} for r in rows]


def _check_filter(name: str, value: str | None, known: tuple[str, ...]) -> None:
    """A filter that matches nothing by construction (a typo) is an error, not an empty queue."""
    if value is not None and value not in known:
        raise PlancoderError(f"unknown {name} '{value}'", f"use one of: {', '.join(known)}")


def _settled(item: Item, target: str, action: str) -> Item | None:
    """The item when it already is what this decision makes it (idempotent); None while it is pending;
    an error when another decision (or the expiry) was taken."""
    if item.status == target and action != "edit":
        return item  # the second approval is the first one
    if item.status != PENDING:
        raise ReviewError(f"review item {item.id} is {item.status}", f"only pending items can be {target}")
    return None


def _due(moment: datetime) -> Any:
    return sa.and_(items.c.status == PENDING, items.c.expires_at <= moment)


def _audit(db: Connection, item_id: int, who: str, action: str, old: str | None, new: str, comment: str) -> None:
    db.execute(
        events.insert().values(
            item_id=item_id, at=now(), who=who, action=action, old_status=old, new_status=new, comment=comment or None
        )
    )


def _engine(url: str) -> Engine:
    """An engine whose failures are clear errors; SQLite waits for a lock instead of failing at once."""
    try:
        if url.startswith("sqlite"):
            engine = sa.create_engine(url, connect_args={"timeout": 10})
            sa.event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return sa.create_engine(url, pool_pre_ping=True)
    except (sa.exc.ArgumentError, ImportError) as error:
        raise ReviewError(f"cannot open the review database {url}: {error}", "check [review] url") from None


def _sqlite_pragmas(connection: Any, _: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
