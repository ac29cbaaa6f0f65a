"""The sandbox against real subprocesses: fixes pass, failures fail, hostile candidates are contained.

Containment that needs the OS is skipped where the probed isolation level lacks it (the degraded
levels are documented in ``plancoder.isolation``); as root on Linux with namespaces, nothing is
skipped.
"""

import contextlib
import json
import os
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from plancoder import isolation, sandbox
from plancoder.coder import for_model
from plancoder.errors import ConfigError, PlancoderError
from plancoder.home import data_dir
from plancoder.sandbox import Limits, check_test_command, is_test_path, isolation_level, run_tests

PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:anyio"]
BUGGY = "def add(a, b):\n    return a - b\n"
FIXED = "def add(a, b):\n    return a + b\n"
TEST = "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"
CHEAT = "def test_add():\n    pass\n"
LEVEL = isolation_level()
needs_namespaces = pytest.mark.skipif(not LEVEL.namespaces, reason="no namespaces here: network and /tmp are shared")
needs_own_uid = pytest.mark.skipif(not LEVEL.drop_privileges, reason="no throw-away uid here (needs root)")


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A tiny project with a bug: calc.add subtracts; test_calc.py catches it."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "calc.py").write_text(BUGGY)
    (root / "test_calc.py").write_text(TEST)
    (root / "alias.py").symlink_to("test_calc.py")
    return root


def processes(predicate: Callable[[Path], bool]) -> list[int]:
    """Live (not zombie) processes whose /proc entry satisfies ``predicate``."""
    found = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            alive = entry.name.isdigit() and (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
            if alive and predicate(entry):
                found.append(int(entry.name))
    return found


def gone(predicate: Callable[[Path], bool], within_s: float = 3.0) -> bool:
    deadline = time.monotonic() + within_s
    while processes(predicate):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def sandbox_owned(entry: Path) -> bool:
    return entry.stat().st_uid in isolation.sandbox_uids()


# --- ordinary candidates ------------------------------------------------------------------------


def test_a_correct_fix_passes_and_leaves_the_project_alone(project: Path) -> None:
    run = run_tests(project, PYTEST, changes={"calc.py": FIXED})
    assert (run.passed, run.returncode, run.violations, run.timed_out, run.truncated) == (True, 0, (), False, False)
    assert "1 passed" in run.output
    assert (project / "calc.py").read_text() == BUGGY


def test_a_failing_candidate_fails_with_the_pytest_output(project: Path) -> None:
    run = run_tests(project, PYTEST, changes={"calc.py": BUGGY.replace("a - b", "a * b")})
    assert (run.passed, run.returncode) == (False, 1)
    assert "assert 6 == 5" in run.output and "1 failed" in run.output


def test_a_syntax_error_fails_with_the_message(project: Path) -> None:
    run = run_tests(project, PYTEST, changes={"calc.py": "def add(a, b)\n    return a + b\n"})
    assert not run.passed
    assert "SyntaxError" in run.output


def test_a_string_command_is_split_without_a_shell(project: Path) -> None:
    run = run_tests(project, f"{sys.executable} -c 'print(\"$HOME\")' ; echo injected")
    assert run.passed
    assert run.output == "$HOME\n"


def test_an_empty_command_is_a_clear_error(project: Path) -> None:
    with pytest.raises(PlancoderError, match="empty"):
        run_tests(project, "  ")


def test_a_command_that_cannot_start_fails_without_a_returncode(project: Path) -> None:
    run = run_tests(project, "no-such-command-xyz --version")
    assert (run.passed, run.returncode, run.timed_out) == (False, None, False)
    assert run.output == "[sandbox] cannot start the test command 'no-such-command-xyz': No such file or directory\n"


def test_caches_and_special_files_are_not_copied(project: Path) -> None:
    for skipped in (".git", ".venv", "__pycache__", "node_modules"):
        (project / skipped).mkdir()
        (project / skipped / "x").write_text("x")
    os.mkfifo(project / "pipe")
    run = run_tests(project, python("import os; print(sorted(os.listdir()))"))
    assert run.output == "['alias.py', 'calc.py', 'test_calc.py']\n"


def test_a_missing_project_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PlancoderError, match="not a directory"):
        run_tests(tmp_path / "nowhere", ["true"])


def test_a_sandbox_directory_inside_the_project_is_refused(project: Path) -> None:
    with pytest.raises(PlancoderError, match="inside the project"):
        run_tests(project, ["true"], sandbox_dir=project / ".sandbox")
    assert not (project / ".sandbox").exists()


