"""``plancoder serve``: the HTTP API and dashboard over the same library the CLI uses.

Role calls (``POST /plan``, ``POST /fix``) run on ``[service] job_workers`` threads (1 by default:
the embedded models use every core; more for an API model) as jobs kept in the database
(``plancoder.jobs``); they return the job id at once, or the result when it is ready within
``?wait=`` seconds; ``GET /jobs/{id}`` tells how it went, with the review id when the output waits
for a person. Every POST needs the bearer token named by ``[service] token_env``; without one
configured they are refused (fail closed). Bodies over ``max_body_bytes`` are refused before they
are read; bad input gets a 4xx that says what is wrong; a fault of the server's own configuration or
data (config, flag file, database) is a 503; every error body is ``{error, fix}``; no stack trace ever
reaches a client.
"""

import hmac
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as FastPath
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DatabaseError, OperationalError
from starlette.exceptions import HTTPException

from plancoder.errors import ConfigError, PlancoderError
from plancoder.flags import MAX_BY_CHARS, flag_name, who
from plancoder.jobs import DONE, FAILED, QUEUED, Jobs
from plancoder.planner import check_task
from plancoder.review import MAX_ITEM_ID, ReviewError, ReviewQueue
from plancoder.runtime import Runtime

log = logging.getLogger(__name__)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # {"percent": true} or "5" is a mistake, not 1 or 5


class PlanRequest(_Body):
    """The task and context are checked as ``plancoder plan`` checks them (``check_task``: a 400, not a 422)."""

    task: str = Field(description="The software task to plan.")
    context: str = Field(default="", description="Layout, tools, constraints.")
    request_key: str | None = Field(default=None, max_length=200, description="Rollout key (sticky).")


class FixRequest(_Body):
    """The path (once given), test command and task are checked as ``plancoder fix`` checks them (``check_fix``:
    a 400); an empty ``project`` or ``file`` is a 422 like any missing field."""

    project: str = Field(min_length=1, description="Project root on this machine.")
    file: str = Field(min_length=1, description="The file to fix, relative to the project.")
    test_cmd: str = Field(max_length=2000, description="Test command, run from the project root.")
    task: str = ""
    request_key: str | None = Field(default=None, max_length=200)


class Decision(_Body):
    action: Literal["approve", "reject"]
    by: str = Field(min_length=1, max_length=MAX_BY_CHARS)
    comment: str = Field(default="", max_length=4000)


ItemId = Annotated[int, FastPath(ge=1, le=MAX_ITEM_ID, description="The review item's id.")]
WaitParam = Annotated[float, Query(ge=0, le=30, description="Seconds to wait for the result before a 202.")]


class Rollout(_Body):
    percent: int = Field(ge=0, le=100)
    by: str = Field(min_length=1, max_length=MAX_BY_CHARS)
    reason: str = Field(default="rollout", min_length=1, max_length=500)


def create_app(runtime: Runtime, token: str | None, max_body_bytes: int = 1_000_000) -> FastAPI:
    """The service over one runtime; ``token`` guards every POST (None: every POST is refused)."""
    app = FastAPI(title="plancoder", docs_url=None, redoc_url=None)
    workers = runtime.settings.service.job_workers
    app.state.runtime, app.state.jobs = runtime, Jobs(lambda: review_queue(runtime), workers)
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


class ServerFault(PlancoderError):
    """The server's own configuration or data (config, flag file, database) is at fault, not the request."""


@contextmanager
def server_side() -> Iterator[None]:
    """Reading the server's own state: an error there is the server's fault (503), whatever its class."""
    try:
        yield
    except ServerFault:
        raise
    except PlancoderError as error:
        raise ServerFault(error.problem, error.fix) from error


def review_queue(runtime: Runtime) -> ReviewQueue:
    """The review queue (and job store); a ``[review] url`` that does not open is the server's fault."""
    from plancoder.reviewing import queue_for

    with server_side():
        return queue_for(runtime)


def check_serviceable(runtime: Runtime) -> None:
    """Before start-up: the review database opens, the flag file and its audit log read (else the error)."""
    from plancoder.programs import flag_file_for

    review_queue(runtime)
    flag_file = flag_file_for(runtime)
    with server_side():
        flag_file.read()
        flag_file.audit()


def _error(status: int, problem: str, fix: str = "", headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": problem, "fix": fix}, status_code=status, headers=headers)


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


async def _http_error(request: Request, error: HTTPException) -> JSONResponse:
    """The router's own errors (unknown path, wrong method, unreadable body) in the service's shape."""
    explain = HTTP_EXPLAINED.get(error.status_code)
    problem, fix = explain(request, error) if explain else (str(error.detail), "")
    return _error(error.status_code, problem, fix, error.headers)


def _not_found(request: Request, _: HTTPException) -> tuple[str, str]:
    endpoints = sorted(f"{'|'.join(sorted(r.methods))} {r.path}" for r in request.app.routes if hasattr(r, "methods"))
    return f"there is no endpoint {request.url.path}", "use one of: " + ", ".join(endpoints)


def _not_allowed(request: Request, error: HTTPException) -> tuple[str, str]:
    allowed = (error.headers or {}).get("Allow", "")
    return f"{request.method} is not allowed on {request.url.path}", f"use {allowed}"


def _unparsable(_: Request, __: HTTPException) -> tuple[str, str]:
    return "the body cannot be parsed: it is not UTF-8 or nested too deeply", "send a UTF-8 JSON body"


HTTP_EXPLAINED = {400: _unparsable, 404: _not_found, 405: _not_allowed}


async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
    if isinstance(error.body, bytes):  # FastAPI reads a body as JSON only when its Content-Type says it is
        sent = request.headers.get("content-type", "no Content-Type")
        return _error(415, f"the body was sent with {sent}, not as JSON", JSON_BODY)
    where = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:5]]
    return _error(422, "invalid request: " + "; ".join(where), "see the endpoint's fields")


