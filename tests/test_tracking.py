"""Tracking against a real local MLflow store (SQLite + artifact directory) in a temporary data directory."""

import json
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from buggy_calc import BUGGY, TEST_CMD, fix_reply
from test_cli_coder import _original_function
from typer.testing import CliRunner

from plancoder import cli
from plancoder.errors import PlancoderError
from plancoder.scripted import Script
from plancoder.tracking import Store, store_for, ui_command

runner = CliRunner()


def test_the_store_is_the_env_uri_then_the_config_then_the_local_sqlite_file(tmp_path):
    local = store_for(True, "", tmp_path, {})
    assert local.local and local.uri == f"sqlite:///{tmp_path}/mlflow/mlflow.db"
    assert local.artifacts == (tmp_path / "mlflow" / "artifacts").as_uri()
    assert store_for(True, "http://team:5000", tmp_path, {}) == Store("http://team:5000")
    assert store_for(True, "http://team:5000", tmp_path, {"PLANCODER_MLFLOW_URI": "http://mine:5000"}).uri == (
        "http://mine:5000"
    )
    assert store_for(False, "", tmp_path, {}) is None
    assert store_for(True, "", tmp_path, {"PLANCODER_TRACKING": "off"}) is None


def seeded_eval(project, tmp_path, monkeypatch, env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    (project / "calc.py").write_text(BUGGY.replace("a - b", "a + b"))
    out = tmp_path / "bugs"
    args = ["seed-bugs", "calc.py", "--test-cmd", TEST_CMD, "--out", str(out), "--per-file", "2"]
    assert runner.invoke(cli.app, args).exit_code == 0
    script = Script(lambda messages: fix_reply(_original_function(messages)))
    args = ["eval", "--suite", str(out / "bugs.json"), "--model", script.spec, "--out-dir", str(tmp_path / "eval")]
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    return json.loads((tmp_path / "eval" / "eval_report.json").read_text())["coder"]


def test_an_evaluation_is_an_mlflow_run_with_params_metrics_artifacts_and_traces(
    in_calc_project, data_home, tmp_path, monkeypatch
):
    import mlflow
    from mlflow.tracking import MlflowClient

    report = seeded_eval(in_calc_project, tmp_path, monkeypatch, {"PLANCODER_TRACKING": "on"})
    store = store_for(True, "", data_home, {})
    client = MlflowClient(store.uri)
    run = client.get_run(report["mlflow_run_id"])
    assert run.data.params["role"] == "coder" and run.data.params["data_hash"] == report["data_hash"]
    assert run.data.params["dspy_version"] == report["dspy_version"]
    assert run.data.metrics["all.pass_rate"] == report["totals"]["pass_rate"]
    assert run.data.metrics["all.tasks"] == 2 and "all.latency_s_p95" in run.data.metrics
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert artifacts == {"eval_report.json", "patches"}
    patches = client.list_artifacts(run.info.run_id, "patches")
    assert sorted(Path(p.path).stem for p in patches) == sorted(t["id"] for t in report["tasks"] if t["diff"])
    assert len(patches) >= 1
    mlflow.set_tracking_uri(store.uri)
    mlflow.flush_trace_async_logging()
    trace = mlflow.get_trace(report["tasks"][0]["mlflow_trace_id"])
    assert trace is not None and any(span.name.startswith("Coder") for span in trace.data.spans)
    experiment = client.get_experiment_by_name("plancoder-coder").experiment_id
    assert len(mlflow.search_traces(locations=[experiment], return_type="list")) == 2  # one per bug


def test_an_unreachable_store_is_a_warning_and_the_evaluation_still_runs(in_calc_project, tmp_path, monkeypatch):
    env = {"PLANCODER_TRACKING": "on", "PLANCODER_MLFLOW_URI": "http://127.0.0.1:9"}
    with pytest.warns(UserWarning, match="tracking is off"):
        report = seeded_eval(in_calc_project, tmp_path, monkeypatch, env)
    assert report["totals"]["tasks"] == 2 and report["mlflow_run_id"] is None
    assert all(task["mlflow_trace_id"] is None for task in report["tasks"])


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_mlflow_ui_serves_the_local_store_on_loopback(tmp_path):
    port = free_port()
    argv, env = ui_command(store_for(True, "", tmp_path, {}), "127.0.0.1", port)
    server = subprocess.Popen(argv, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/health") == "OK"
        experiments = json.loads(wait_for(f"http://127.0.0.1:{port}/api/2.0/mlflow/experiments/search?max_results=5"))
        assert experiments["experiments"][0]["name"] == "Default"
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for(url, seconds=90):
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_the_ui_command_refuses_a_remote_or_disabled_store():
    with pytest.raises(PlancoderError, match="tracking goes to the server http://team:5000"):
        ui_command(Store("http://team:5000"), "127.0.0.1", 5000)
    with pytest.raises(PlancoderError, match="tracking is off, so there is no store to show"):
        ui_command(None, "127.0.0.1", 5000)


def test_program_versions_are_mirrored_in_mlflows_model_registry_with_aliases(tmp_path):
    import dspy
    import mlflow

    from plancoder.registry import Registry
    from plancoder.tracking import register_program

    store = store_for(True, "", tmp_path, {})
    registry = Registry(tmp_path / "programs", "planner")
    for version in ("baseline", None):
        saved = registry.save(dspy.Predict("question -> answer"), {"kind": "test"}, version)
        register_program(store, "planner", saved.id, registry.path(saved.id), ("baseline",) if version else ())
    register_program(store, "planner", "v1", registry.path("v1"), ("production",))
    client = mlflow.MlflowClient(tracking_uri=store.uri, registry_uri=store.uri)

    def aliased(alias):
        return client.get_model_version_by_alias("plancoder-planner", alias).tags["plancoder_version"]

    assert (aliased("baseline"), aliased("production")) == ("baseline", "v1")
    register_program(store, "planner", "baseline", registry.path("baseline"), ("production",))  # a rollback
    assert aliased("production") == "baseline"
    assert len(client.search_model_versions("name='plancoder-planner'")) == 2  # no version registered twice
    source = client.get_model_version_by_alias("plancoder-planner", "baseline").source
    downloaded = mlflow.artifacts.download_artifacts(source, tracking_uri=store.uri, dst_path=str(tmp_path / "dl"))
    assert json.loads(Path(downloaded).read_text())["id"] == "baseline"


def test_an_unreachable_registry_is_a_warning_and_the_version_stays_saved(tmp_path):
    from plancoder.tracking import Store, register_program

    path = tmp_path / "v1.json"
    path.write_text("{}")
    with pytest.warns(UserWarning, match="tracking could not register planner v1"):
        register_program(Store("http://127.0.0.1:9"), "planner", "v1", path)
    assert path.read_text() == "{}"