def test_an_explicit_sandbox_directory_is_used_and_left_empty(project: Path, tmp_path: Path) -> None:
    run = run_tests(project, python("import os; print(os.listdir('..'))"), sandbox_dir=tmp_path / "box")
    assert run.passed and "'project'" in run.output
    assert list((tmp_path / "box").iterdir()) == []


def test_the_isolation_level_names_what_it_leaves_open() -> None:
    assert isolation.Isolation(namespaces=True, drop_privileges=True).gaps() == []
    gaps = isolation.Isolation(namespaces=False, drop_privileges=False).gaps()
    assert [gap.split(":")[0] for gap in gaps] == ["no namespaces", "no throw-away uid"]


def test_the_process_count_of_this_user_counts_threads() -> None:
    """RLIMIT_NPROC counts threads: 20 parked threads raise the count by 20 (10 allow for other tasks ending)."""
    before, release = isolation.user_tasks(), threading.Event()
    parked = [threading.Thread(target=release.wait) for _ in range(20)]
    for thread in parked:
        thread.start()
    try:
        assert isolation.user_tasks() - before >= 10
    finally:
        release.set()


def test_limits_must_be_positive() -> None:
    with pytest.raises(ConfigError, match="wall_s=0"):
        Limits(wall_s=0)


def test_the_overhead_of_a_run_is_well_under_a_second(project: Path) -> None:
    start = time.monotonic()
    run = run_tests(project, ["true"])
    assert run.passed
    assert time.monotonic() - start < 1.0


@pytest.mark.parametrize(
    ("relpath", "expected"),
    [
        ("test_calc.py", True),
        ("pkg/calc_test.py", True),
        ("conftest.py", True),
        ("sub/conftest.py", True),
        ("tests/helpers.py", True),
        ("pkg/tests/data/case.json", True),
        ("./tests/x.py", True),
        ("app/tests.py", True),  # Django
        ("test/helpers.py", True),
        ("pkg/testing/fixtures.py", True),
        ("calc.py", False),
        ("testing.py", False),
        ("test_data.txt", False),
        ("contest.py", False),
        ("", False),
    ],
)
def test_is_test_path(relpath: str, expected: bool) -> None:
    assert is_test_path(relpath) is expected


# --- changes the candidate may not make ---------------------------------------------------------


@pytest.mark.article("I")
def test_a_change_to_a_test_file_is_refused_and_the_real_test_runs(project: Path) -> None:
    run = run_tests(project, PYTEST, changes={"calc.py": BUGGY, "test_calc.py": CHEAT})
    assert not run.passed
    assert run.violations == ("tests are read-only: the candidate changed test_calc.py (not applied)",)
    assert "1 failed" in run.output


@pytest.mark.article("I")
@pytest.mark.parametrize(
    ("relpath", "rule"),
    [
        ("test_calc.py", "tests are read-only"),
        ("alias.py", "tests are read-only"),  # a symlink to test_calc.py
        ("tests/test_new.py", "tests are read-only"),
        ("tests/helpers.py", "tests are read-only"),
        ("conftest.py", "tests are read-only"),
        ("pkg/calc_test.py", "tests are read-only"),
        ("data/expected.json", "tests are read-only"),  # protected by the caller
        ("pyproject.toml", "the test configuration is read-only"),
    ],
)
def test_protected_paths_are_not_changed(project: Path, relpath: str, rule: str) -> None:
    show = python(f"import pathlib; p = pathlib.Path({relpath!r}); print(p.read_text() if p.exists() else 'absent')")
    run = run_tests(project, show, changes={"calc.py": FIXED, relpath: CHEAT}, protected=["data/"])
    assert not run.passed and run.returncode == 0
    assert len(run.violations) == 1 and run.violations[0].startswith(f"{rule}: the candidate changed ")
    assert CHEAT not in run.output


@pytest.mark.article("I")
@pytest.mark.parametrize("relpath", ["../escaped.py", "sub/../../escaped.py", "link/escaped.py", "ABSOLUTE", ""])
def test_paths_escaping_the_copy_are_refused(project: Path, tmp_path: Path, relpath: str) -> None:
    (tmp_path / "outside").mkdir()
    (project / "link").symlink_to(tmp_path / "outside")
    relpath = str(tmp_path / "escaped.py") if relpath == "ABSOLUTE" else relpath
    run = run_tests(project, ["true"], changes={"calc.py": FIXED, relpath: "pwned = True\n"})
    assert not run.passed
    assert run.violations == (f"the path escapes the project copy: {relpath!r} (not applied)",)
    assert list(tmp_path.rglob("escaped.py")) == []


