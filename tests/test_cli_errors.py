"""Bad input and broken files on the command line: one line on stderr, exit 1, nothing changed."""

import json
import os
import socket
import subprocess
import sys

import pytest

from plancoder import cli
from plancoder.errors import shorten


@pytest.fixture(autouse=True)
def _in_tmp_path(data_home, tmp_path, monkeypatch):
    """Every command runs with a fresh data directory, in ``tmp_path``: its relative paths land there."""
    monkeypatch.chdir(tmp_path)


def test_a_data_directory_that_is_a_file_is_named(data_home, run_main):
    data_home.write_text("not a directory")
    code, err = run_main("flags")
    assert code == 1 and err == (
        f"error: the data directory {data_home} is not a directory (fix: set PLANCODER_HOME to a writable directory)\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["review", "list", "--status", "bogus"], "error: unknown status 'bogus' (fix: use one of: pending, approved"),
        (["review", "list", "--role", "writer"], "error: unknown role 'writer' (fix: use one of: planner, coder)"),
        (["programs", "list", "--config", "source.toml"], "error: source.toml: unknown key 'source'"),
        (["programs", "list", "--config", ""], "error: config file . is a directory (fix: point --config at a"),
    ],
)
def test_bad_filters_and_keys_are_errors_not_empty_answers(tmp_path, run_main, args, message):
    (tmp_path / "source.toml").write_text('source = "mine"\n')
    code, err = run_main(*args)
    assert code == 1 and err.startswith(message) and err.count("\n") == 1


def test_a_flag_file_plancoder_cannot_read_is_left_as_it_was(data_home, run_main):
    flags = data_home / "flags.json"
    data_home.mkdir()
    data = json.loads((cli.Path(cli.__file__).parent / "flags.json").read_text())
    flag = data["flags"]["OPTIMIZE_PLANNER"]
    flag |= {"state": "ENABLED", "targeting": {"fractional": [{}, ["on", "x"], ["off", 90]]}}
    flags.write_text(json.dumps(data))
    code, err = run_main("rollout", "--role", "planner", "--percent", "20")
    assert code == 1 and "flag OPTIMIZE_PLANNER in" in err and "has a rollout plancoder cannot read" in err
    assert json.loads(flags.read_text()) == data and not (data_home / "flags_audit.jsonl").exists()


def test_file_system_and_unexpected_errors_are_one_line(monkeypatch, tmp_path, run_main):
    code, err = run_main("report", "--input", str(tmp_path / "none.json"))
    assert code == 1 and err.startswith("error: ") and "Traceback" not in err
    monkeypatch.setattr("plancoder.cli_review.who", lambda by: 1 / 0)
    code, err = run_main("review", "approve", "1")
    assert code == 1 and err == (
        "error: internal error: ZeroDivisionError: division by zero "
        "(fix: set PLANCODER_DEBUG=1 for the traceback and report it)\n"
    )
    monkeypatch.setenv("PLANCODER_DEBUG", "1")
    monkeypatch.setattr("sys.argv", ["plancoder", "review", "approve", "1"])
    with pytest.raises(ZeroDivisionError):
        cli.main()


def test_the_built_in_baseline_can_be_shown_before_any_run_saved_one(run_main):
    code, out = run_main("programs", "show", "coder", "baseline", stream="out")
    shown = json.loads(out)
    assert (
        code == 0
        and shown["metadata"] == {"kind": "built-in"}
        and "Fix the bug" in next(iter(shown["instructions"].values()))
    )


def test_an_unreachable_database_is_named_with_what_to_check():
    from sqlalchemy.exc import OperationalError

    from plancoder.errors import as_user_error

    error = as_user_error(OperationalError("SELECT 1", {}, Exception("connection refused")))
    assert str(error).startswith("a database is busy, unreachable or damaged: (builtins.Exception) connection refused")
    assert error.fix.startswith("check [review] url, and review/queue.db and monitor/observations.db")


def test_a_damaged_monitor_database_is_a_user_error(data_home, run_main):
    (data_home / "monitor").mkdir(parents=True)
    (data_home / "monitor" / "observations.db").write_bytes(b"not a database" * 100)
    code, err = run_main("alerts")
    assert code == 1 and err.startswith("error: a database is busy, unreachable or damaged: file is not a database")


def test_a_config_that_is_not_utf8_is_named(tmp_path, run_main):
    (tmp_path / "bad.toml").write_bytes(b"[models]\nplanner = '\xff'\n")
    code, err = run_main("programs", "list", "--config", "bad.toml")
    assert code == 1 and "config file bad.toml is not UTF-8 text" in err and "(fix: save it as UTF-8)" in err


