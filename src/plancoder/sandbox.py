"""Run a test command against candidate code in a throw-away copy of a project.

The Coder's candidates are treated as hostile. ``run_tests`` copies the project (without .git,
.venv, caches and node_modules) into a fresh run directory under ``data_dir()/"sandbox"`` (or
``sandbox_dir``), applies the candidate's changes, runs the command there and always deletes the
run directory afterwards. The run directory holds ``project/`` (the cwd), ``home/`` and ``tmp/``.

* **Changes** that are absolute, contain ``..`` or resolve outside the copy (symlinks) are
  violations and are not applied; so are changes to protected paths: ``protected``, every
  ``is_test_path`` and the test runner's configuration (``RUNNER_CONFIG``). A protected file that
  the command itself modifies or deletes during the run is a violation too.
* **The command** runs without a shell, with stdin closed, in a new session, under a wall-clock
  timeout that kills every process of the run, with rlimits (CPU, address space, file size, open
  files, processes, no core dumps), its stdout and stderr captured together into a bounded buffer
  (head and tail kept, the cut marked), and an environment built from an allow-list: PATH (with
  the directory of ``sys.executable`` first, so ``python -m pytest`` and ``pytest`` are
  plancoder's), LANG, LC_ALL, TZ, PYTHONDONTWRITEBYTECODE=1, PYTHONHASHSEED=0, and HOME and TMPDIR
  in the run directory. No other variable (API keys, tokens, AWS_*) ever reaches it.
* **Isolation** where the OS allows it (see ``plancoder.isolation``): no network, a private /tmp,
  a read-only /, a throw-away uid. The strongest level that works is probed once per sandbox
  directory; a weaker one is logged as a warning and the run goes on with what is available.
* **The output** names the run directory as the isolated command sees it (``VISIBLE_ROOT``) at every level,
  so a printed path is the same in every run (a path pytest shortens in an assertion's repr stays as it is).

Limitations: the candidate runs inside the test runner's process, so hostile code could still fake
a pass from within (``os._exit(0)``, patching pytest); the disk space written inside the run
directory is bounded only by the file-size limit and the time; processes can see (not signal) the
machine's other processes.
"""

import contextlib
import functools
import hashlib
import logging
import os
import resource
import select
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from plancoder import isolation, spectrum
from plancoder.errors import ConfigError, PlancoderError
from plancoder.home import data_dir

logger = logging.getLogger(__name__)

SKIPPED = (".git", ".venv", "__pycache__", "node_modules", ".pytest_cache", ".mypy_cache", ".ruff_cache")
"""Names never copied into the run directory."""
RUNNER_CONFIG = frozenset({"pytest.ini", ".pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini"})
"""Files that configure the test runner (they could deselect tests): protected like tests."""
ENV_ALLOWED = ("LANG", "LC_ALL", "TZ")
"""The only variables taken over from plancoder's environment (besides PATH)."""
_DRAIN_S = 1.0
_MARK_ROOM = 120
_SIGNAL_NOTES = {
    signal.SIGXCPU: "the CPU time limit",
    signal.SIGXFSZ: "the file size limit",
    signal.SIGKILL: "SIGKILL (a limit or the sandbox)",
}


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed run; every value must be positive."""

    wall_s: float = 60.0
    """Wall-clock timeout for the whole command; every process of the run is killed when it passes."""
    cpu_s: int = 60
    """CPU seconds per process (RLIMIT_CPU)."""
    memory_mb: int = 1024
    """Address space per process (RLIMIT_AS)."""
    output_bytes: int = 64_000
    """Cap on the captured stdout+stderr: the head and the tail are kept around a marked cut."""
    processes: int = 64
    """Processes and threads the run may have at once (RLIMIT_NPROC), against fork bombs."""
    file_mb: int = 64
    """Largest file a process may write (RLIMIT_FSIZE)."""
    open_files: int = 256
    """Open file descriptors per process (RLIMIT_NOFILE)."""
    tmp_mb: int = 64
    """Size of each private tmpfs over /tmp, /var/tmp and /dev/shm (with namespaces)."""

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if not value > 0:
                raise ConfigError(f"sandbox limit {field.name}={value!r} is not positive", "use a number above 0")


@dataclass(frozen=True)
class TestRun:
    """The outcome of one sandboxed run."""

    __test__ = False  # not a pytest test class

    passed: bool
    """Exit status 0, not timed out, no violations."""
    returncode: int | None
    """The command's exit status (negative: killed by that signal); None when it could not start."""
    output: str
    """stdout and stderr interleaved, capped, decoded with errors="replace", with the sandbox's notes."""
    duration_s: float
    """Wall-clock time of the command."""
    timed_out: bool
    """The wall-clock limit passed and the run was killed."""
    truncated: bool
    """The output was cut in the middle."""
    violations: tuple[str, ...]
    """Rules the candidate broke, e.g. a change to a test file; any of them fails the run."""
    lines_run: spectrum.Spectrum = ()
    """With ``trace``: per pytest test, whether it failed and the lines of the traced file it ran."""