@pytest.mark.article("I")
@pytest.mark.parametrize("tamper", [f"write_text({CHEAT!r})", "unlink()"], ids=["rewritten", "deleted"])
def test_the_command_changing_a_test_file_is_a_violation(project: Path, tamper: str) -> None:
    rewrite = f"import pathlib\npathlib.Path(__file__).with_name('test_calc.py').{tamper}\n"
    run = run_tests(project, python("import calc"), changes={"calc.py": rewrite + FIXED})
    assert run.returncode == 0 and not run.passed
    assert run.violations == ("tests are read-only: the command changed test_calc.py during the run",)


def test_a_script_of_the_project_is_a_test_command_a_missing_one_is_not(project: Path) -> None:
    script = project / "run_tests.sh"
    script.write_text("#!/bin/sh\nexit 0\n")
    script.chmod(0o755)
    check_test_command(project, "./run_tests.sh")
    assert run_tests(project, "./run_tests.sh").passed
    with pytest.raises(PlancoderError, match=r"program '\./other\.sh' is not found"):
        check_test_command(project, "./other.sh")


def test_a_change_that_cannot_be_written_is_a_violation(project: Path) -> None:
    (project / "pkg").mkdir()
    run = run_tests(project, ["true"], changes={"pkg": "not a directory\n"})
    assert not run.passed
    assert run.violations == ("cannot apply the change to pkg: Is a directory",)


# --- hostile candidates -------------------------------------------------------------------------


def test_an_infinite_loop_is_killed_at_the_wall_limit(project: Path) -> None:
    run = run_tests(project, PYTEST, changes={"calc.py": "while True:\n    pass\n"}, limits=Limits(wall_s=2))
    assert run.timed_out and not run.passed
    assert 2 <= run.duration_s < 4
    assert "timed out after 2 s" in run.output


@needs_own_uid
def test_a_process_that_leaves_the_session_dies_with_the_run(project: Path) -> None:
    marker = f"escapee-{uuid.uuid4().hex}"
    sleeper = f"import time; time.sleep(300)  # {marker}"
    spawn = (
        "import subprocess, sys, time\n"
        f"escapee = subprocess.Popen([sys.executable, '-c', {sleeper!r}], start_new_session=True)\n"
        "time.sleep(0.2)\nassert escapee.poll() is None  # it lives: the sandbox must end it\n"
    )
    run = run_tests(project, PYTEST, changes={"calc.py": spawn + FIXED})
    assert run.passed
    assert gone(lambda entry: marker.encode() in (entry / "cmdline").read_bytes())


@pytest.mark.skipif(os.geteuid() == 0 and not LEVEL.drop_privileges, reason="root without a throw-away uid: no cap")
def test_a_fork_bomb_is_capped_and_killed(project: Path) -> None:
    bomb = (
        "import os\n\ncapped = False\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n"
        "        if not capped:\n            print('capped', flush=True)\n        capped = True\n"
    )
    run = run_tests(project, python("import calc"), changes={"calc.py": bomb}, limits=Limits(wall_s=2, processes=16))
    assert run.timed_out and not run.passed and "capped" in run.output
    assert run.duration_s < 4
    assert gone(sandbox_owned)


@pytest.mark.parametrize(
    "hog",
    ["hog = bytearray(64 * 1024**3)\n", "hog = []\nwhile True:\n    hog.append(bytearray(10**7))\n"],
    ids=["at-once", "gradually"],
)
def test_a_memory_bomb_fails_cleanly(project: Path, hog: str) -> None:
    run = run_tests(project, PYTEST, changes={"calc.py": hog + FIXED}, limits=Limits(memory_mb=400))
    assert not run.passed and not run.timed_out
    assert "MemoryError" in run.output


@pytest.mark.parametrize(
    ("code", "limits", "message"),
    [
        ("open('big', 'wb').write(b'x' * 3 * 1024**2)", Limits(file_mb=1), "File too large"),
        ("while True:\n    pass", Limits(cpu_s=1, wall_s=10), "killed by the CPU time limit"),
    ],
    ids=["file-size", "cpu"],
)
def test_resource_limits_stop_the_command(project: Path, code: str, limits: Limits, message: str) -> None:
    run = run_tests(project, python(code), limits=limits)
    assert not run.passed and not run.timed_out
    assert message in run.output