def test_a_data_directory_that_cannot_be_created_is_named_with_the_fix(tmp_path):
    """In a new process: DSPy's import is what first tries to create it (for its cache)."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    env = {**os.environ, "PLANCODER_HOME": str(blocker / "home")}
    done = subprocess.run(
        [sys.executable, "-c", "from plancoder.cli import main; main()", "flags"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and done.stderr.startswith(f"error: the data directory {blocker / 'home'} cannot be")
    assert done.stderr.rstrip().endswith("(fix: set PLANCODER_HOME to a writable directory)")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "--out", "taken"], "--out: taken is a directory"),
        (["eval", "--limit", "1", "--baseline", "--out-dir", "out"], "--out-dir: out/baseline.json is a directory"),
        (["migrate-check", "--out", "out/m.json"], "--out: out/m.html is a directory"),
    ],
)
def test_an_output_path_that_is_a_directory_is_refused_before_the_run(tmp_path, run_main, args, message):
    for taken in ("taken", "out/baseline.json", "out/m.html"):
        (tmp_path / taken).mkdir(parents=True)
    code, err = run_main(*args)
    assert code == 1 and err.startswith(f"error: {message}") and not (tmp_path / "out" / "eval_report.json").exists()


def test_serve_on_a_taken_port_is_a_clear_error_before_start_up(run_main):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = run_main("serve", "--port", str(port))
    assert code == 1 and f"error: cannot listen on 127.0.0.1:{port}: Address already in use" in err


def test_serve_with_a_flag_file_it_cannot_read_refuses_to_start(data_home, run_main):
    data_home.mkdir()
    (data_home / "flags.json").write_text("{not json")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, err = run_main("serve", "--port", str(port))
    assert code == 1 and f"error: cannot read flag file {data_home / 'flags.json'}" in err


def test_a_fix_task_over_the_planner_s_limit_is_refused(tmp_path, run_main):
    (tmp_path / "m.py").write_text("def f():\n    return 1\n")
    code, err = run_main("fix", "m.py", "--test-cmd", "python -V", "--task", "x" * 20_001)
    assert code == 1 and err.startswith("error: the task has 20,001 characters (limit 20,000)")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rollout", "--role", "coder", "--percent", "10", "--by", " "], "error: --by is empty"),
        (["review", "reject", "1", "--by", ""], "error: --by is empty"),
        (["demo", "--bug", ""], "error: no seeded bug ''"),
        (["programs", "promote", "coder", "v1", "--by", "ann\nforged"], "error: --by 'ann\\nforged' is not a name"),
        (["review", "approve", "1", "--by", "a" * 5000], "error: --by 'aaaa"),
    ],
)
def test_an_empty_option_is_refused_not_replaced_by_its_default(run_main, args, message):
    code, err = run_main(*args)
    assert code == 1 and err.startswith(message) and len(err) < 300


def test_a_long_by_is_told_the_limit(run_main):
    code, err = run_main("review", "approve", "1", "--by", "a" * 200)
    assert code == 1 and "aaa…aaa" in err and "at most 100 characters" in err


def test_an_over_long_path_is_shortened_in_its_error(tmp_path, run_main):
    code, err = run_main("fix", "x/" * 2100 + "a.py", "--test-cmd", "python -V", "--project", str(tmp_path))
    assert code == 1 and "File name too long" in err and "x/x…/x/x" in err and "x/a.py in " in err and len(err) < 400


def test_shorten_keeps_short_text_and_both_ends_of_long_text():
    assert shorten("abc", limit=5) == "abc"
    assert shorten("abcdefghij", limit=5) == "ab…ij"


@pytest.mark.parametrize(
    ("host", "taken", "message"), [("", False, "--host is empty"), ("127.0.0.1", True, "cannot listen")]
)
def test_the_mlflow_ui_checks_its_address_before_starting(data_home, run_main, monkeypatch, host, taken, message):
    monkeypatch.setenv("PLANCODER_TRACKING", "on")
    monkeypatch.setattr("subprocess.call", lambda *a, **k: pytest.fail("started a server on a bad address"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        if taken:
            probe.listen()
        code, err = run_main("mlflow", "ui", "--host", host, "--port", str(probe.getsockname()[1]))
    assert code == 1 and err.startswith(f"error: {message}")  # "" would listen on every interface


def test_a_stopped_mlflow_ui_is_an_error_and_an_ipv6_url_is_bracketed(data_home, run_main, monkeypatch):
    monkeypatch.setenv("PLANCODER_TRACKING", "on")
    monkeypatch.setattr(cli, "check_listenable", lambda host, port: None)
    monkeypatch.setattr("subprocess.call", lambda *a, **k: 3)
    code, err = run_main("mlflow", "ui", "--host", "::1", "--port", "5999")
    assert (
        code == 1 and "on http://[::1]:5999 (Ctrl+C" in err and "error: the MLflow UI stopped with exit code 3" in err
    )


def test_outputs_that_cannot_be_written_are_refused_before_any_work(tmp_path, run_main):
    os.mkfifo(tmp_path / "pipe.html")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    code, err = run_main("report", "--input", str(tmp_path / "none.json"), "--out", str(tmp_path / "pipe.html"))
    assert code == 1 and err.startswith(f"error: {tmp_path / 'pipe.html'} is not a regular file")  # not "cannot read"
    code, err = run_main("eval", "--role", "planner", "--out-dir", str(tmp_path / "dangling"), "--limit", "1")
    assert code == 1 and "cannot hold files: a file is in the way" in err and not (tmp_path / "nowhere").exists()
