"""``plancoder serve``: the HTTP API and dashboard over the same library the CLI uses.

Role calls (``POST /plan``, ``POST /fix``) run on ``[service] job_workers`` threads (1 by default:
the embedded models use every core; more for an API model) as jobs kept in the database
(``plancoder.jobs``); they return the job id at once, or the result when it is ready within
``?wait=`` seconds; ``GET /jobs/{id}`` tells how it went, with the review id when the output waits
for a person. Every POST needs the bearer token named by ``[service] token_env``; without one
configured they are refused (fail closed). Bodies over ``max_body_bytes`` are refused before they
are read; bad input gets a 4xx that says what is wrong; a database that is locked or gone is a 503;
no stack trace ever reaches a client.
"""

import hmac
import logging
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as FastPath
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import OperationalError

from plancoder.errors import PlancoderError
from plancoder.jobs import DONE, FAILED, QUEUED, Jobs
from plancoder.planner import MAX_TASK_CHARS
from plancoder.review import MAX_ITEM_ID, ReviewError
from plancoder.runtime import Runtime

log = logging.getLogger(__name__)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlanRequest(_Body):
    task: str = Field(min_length=1, max_length=MAX_TASK_CHARS, description="The software task to plan.")
    context: str = Field(default="", max_length=40_000, description="Layout, tools, constraints.")
    request_key: str | None = Field(default=None, max_length=200, description="Rollout key (sticky).")


class FixRequest(_Body):
    project: str = Field(min_length=1, description="Project root on this machine.")
    file: str = Field(min_length=1, description="The file to fix, relative to the project.")
    test_cmd: str = Field(min_length=1, max_length=2000, description="Test command, run from the project root.")
    task: str = Field(default="", max_length=MAX_TASK_CHARS)
    request_key: str | None = Field(default=None, max_length=200)


class Decision(_Body):
    action: Literal["approve", "reject"]
    by: str = Field(min_length=1, max_length=128)
    comment: str = Field(default="", max_length=4000)


ItemId = Annotated[int, FastPath(ge=1, le=MAX_ITEM_ID, description="The review item's id.")]
WaitParam = Annotated[float, Query(ge=0, le=30, description="Seconds to wait for the result before a 202.")]


class Rollout(_Body):
    percent: int = Field(ge=0, le=100)
    by: str = Field(min_length=1, max_length=128)
    reason: str = Field(default="rollout", min_length=1, max_length=500)


def create_app(runtime: Runtime, token: str | None, max_body_bytes: int = 1_000_000) -> FastAPI:
    """The service over one runtime; ``token`` guards every POST (None: every POST is refused)."""
    app = FastAPI(title="plancoder", docs_url=None, redoc_url=None)
    from plancoder.reviewing import queue_for

    workers = runtime.settings.service.job_workers
    app.state.runtime, app.state.jobs = runtime, Jobs(lambda: queue_for(runtime), workers)
    _add_guards(app, max_body_bytes)
    authorized = _bearer(token)
    _add_read_routes(app)
    _add_role_routes(app, authorized)
    _add_review_routes(app, authorized)
    return app


def _bearer(token: str | None) -> Any:
    def check(request: Request) -> None:
        if token is None:
            raise ServiceError(403, "this service has no token configured", "set [service] token_env's variable")
        sent = request.headers.get("authorization", "")
        if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            raise ServiceError(401, "missing or wrong bearer token", "send Authorization: Bearer <token>")

    return Depends(check)


class ServiceError(Exception):
    def __init__(self, status: int, problem: str, fix: str = "") -> None:
        super().__init__(problem)
        self.status, self.problem, self.fix = status, problem, fix


def _error(status: int, problem: str, fix: str = "") -> JSONResponse:
    return JSONResponse({"error": problem, "fix": fix}, status_code=status)


def _add_guards(app: FastAPI, max_body_bytes: int) -> None:
    @app.middleware("http")
    async def limit_body(request: Request, call_next: Any) -> Response:
        length = request.headers.get("content-length")
        if length is None and "transfer-encoding" in request.headers:  # a chunked body's size is known too late
            return _error(411, "a body needs a Content-Length header", "send the body in one piece")
        if length and (not length.isdigit() or int(length) > max_body_bytes):
            return _error(413, f"the body is over {max_body_bytes:,} bytes", "send less")
        return await call_next(request)

    for kind, respond in ERROR_RESPONSES.items():
        app.add_exception_handler(kind, respond)


async def _service_error(_: Request, error: ServiceError) -> JSONResponse:
    return _error(error.status, error.problem, error.fix)


async def _invalid(_: Request, error: RequestValidationError) -> JSONResponse:
    where = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:5]]
    return _error(422, "invalid request: " + "; ".join(where), "see the endpoint's fields")


async def _review_error(_: Request, error: ReviewError) -> JSONResponse:
    status = 404 if error.problem.startswith("there is no review item") else 409
    return _error(status, error.problem, error.fix)