TEST_DIRS = {"tests", "test", "testing"}


@dataclass
class _Outcome:
    returncode: int | None
    output: str
    truncated: bool
    timed_out: bool
    duration_s: float


def is_test_path(relpath: str) -> bool:
    """Whether ``relpath`` is test code: test_*.py, *_test.py, tests.py (Django's), conftest.py, or anything
    under a tests/, test/ or testing/ directory."""
    parts = PurePosixPath(relpath.replace("\\", "/")).parts
    if not parts:
        return False
    name = parts[-1]
    is_test_module = name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))
    return is_test_module or name in ("conftest.py", "tests.py") or bool(TEST_DIRS & set(parts[:-1]))


def run_tests(
    project: Path,
    test_cmd: str | Sequence[str],
    *,
    changes: Mapping[str, str] | None = None,
    protected: Sequence[str] = (),
    limits: Limits = Limits(),
    sandbox_dir: Path | None = None,
    trace: str | None = None,
) -> TestRun:
    """Run ``test_cmd`` in a throw-away copy of ``project`` with ``changes`` (relative path -> new text) applied;
    with ``trace`` (a file of the project), record which of its lines each pytest test ran."""
    argv = _argv(test_cmd)
    base = _base_dir(sandbox_dir, project)
    level = _isolation(base)
    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=base))
    try:
        copy = run_dir / "project"
        _copy_project(Path(project), copy)
        violations = _apply(copy, changes or {}, protected)
        before = _fingerprint(copy, protected)
        if trace:
            spectrum.install(run_dir)
        outcome = _execute(run_dir, argv, limits, level, trace)
        violations += _tampered(copy, before)
        lines_run = spectrum.collect(run_dir) if trace else ()
    finally:
        _remove(run_dir)
    passed = outcome.returncode == 0 and not outcome.timed_out and not violations
    output = as_seen_inside(outcome.output, run_dir)
    return TestRun(passed, outcome.returncode, output, outcome.duration_s, outcome.timed_out,
                   outcome.truncated, tuple(violations), lines_run)  # fmt: skip


def as_seen_inside(output: str, run_dir: Path) -> str:
    """The output with the run directory written as the isolated command sees it (``VISIBLE_ROOT``): without
    namespaces the path is new in every run, and a path the tests print would change the Coder's prompt."""
    for path in dict.fromkeys([str(run_dir.resolve()), str(run_dir)]):
        output = output.replace(path, isolation.VISIBLE_ROOT)
    return output


def isolation_level(sandbox_dir: Path | None = None) -> isolation.Isolation:
    """The isolation runs get on this machine (probed once per sandbox directory)."""
    return _isolation(_base_dir(sandbox_dir))


def check_test_command(project: Path, test_cmd: str | Sequence[str]) -> None:
    """A clear error, before any run, when the user's command is empty or names a program that is not there
    (a run of it would only fail, reported as its output)."""
    program = _argv(test_cmd)[0]
    path = Path(project) / program if "/" in program else None  # else looked up on the search path
    if not (path.is_file() if path else shutil.which(program, path=_search_path())):
        raise PlancoderError(
            f"the test command's program '{program}' is not found", "give a command such as 'python -m pytest -q'"
        )
    if path and not os.access(path, os.X_OK):
        raise PlancoderError(
            f"the test command's program '{program}' is not executable",
            f"make it executable (chmod +x {program}) or run it through its interpreter, e.g. 'sh {program}'",
        )


