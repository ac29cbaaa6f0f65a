"""MLflow tracking of evaluations (and, later, optimizer runs): the only module that imports ``mlflow``.

The store is a local SQLite file with artifacts beside it in the data directory unless
``PLANCODER_MLFLOW_URI`` (or ``[tracking] uri``) names a team's MLflow server. ``mlflow`` is imported
lazily, only when a run starts. When tracking is off, not installed or the store cannot be reached,
``tracked_run`` warns once and yields a run that records nothing: the role still works.
"""

import json
import logging
import os
import sys
import warnings
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plancoder.errors import PlancoderError

logger = logging.getLogger(__name__)
URI_ENV = "PLANCODER_MLFLOW_URI"
SWITCH_ENV = "PLANCODER_TRACKING"
EXPERIMENT = "plancoder-{role}"
SERVER_ENV = {"LITELLM_LOCAL_MODEL_COST_MAP": "True", "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
"""Without these an offline ``mlflow server`` can hang at start (fetching LiteLLM's cost map, job workers)."""
HTTP_ENV = {"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1", "MLFLOW_HTTP_REQUEST_TIMEOUT": "10"}


@dataclass(frozen=True)
class Store:
    """Where runs go: a tracking URI, and for the local store the artifact directory."""

    uri: str
    artifacts: str | None = None

    @property
    def local(self) -> bool:
        return self.uri.startswith("sqlite:///")


def store_for(enabled: bool, uri: str, home: Path, env: Mapping[str, str]) -> Store | None:
    """The configured store: ``PLANCODER_MLFLOW_URI`` > ``[tracking] uri`` > a SQLite file in ``home``.

    ``[tracking] enabled = false`` or ``PLANCODER_TRACKING=off`` turns tracking off (None)."""
    if not enabled or env.get(SWITCH_ENV, "").strip().lower() in ("0", "off", "false", "no"):
        return None
    chosen = env.get(URI_ENV, "").strip() or uri.strip()
    if chosen:
        return Store(chosen)
    root = home / "mlflow"
    return Store(f"sqlite:///{root / 'mlflow.db'}", (root / "artifacts").as_uri())


class Run:
    """A run that records nothing: what callers get when tracking is off."""

    run_id: str | None = None

    def log_metrics(self, metrics: Mapping[str, float]) -> None:
        """Numeric metrics; ``None`` values are skipped."""

    def log_text(self, text: str, artifact_path: str) -> None:
        """A text artifact, e.g. a patch or a prompt diff."""

    def log_dict(self, data: Mapping[str, Any], artifact_path: str) -> None:
        """A JSON artifact, e.g. ``eval_report.json``."""

    def last_trace_id(self) -> str | None:
        """The id of the latest trace that the role calls produced."""
        return None


class MlflowRun(Run):
    """An active MLflow run; a store that fails mid-run costs a warning, never the evaluation."""

    def __init__(self, mlflow: Any, run: Any) -> None:
        self.mlflow, self.run_id = mlflow, run.info.run_id

    def _try(self, what: str, call: Any, *args: Any) -> Any:
        try:
            return call(*args)
        except Exception as error:  # the store went away: keep working, say what was lost
            warnings.warn(f"tracking could not {what}: {type(error).__name__}: {str(error)[:200]}", stacklevel=3)
            return None

    def log_metrics(self, metrics: Mapping[str, float]) -> None:
        numbers = {k: float(v) for k, v in metrics.items() if v is not None}
        self._try("log metrics", self.mlflow.log_metrics, numbers)

    def log_text(self, text: str, artifact_path: str) -> None:
        self._try(f"store {artifact_path}", self.mlflow.log_text, text, artifact_path)

    def log_dict(self, data: Mapping[str, Any], artifact_path: str) -> None:
        self.log_text(json.dumps(data, indent=1, default=str), artifact_path)

    def last_trace_id(self) -> str | None:
        return self._try("read the trace id", self.mlflow.get_last_active_trace_id)


def ui_command(store: Store | None, host: str, port: int) -> tuple[list[str], dict[str, str]]:
    """The ``mlflow server`` command (and its environment) that serves the local store's UI."""
    if store is None:
        raise PlancoderError("tracking is off, so there is no store to show", "set PLANCODER_TRACKING=on")
    if not store.local:
        raise PlancoderError(f"tracking goes to the server {store.uri}, not to a local store", "open its UI instead")
    Path(store.uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "mlflow", "server", "--backend-store-uri", store.uri]
    argv += ["--default-artifact-root", store.artifacts or "", "--host", host, "--port", str(port), "--workers", "1"]
    return argv, {**os.environ, **SERVER_ENV}


def import_mlflow() -> Any:
    """MLflow, imported on first use; an unreachable server fails after seconds, not minutes of retries."""
    for key, value in {"MLFLOW_DISABLE_TELEMETRY": "true", **HTTP_ENV}.items():
        os.environ.setdefault(key, value)
    import mlflow

    return mlflow


def _experiment(mlflow: Any, store: Store, role: str) -> str:
    name = EXPERIMENT.format(role=role)
    found = mlflow.get_experiment_by_name(name)
    if found is not None:
        return found.experiment_id
    location = f"{store.artifacts}/{name}" if store.artifacts else None
    return mlflow.create_experiment(name, artifact_location=location)


def _start(stack: ExitStack, store: Store, role: str, name: str, params: Mapping[str, Any]) -> Run:
    """Point MLflow at ``store`` and trace DSPy calls until the run ends; the previous state comes back then."""
    mlflow = import_mlflow()
    stack.callback(mlflow.set_tracking_uri, mlflow.get_tracking_uri())
    mlflow.set_tracking_uri(store.uri)
    experiment_id = _experiment(mlflow, store, role)
    mlflow.set_experiment(experiment_id=experiment_id)  # traces go to the active experiment, not the run's
    stack.callback(mlflow.dspy.autolog, disable=True, silent=True)
    mlflow.dspy.autolog(silent=True)
    run = stack.enter_context(mlflow.start_run(experiment_id=experiment_id, run_name=name))
    mlflow.log_params({key: str(value)[:500] for key, value in params.items()})
    return MlflowRun(mlflow, run)


@contextmanager
def tracked_run(store: Store | None, role: str, name: str, params: Mapping[str, Any]) -> Iterator[Run]:
    """An MLflow run around an evaluation; a tracking failure is a warning, never the caller's crash."""
    with ExitStack() as stack:
        if store is None:
            logger.info("tracking is off ([tracking] enabled = false)")
        try:
            run = _start(stack, store, role, name, params) if store else Run()
        except Exception as error:  # not installed, unreachable, bad URI: the work goes on untracked
            warnings.warn(f"tracking is off: {type(error).__name__}: {str(error)[:200]}", stacklevel=3)
            run = Run()
        yield run


MODEL_NAME = "plancoder-{role}"
VERSION_TAG = "plancoder_version"


def register_program(store: Store | None, role: str, version: str, path: Path, aliases: tuple[str, ...] = ()) -> None:
    """Mirror a saved program version into MLflow's model registry (model ``plancoder-<role>``).

    The version's JSON is logged as an artifact of a small run and registered from there, tagged with
    the plancoder version id; ``aliases`` (``baseline``, ``production``) point at it. Tracking that is
    off or unreachable costs a warning, never the caller's work."""
    if store is None:
        return
    try:
        _register(import_mlflow(), store, role, version, path, aliases)
    except Exception as error:  # the registry is a mirror: plancoder's own files stay the source of truth
        warnings.warn(f"tracking could not register {role} {version}: {type(error).__name__}: {error}", stacklevel=2)


def _register(mlflow: Any, store: Store, role: str, version: str, path: Path, aliases: tuple[str, ...]) -> None:
    client = mlflow.MlflowClient(tracking_uri=store.uri, registry_uri=store.uri)
    name = MODEL_NAME.format(role=role)
    found = _model_version(client, name, version)
    if found is None:
        found = _create_version(mlflow, client, store, role, version, path)
    for alias in aliases:
        client.set_registered_model_alias(name, alias, found.version)


def _model_version(client: Any, name: str, version: str) -> Any:
    try:
        versions = client.search_model_versions(f"name='{name}'")
    except Exception:  # no such model yet
        return None
    return next((v for v in versions if v.tags.get(VERSION_TAG) == version), None)


def _create_version(mlflow: Any, client: Any, store: Store, role: str, version: str, path: Path) -> Any:
    name = MODEL_NAME.format(role=role)
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(store.uri)
    try:
        experiment_id = _experiment(mlflow, store, role)
    finally:
        mlflow.set_tracking_uri(previous)
    run = client.create_run(experiment_id, run_name=f"program {role} {version}", tags={VERSION_TAG: version})
    client.log_artifact(run.info.run_id, str(path), "program")
    client.set_terminated(run.info.run_id)
    if not client.search_registered_models(f"name='{name}'"):
        client.create_registered_model(name, description=f"plancoder {role} program versions (DSPy JSON state)")
    source = f"{run.info.artifact_uri}/program/{path.name}"
    return client.create_model_version(name, source, run_id=run.info.run_id, tags={VERSION_TAG: version})