def test_huge_output_is_capped_keeping_head_and_tail(project: Path) -> None:
    flood = "print('HEAD-MARK')\nfor _ in range(3000):\n    print('y' * 10_000)\n"
    run = run_tests(project, [*PYTEST, "-s"], changes={"calc.py": flood + FIXED}, limits=Limits(output_bytes=4000))
    assert run.passed and run.truncated
    assert len(run.output.encode()) <= 4000
    assert run.output.startswith("HEAD-MARK") and "bytes of output cut" in run.output
    assert "1 passed" in run.output


@pytest.mark.article("I")
@needs_namespaces
@needs_own_uid
def test_writes_outside_the_copy_do_not_land(project: Path, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex
    targets = [project / "calc.py", project / "new.txt", tmp_path / "outside.txt", Path.home() / f"escape-{tag}"]
    targets += [Path(folder, f"escape-{tag}") for folder in isolation.PRIVATE_TMP if os.path.isdir(folder)]
    attempt = f"for target in {[str(t) for t in targets]!r}:\n    try:\n        open(target, 'w').write('pwned')\n"
    attempt += "    except OSError as exc:\n        print(target, exc)\n"
    run = run_tests(project, python("import calc"), changes={"calc.py": attempt + FIXED})
    assert run.returncode == 0
    assert (project / "calc.py").read_text() == BUGGY
    assert [target for target in targets[1:] if target.exists()] == []


@pytest.mark.article("I")
def test_secrets_in_the_environment_do_not_reach_the_command(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "DB_PASSWORD"]
    for name in secrets:
        monkeypatch.setenv(name, f"secret-value-{name}")
    show = "import json, os, shutil, sys; print(json.dumps([dict(os.environ), sys.prefix, shutil.which('pytest')]))"
    run = run_tests(project, python(show))
    env, prefix, pytest_path = json.loads(run.output)
    assert "secret-value" not in run.output
    allowed = {"PATH", "LANG", "LC_ALL", "TZ", "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED", "HOME", "TMPDIR"}
    assert set(env) - {"LC_CTYPE"} <= allowed  # Python itself sets LC_CTYPE when LANG is unset (PEP 538)
    assert env["PATH"].split(os.pathsep)[0] == os.path.dirname(sys.executable)
    assert (prefix, pytest_path) == (sys.prefix, os.path.join(os.path.dirname(sys.executable), "pytest"))
    assert env["PYTHONHASHSEED"] == "0" and env["HOME"].endswith("/home") and env["TMPDIR"].endswith("/tmp")


@needs_namespaces
def test_the_network_is_cut(project: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        connect = f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=2); print('CONNECTED')"
        run = run_tests(project, python(connect))
        assert run.returncode != 0 and "CONNECTED" not in run.output
        assert "Network is unreachable" in run.output
        with socket.create_connection(("127.0.0.1", port), timeout=2):  # the port was open all along
            pass


@pytest.mark.parametrize(
    ("code", "limits"),
    [
        ("print('done')", Limits()),
        ("import os\nos.makedirs('locked/deep')\nos.chmod('locked', 0)\nwhile True:\n    pass", Limits(wall_s=1)),
    ],
    ids=["finished", "timed-out"],
)
def test_the_run_directory_is_removed(project: Path, code: str, limits: Limits) -> None:
    base = data_dir() / "sandbox"
    run_tests(project, python(code), limits=limits)
    assert list(base.iterdir()) == []


def test_a_path_in_the_run_directory_reads_the_same_in_every_run(project: Path, monkeypatch: pytest.MonkeyPatch):
    """Without namespaces each run has its own directory; the output names it as an isolated run sees it."""
    monkeypatch.setattr(sandbox, "_isolation", lambda base: isolation.Isolation(False, False))
    (project / "test_where.py").write_text("import os\n\n\ndef test_where():\n    print(os.getcwd())\n    assert 0\n")
    command = [*PYTEST, "test_where.py"]
    outputs = [run_tests(project, command, limits=Limits(wall_s=60)).output for _ in range(2)]
    assert for_model(outputs[0]) == for_model(outputs[1])
    assert f"{isolation.VISIBLE_ROOT}/project" in outputs[0]