def _argv(test_cmd: str | Sequence[str]) -> list[str]:
    try:
        argv = shlex.split(test_cmd) if isinstance(test_cmd, str) else [str(arg) for arg in test_cmd]
    except ValueError as error:
        raise PlancoderError(f"the test command {test_cmd!r} cannot be split: {error}", "close the quote") from None
    if not argv:
        raise PlancoderError("the test command is empty", "give a command such as 'python -m pytest -q'")
    return argv


def _base_dir(sandbox_dir: Path | None, project: Path | None = None) -> Path:
    """The directory that holds the run directories (created), never inside the project it copies."""
    base = (Path(sandbox_dir) if sandbox_dir is not None else data_dir() / "sandbox").resolve()
    if project is not None and base.is_relative_to(Path(project).resolve()):
        raise PlancoderError(f"the sandbox directory {base} is inside the project {project}",
                             "pass a sandbox_dir outside the project or set PLANCODER_HOME elsewhere")  # fmt: skip
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    return base


# --- the copy and the changes -------------------------------------------------------------------


def _copy_project(project: Path, copy: Path) -> None:
    if not project.is_dir():
        raise PlancoderError(f"the project {project} is not a directory", "pass the project's root directory")
    shutil.copytree(project, copy, symlinks=True, ignore=_not_copied)


def _not_copied(folder: str, names: list[str]) -> set[str]:
    """SKIPPED names, and sockets, pipes and devices (copying a pipe would block)."""
    return {name for name in names if name in SKIPPED or _special(os.path.join(folder, name))}


def _special(path: str) -> bool:
    mode = os.lstat(path).st_mode
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode))


def _apply(copy: Path, changes: Mapping[str, str], protected: Sequence[str]) -> list[str]:
    """Write the allowed changes into the copy; return the violations of the others."""
    violations = []
    for path, text in changes.items():
        target = _target(copy, path)
        if target is None:
            violations.append(f"the path escapes the project copy: {path!r} (not applied)")
            continue
        relpath = target.relative_to(copy.resolve()).as_posix()
        rule = _protection(PurePosixPath(path).as_posix(), protected) or _protection(relpath, protected)
        if rule:
            violations.append(f"{rule}: the candidate changed {relpath} (not applied)")
            continue
        violations.extend(_write(target, text, relpath))
    return violations


def _target(copy: Path, path: str) -> Path | None:
    """Where a change to ``path`` lands, or None when it would land outside the copy."""
    pure = PurePosixPath(path)
    if not path or pure.is_absolute() or ".." in pure.parts or "\0" in path:
        return None
    root = copy.resolve()
    target = (root / pure).resolve()
    return target if target != root and target.is_relative_to(root) else None


def _protection(relpath: str, protected: Sequence[str]) -> str | None:
    """The rule that makes ``relpath`` read-only for the candidate, if any."""
    if is_test_path(relpath) or any(_under(relpath, PurePosixPath(p).as_posix()) for p in protected):
        return "tests are read-only"
    if PurePosixPath(relpath).name in RUNNER_CONFIG:
        return "the test configuration is read-only"
    return None


def _under(relpath: str, prefix: str) -> bool:
    return relpath == prefix or relpath.startswith(f"{prefix}/")


def _write(target: Path, text: str, relpath: str) -> list[str]:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        return [f"cannot apply the change to {relpath}: {exc.strerror or exc}"]
    return []


def _fingerprint(copy: Path, protected: Sequence[str]) -> dict[str, tuple[str, bytes | None]]:
    """The rule and digest of every protected file in the copy, to notice the command changing one."""
    digests = {}
    for folder, _, names in os.walk(copy):
        for name in names:
            relpath = Path(folder, name).relative_to(copy).as_posix()
            if rule := _protection(relpath, protected):
                digests[relpath] = (rule, _digest(copy / relpath))
    return digests


def _digest(path: Path) -> bytes | None:
    """SHA-256 of a regular file; None for anything else (gone, a symlink, a pipe)."""
    with contextlib.suppress(OSError):
        if stat.S_ISREG(path.lstat().st_mode):
            return hashlib.sha256(path.read_bytes()).digest()
    return None


