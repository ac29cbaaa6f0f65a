"""The HTTP service's role calls on worker threads (``[service] job_workers``), each kept in the database.

A job is a row in ``service_jobs`` (beside the review queue, same database and migrations) from the
moment it is accepted: queued -> running -> done | failed. A restart loses none of them: jobs that
were queued or running when the previous process stopped become ``interrupted`` with a message to
submit them again (an output that must be reviewed is in the review queue either way). The service
assumes one process per database for its jobs.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa

from plancoder.errors import PlancoderError
from plancoder.review import ReviewQueue, jobs, now

log = logging.getLogger(__name__)
QUEUED, RUNNING, DONE, FAILED, INTERRUPTED = "queued", "running", "done", "failed", "interrupted"
UNFINISHED = (QUEUED, RUNNING)


class Jobs:
    """Submit work, read how it went; ``queue`` gives the database (resolved on first use)."""

    def __init__(self, queue: Callable[[], ReviewQueue], workers: int = 1) -> None:
        self._queue, self._swept, self._sweeping = queue, False, threading.Lock()
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="plancoder-job")
        self.finished: dict[str, threading.Event] = {}

    @property
    def db(self) -> ReviewQueue:
        """The database; the first use marks the previous process's unfinished jobs ``interrupted``."""
        queue = self._queue()
        with self._sweeping:  # once: a second sweep would mark the first request's new job interrupted
            if not self._swept:
                self._interrupt_leftovers(queue)
                self._swept = True
        return queue

    def _interrupt_leftovers(self, queue: ReviewQueue) -> None:
        message = "the service stopped while this job was queued or running; submit it again"
        with queue.transaction() as db:
            db.execute(jobs.update().where(jobs.c.status.in_(UNFINISHED)).values(status=INTERRUPTED, error=message))

    def submit(self, kind: str, work: Callable[[], dict[str, Any]]) -> str:
        """Record the job (so it cannot be lost), then queue it; returns its id."""
        job_id = uuid.uuid4().hex
        with self.db.transaction() as db:
            db.execute(jobs.insert().values(id=job_id, kind=kind, status=QUEUED, created_at=now()))
        self.finished[job_id] = threading.Event()
        self.pool.submit(self._run, job_id, work)
        return job_id

    def _set(self, job_id: str, **values: Any) -> None:
        with self.db.transaction() as db:
            db.execute(jobs.update().where(jobs.c.id == job_id).values(**values))

    def _run(self, job_id: str, work: Callable[[], dict[str, Any]]) -> None:
        try:
            self._set(job_id, status=RUNNING)
            result = work()
            self._set(job_id, status=DONE, result=json.dumps(result, default=str), finished_at=now())
        except PlancoderError as error:
            self._set(job_id, status=FAILED, error=str(error), finished_at=now())
        except Exception as error:  # a bug must not kill the worker; the client gets no trace
            log.exception("job %s failed", job_id)
            self._set(job_id, status=FAILED, error=f"internal error ({type(error).__name__})", finished_at=now())
        finally:
            self.finished.pop(job_id, threading.Event()).set()

    def wait(self, job_id: str, seconds: float) -> None:
        """Block until the job finishes or ``seconds`` pass (a client's ``?wait=``)."""
        event = self.finished.get(job_id)
        if event is not None and seconds > 0:
            event.wait(seconds)

    def get(self, job_id: str) -> dict[str, Any] | None:
        with self.db.reading() as db:
            row = db.execute(sa.select(jobs).where(jobs.c.id == job_id)).first()
        if row is None:
            return None
        job = dict(row._mapping)
        job["result"] = json.loads(job["result"]) if job["result"] else None
        return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in job.items()}