async def _review_error(_: Request, error: ReviewError) -> JSONResponse:
    status = 404 if error.problem.startswith("there is no review item") else 409
    return _error(status, error.problem, error.fix)


async def _user_error(_: Request, error: PlancoderError) -> JSONResponse:
    return _error(400, error.problem, error.fix)


async def _server_fault(_: Request, error: PlancoderError) -> JSONResponse:
    log.warning("the server's configuration or data is at fault: %s", error)
    return _error(503, error.problem, error.fix)


async def _database_down(_: Request, error: OperationalError) -> JSONResponse:
    log.warning("review database unavailable: %s", error)
    return _error(503, "the review database is busy or unreachable", "retry in a moment")


async def _database_broken(_: Request, error: DatabaseError) -> JSONResponse:
    log.warning("review database unusable: %s", error)
    return _error(503, f"the review database cannot be used ({type(error).__name__})", "see the service log")


async def _internal(_: Request, error: Exception) -> JSONResponse:
    log.exception("internal error")
    return _error(500, f"internal error ({type(error).__name__})", "see the service log")


JSON_BODY = "send a JSON body with Content-Type: application/json"
ERROR_RESPONSES: dict[type[Exception], Any] = {  # the closest class decides; the server's own faults are 503
    ServiceError: _service_error,
    HTTPException: _http_error,
    RequestValidationError: _invalid,
    ReviewError: _review_error,
    ServerFault: _server_fault,
    ConfigError: _server_fault,
    PlancoderError: _user_error,
    OperationalError: _database_down,
    DatabaseError: _database_broken,
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
        with server_side():
            return {"percent": {role: flag_file.percent(role) for role in FLAG_OF}, "audit": flag_file.audit()[-20:]}

    @app.get("/jobs/{job_id}")
    def job(job_id: str) -> dict[str, Any]:
        found = app.state.jobs.get(job_id)
        if found is None:
            raise ServiceError(404, f"there is no job {job_id}", "use the id POST /plan or /fix returned")
        return found

    @app.get("/", response_class=HTMLResponse)
    def home() -> str:
        with server_side():  # the page reads only the server's own state
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
        check_task(body.task, body.context)  # what `plancoder plan` refuses is a 400 now, not a failed job later
        work = lambda: operations.plan(runtime, body.task, body.context, body.request_key)  # noqa: E731
        return _accepted(app.state.jobs, app.state.jobs.submit("plan", work), wait)

    @app.post("/fix", status_code=202, dependencies=[authorized])
    def fix(body: FixRequest, wait: WaitParam = 0) -> JSONResponse:
        runtime, args = app.state.runtime, (body.project, body.file, body.test_cmd, body.task, body.request_key)
        operations.check_fix(body.project, body.file, body.test_cmd, body.task)  # a 400 now, not a failed job later
        return _accepted(app.state.jobs, app.state.jobs.submit("fix", lambda: operations.fix(runtime, *args)), wait)

    @app.post("/flags/{role}", dependencies=[authorized])
    def rollout(role: str, body: Rollout) -> dict[str, Any]:
        from plancoder.programs import flag_file_for

        flag_name(role)  # the request's mistakes are 400s; the flag file's are the server's (503)
        who(body.by)
        with server_side():
            return flag_file_for(app.state.runtime).rollout(role, body.percent, body.by, body.reason)


def _accepted(jobs: Jobs, job_id: str, wait: float) -> JSONResponse:
    """The job after at most ``wait`` seconds: 200 with its result when it finished, else 202 to poll."""
    jobs.wait(job_id, wait)
    job = jobs.get(job_id) or {"status": QUEUED}
    status = 200 if job["status"] in (DONE, FAILED) else 202
    return JSONResponse({**job, "job_id": job_id}, status_code=status)


def _add_review_routes(app: FastAPI, authorized: Any) -> None:
    @app.get("/reviews")
    def reviews(status: str | None = None, role: str | None = None) -> list[dict[str, Any]]:
        return [item.as_dict() for item in review_queue(app.state.runtime).list(status, role)]

    @app.get("/reviews/{item_id}")
    def review(item_id: ItemId) -> dict[str, Any]:
        queue = review_queue(app.state.runtime)
        return queue.get(item_id).as_dict() | {"events": queue.events(item_id)}

    @app.post("/reviews/{item_id}/decision", dependencies=[authorized])
    def decide(item_id: ItemId, body: Decision) -> dict[str, Any]:
        who(body.by)  # one printable line in the audit trail
        return review_queue(app.state.runtime).decide(item_id, body.action, body.by, body.comment).as_dict()