def _tampered(copy: Path, before: Mapping[str, tuple[str, bytes | None]]) -> list[str]:
    changed = [(relpath, rule) for relpath, (rule, digest) in before.items() if _digest(copy / relpath) != digest]
    return [f"{rule}: the command changed {relpath} during the run" for relpath, rule in changed]


def _remove(run_dir: Path) -> None:
    """Delete the run directory, even where the command took permissions away."""
    try:
        shutil.rmtree(run_dir)
    except OSError:
        _unlock(run_dir)
        shutil.rmtree(run_dir, ignore_errors=True)
    if run_dir.exists():
        logger.warning("sandbox: could not delete the run directory %s", run_dir)


def _unlock(root: Path) -> None:
    with contextlib.suppress(OSError):
        os.chmod(root, 0o700)
    for folder, names, _ in os.walk(root):
        for name in names:
            with contextlib.suppress(OSError):
                if not os.path.islink(os.path.join(folder, name)):
                    os.chmod(os.path.join(folder, name), 0o700)


# --- running the command ------------------------------------------------------------------------


def _execute(
    run_dir: Path, argv: list[str], limits: Limits, level: isolation.Isolation, trace: str | None = None
) -> _Outcome:
    """Run ``argv`` in ``run_dir/project`` under ``level``, tracing the file ``trace``; kill whatever is left."""
    uid = isolation.pick_uid() if level.drop_privileges else None
    for name in ("home", "tmp"):
        (run_dir / name).mkdir(exist_ok=True)
    if uid is not None:
        _chown_tree(run_dir, uid)
    visible = isolation.VISIBLE_ROOT if level.namespaces else str(run_dir)
    setup = isolation.child_setup(level, str(run_dir), uid, _rlimits(limits, uid is not None), limits.tmp_mb)
    capture = _Capture(limits.output_bytes)
    start = time.monotonic()
    try:
        proc = _spawn(argv, run_dir / "project", _environment(visible, trace), setup)
    except OSError as exc:
        return _Outcome(None, f"[sandbox] cannot start the test command {argv[0]!r}: {exc.strerror or exc}\n", False,
                        False, time.monotonic() - start)  # fmt: skip
    timed_out = _collect(proc, capture, limits.wall_s, lambda: isolation.kill_all(proc.pid, uid))
    duration = time.monotonic() - start
    capture.add(_note(proc.returncode, timed_out, limits).encode())
    output, truncated = capture.text()
    return _Outcome(proc.returncode, output, truncated, timed_out, duration)


def _chown_tree(root: Path, uid: int) -> None:
    os.chown(root, uid, uid)
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            os.lchown(os.path.join(folder, name), uid, uid)


def _rlimits(limits: Limits, own_uid: bool) -> list[tuple[int, int, int]]:
    """(resource, soft, hard) for the child, never above plancoder's own hard limits."""
    mib = 1024 * 1024
    processes = limits.processes if own_uid else isolation.user_tasks() + limits.processes
    wanted = [
        (resource.RLIMIT_CPU, limits.cpu_s, limits.cpu_s + 1),
        (resource.RLIMIT_AS, limits.memory_mb * mib, limits.memory_mb * mib),
        (resource.RLIMIT_FSIZE, limits.file_mb * mib, limits.file_mb * mib),
        (resource.RLIMIT_NOFILE, limits.open_files, limits.open_files),
        (resource.RLIMIT_NPROC, processes, processes),
        (resource.RLIMIT_CORE, 0, 0),
    ]
    return [_within_hard_limit(*limit) for limit in wanted]


def _within_hard_limit(limit: int, soft: int, hard: int) -> tuple[int, int, int]:
    current = resource.getrlimit(limit)[1]
    if current == resource.RLIM_INFINITY:
        return limit, soft, hard
    return limit, min(soft, current), min(hard, current)


def _environment(root: str, trace: str | None = None) -> dict[str, str]:
    """The command's environment, from an allow-list: never plancoder's secrets."""
    env = {name: os.environ[name] for name in ENV_ALLOWED if name in os.environ}
    env["PATH"] = _search_path()
    env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0", HOME=f"{root}/home", TMPDIR=f"{root}/tmp")
    return env | (spectrum.environment(root, trace) if trace else {})


def _search_path() -> str:
    """The command's PATH: this Python's directory first, so that ``python`` is the one plancoder runs on."""
    return os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", os.defpath)])