async def _user_error(_: Request, error: PlancoderError) -> JSONResponse:
    return _error(400, error.problem, error.fix)


async def _database_down(_: Request, error: OperationalError) -> JSONResponse:
    log.warning("review database unavailable: %s", error)
    return _error(503, "the review database is busy or unreachable", "retry in a moment")


async def _internal(_: Request, error: Exception) -> JSONResponse:
    log.exception("internal error")
    return _error(500, f"internal error ({type(error).__name__})", "see the service log")


ERROR_RESPONSES: dict[type[Exception], Any] = {
    ServiceError: _service_error,
    RequestValidationError: _invalid,
    ReviewError: _review_error,
    PlancoderError: _user_error,
    OperationalError: _database_down,
    Exception: _internal,
}


def _add_read_routes(app: FastAPI) -> None:
    from plancoder import dashboard, monitor

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        return {"ok": True}  # touches no database: a queue that is down is a 503 elsewhere, not here

    @app.get("/metrics")
    def metrics() -> Response:
        from prometheus_client import CONTENT_TYPE_LATEST

        _refresh_gauges(app.state.runtime)
        return Response(monitor.metrics_text(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/flags")
    def flags() -> dict[str, Any]:
        from plancoder.flags import FLAG_OF
        from plancoder.programs import flag_file_for

        flag_file = flag_file_for(app.state.runtime)
        return {"percent": {role: flag_file.percent(role) for role in FLAG_OF}, "audit": flag_file.audit()[-20:]}

    @app.get("/jobs/{job_id}")
    def job(job_id: str) -> dict[str, Any]:
        found = app.state.jobs.get(job_id)
        if found is None:
            raise ServiceError(404, f"there is no job {job_id}", "use the id POST /plan or /fix returned")
        return found

    @app.get("/", response_class=HTMLResponse)
    def home() -> str:
        return dashboard.render(app.state.runtime)


def _refresh_gauges(runtime: Runtime) -> None:
    """Read the gauges that other processes change (queue depth, the served version's headroom) afresh."""
    from plancoder.programs import export_budget_headroom
    from plancoder.reviewing import export_queue_depth

    for export in (export_queue_depth, export_budget_headroom):
        try:
            export(runtime)
        except (OperationalError, PlancoderError) as error:  # the other metrics are still served
            log.warning("a gauge keeps its last value (%s): %s", export.__name__, error)


def _add_role_routes(app: FastAPI, authorized: Any) -> None:
    from plancoder import operations

    @app.post("/plan", status_code=202, dependencies=[authorized])
    def plan(body: PlanRequest, wait: WaitParam = 0) -> JSONResponse:
        runtime = app.state.runtime
        work = lambda: operations.plan(runtime, body.task, body.context, body.request_key)  # noqa: E731
        return _accepted(app.state.jobs, app.state.jobs.submit("plan", work), wait)

    @app.post("/fix", status_code=202, dependencies=[authorized])
    def fix(body: FixRequest, wait: WaitParam = 0) -> JSONResponse:
        runtime, args = app.state.runtime, (body.project, body.file, body.test_cmd, body.task, body.request_key)
        operations.check_fix(*args[:2])  # a bad path is a 400 now, not a failed job later
        return _accepted(app.state.jobs, app.state.jobs.submit("fix", lambda: operations.fix(runtime, *args)), wait)

    @app.post("/flags/{role}", dependencies=[authorized])
    def rollout(role: str, body: Rollout) -> dict[str, Any]:
        from plancoder.programs import flag_file_for

        return flag_file_for(app.state.runtime).rollout(role, body.percent, body.by, body.reason)


def _accepted(jobs: Jobs, job_id: str, wait: float) -> JSONResponse:
    """The job after at most ``wait`` seconds: 200 with its result when it finished, else 202 to poll."""
    jobs.wait(job_id, wait)
    job = jobs.get(job_id) or {"status": QUEUED}
    status = 200 if job["status"] in (DONE, FAILED) else 202
    return JSONResponse({**job, "job_id": job_id}, status_code=status)


def _add_review_routes(app: FastAPI, authorized: Any) -> None:
    from plancoder.reviewing import queue_for

    @app.get("/reviews")
    def reviews(status: str | None = None, role: str | None = None) -> list[dict[str, Any]]:
        return [item.as_dict() for item in queue_for(app.state.runtime).list(status, role)]

    @app.get("/reviews/{item_id}")
    def review(item_id: ItemId) -> dict[str, Any]:
        queue = queue_for(app.state.runtime)
        return queue.get(item_id).as_dict() | {"events": queue.events(item_id)}

    @app.post("/reviews/{item_id}/decision", dependencies=[authorized])
    def decide(item_id: ItemId, body: Decision) -> dict[str, Any]:
        return queue_for(app.state.runtime).decide(item_id, body.action, body.by, body.comment).as_dict()