def _spawn(argv: list[str], cwd: Path, env: dict[str, str], setup: Callable[[], None]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True, preexec_fn=setup,
    )  # fmt: skip


def _collect(proc: subprocess.Popen[bytes], capture: "_Capture", wall_s: float, kill: Callable[[], None]) -> bool:
    """Capture the output until the command exits or ``wall_s`` passes, then kill what is left.
    Return whether it timed out."""
    assert proc.stdout is not None
    reader = threading.Thread(target=capture.read_all, args=(proc.stdout,), daemon=True)
    reader.start()
    try:
        return not _exited_within(proc, wall_s)
    finally:
        kill()
        proc.wait()
        reader.join(_DRAIN_S)  # a writer that escaped the kill only delays the reader, which closes the pipe


def _exited_within(proc: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait for the command's exit without polling (a pidfd), or by polling where there is none."""
    try:
        pidfd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):  # not Linux >= 5.3
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout)
        return proc.poll() is not None
    try:
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        return bool(poller.poll(timeout * 1000))
    finally:
        os.close(pidfd)


def _note(returncode: int, timed_out: bool, limits: Limits) -> str:
    """The sandbox's own line at the end of the output, if it has something to say."""
    if timed_out:
        return f"\n[sandbox] timed out after {limits.wall_s:g} s: every process of the run was killed\n"
    if returncode < 0:
        cause = _SIGNAL_NOTES.get(-returncode) or signal.strsignal(-returncode) or f"signal {-returncode}"
        return f"\n[sandbox] the command was killed by {cause}\n"
    return ""


class _Capture:
    """Output bounded while it is read: the first half of the budget and the latest rest of it."""

    def __init__(self, cap: int) -> None:
        self.head_cap = cap // 2
        self.tail_cap = max(cap - self.head_cap - _MARK_ROOM, 0)
        self.head, self.tail, self.total = bytearray(), bytearray(), 0
        self.lock = threading.Lock()

    def read_all(self, stream: BinaryIO) -> None:
        """Add everything ``stream`` yields until its end, then close it."""
        with stream, contextlib.suppress(OSError):
            while chunk := os.read(stream.fileno(), 65536):
                self.add(chunk)

    def add(self, data: bytes) -> None:
        with self.lock:
            self.total += len(data)
            room = max(self.head_cap - len(self.head), 0)
            self.head += data[:room]
            self.tail += data[room:]
            del self.tail[: max(len(self.tail) - self.tail_cap, 0)]

    def text(self) -> tuple[str, bool]:
        with self.lock:
            cut = self.total - len(self.head) - len(self.tail)
            mark = f"\n[sandbox] ... {cut} bytes of output cut ...\n".encode() if cut else b""
            return bytes(self.head + mark + self.tail).decode(errors="replace"), cut > 0


# --- which isolation this machine allows ---------------------------------------------------------

_PROBE = "import pathlib; pathlib.Path('probe').write_text('ok')"


@functools.cache
def _isolation(base: Path) -> isolation.Isolation:
    """The strongest isolation level under which a tiny Python command runs in ``base``."""
    failures = []
    for level in isolation.levels():
        problem = _probe(base, level)
        if problem is None:
            logger.debug("sandbox: isolation level %s", level)
            if level.gaps():
                tried = f"; stronger levels failed: {' | '.join(failures)}" if failures else ""
                logger.warning("sandbox: reduced isolation: %s%s", "; ".join(level.gaps()), tried)
            return level
        failures.append(problem)
    raise PlancoderError(f"the sandbox cannot run Python here: {' | '.join(failures)}", "run `plancoder doctor`")


def _probe(base: Path, level: isolation.Isolation) -> str | None:
    """None when a tiny command runs and writes under ``level``, else what went wrong."""
    run_dir = Path(tempfile.mkdtemp(prefix="probe-", dir=base))
    try:
        (run_dir / "project").mkdir()
        outcome = _execute(run_dir, [sys.executable, "-c", _PROBE], Limits(wall_s=10), level)
        if outcome.returncode == 0 and (run_dir / "project" / "probe").is_file():
            return None
        return f"{level}: {outcome.output.strip() or f'exit status {outcome.returncode}'}"
    finally:
        _remove(run_dir)
