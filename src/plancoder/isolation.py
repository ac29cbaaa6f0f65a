"""Confine one sandboxed command: Linux namespaces, a throw-away uid, resource limits.

``sandbox`` probes once which level the machine allows (strongest first) and logs a warning when
it has to settle for less. The parts:

* **Namespaces** (``unshare(2)`` through ctypes; a user namespace too when not root). A new network
  namespace whose only interface, loopback, is down: every connection fails, even to 127.0.0.1.
  A new IPC namespace: System V and POSIX message queues or shared memory die with the run.
  A private mount namespace: empty tmpfs over /tmp, /var/tmp and /dev/shm (writes there vanish
  with the run), the run directory mounted at ``VISIBLE_ROOT``, and / remounted read-only.
* **A throw-away uid** (root only): the command runs as a random unprivileged uid that owns nothing
  but the run directory, so it cannot write elsewhere; RLIMIT_NPROC then caps exactly this run's
  processes (the kernel does not enforce it for root); and killing every process of that uid ends
  them all, even those that left the process group with ``setsid``. Directories on the way to the
  Python installation that this uid may not enter (pyenv under a 0700 /root) are replaced, inside
  the mount namespace, by a tmpfs that holds only the installation.
* **Always**: resource limits, no new privileges (setuid binaries cannot raise them), death with
  the parent, a new session killed as a group.

Without namespaces the network and the shared /tmp stay reachable. Without root the command runs
as the calling user: it can write wherever that user can, a process that starts its own session
escapes the kill, and RLIMIT_NPROC counts the user's other processes too (it is raised by their
number). The child-side functions run between fork and exec, where coverage cannot see them.
"""

import contextlib
import ctypes
import functools
import os
import random
import resource
import signal
import stat
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

VISIBLE_ROOT = "/tmp/sandbox"
"""Where the run directory appears inside the mount namespace."""
PRIVATE_TMP = ("/tmp", "/var/tmp", "/dev/shm")
"""World-writable directories covered by an empty tmpfs for the run."""
SETUP_FAILED = 125
"""Exit status of a child whose isolation could not be set up (the reason is on its output)."""

_CLONE_NEWNS, _CLONE_NEWIPC, _CLONE_NEWUSER, _CLONE_NEWNET = 0x00020000, 0x08000000, 0x10000000, 0x40000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV = 1, 2, 4
_MS_REMOUNT, _MS_BIND, _MS_REC, _MS_PRIVATE = 32, 4096, 16384, 1 << 18
_PR_SET_PDEATHSIG, _PR_SET_NO_NEW_PRIVS = 1, 38
_KEPT_MOUNT_FLAGS = ("ST_NOSUID", "ST_NODEV", "ST_NOEXEC", "ST_NOATIME", "ST_NODIRATIME", "ST_RELATIME")
_LIBC = ctypes.CDLL(None, use_errno=True)


@dataclass(frozen=True)
class Isolation:
    """What confines a run beyond resource limits (which always apply)."""

    namespaces: bool
    """Private network, IPC and mount namespaces: no network, private /tmp, read-only /."""
    drop_privileges: bool
    """Run as a throw-away uid (needs root): writes only in the run directory, exact process cap and kill."""

    def gaps(self) -> list[str]:
        """What this level leaves open, in words for a warning."""
        gaps = []
        if not self.namespaces:
            gaps.append("no namespaces: the network and the shared /tmp are reachable")
        if not self.drop_privileges:
            gaps.append("no throw-away uid: the command can write wherever this user can and outlive the run")
        return gaps


def levels() -> list[Isolation]:
    """The isolation levels worth trying for the current user, strongest first."""
    root = os.geteuid() == 0
    pairs = [(True, True), (False, True), (True, False), (False, False)]
    return [Isolation(namespaces, drop) for namespaces, drop in pairs if root or not drop]


def sandbox_uids() -> range:
    """The uids a throw-away uid is drawn from: the middle of what this user namespace maps."""
    first, count = 0, 2**32 - 1
    with contextlib.suppress(OSError, ValueError):
        extents = [[int(n) for n in line.split()] for line in Path("/proc/self/uid_map").read_text().splitlines()]
        first, _, count = max(extents, key=lambda extent: extent[2])
    return range(first + count // 4, first + count // 2)


def pick_uid() -> int:
    """A random throw-away uid (used as gid too) for one run."""
    return random.choice(sandbox_uids())


def user_tasks() -> int:
    """How many tasks (threads) the current user runs: RLIMIT_NPROC counts them all."""
    uid, count = os.getuid(), 0
    with contextlib.suppress(OSError), os.scandir("/proc") as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                if entry.name.isdigit() and entry.stat().st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry.name}/task"))
    return count


def kill_all(pid: int, uid: int | None) -> None:
    """Kill the command's process group and, with a throw-away uid, every process of that uid."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    if uid is not None:
        _kill_uid(uid)


def _kill_uid(uid: int) -> None:
    """kill(-1) as ``uid``: the kernel signals all its processes at once, so none can fork away."""
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the forked child
        try:
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(child, 0)


def child_setup(
    level: Isolation, run_dir: str, uid: int | None, rlimits: Sequence[tuple[int, int, int]], tmp_mb: int
) -> Callable[[], None]:
    """The ``preexec_fn`` that confines the child between fork and exec, as ``level`` says."""
    exposed = _exposures(uid is not None) if level.namespaces else ()
    ids = (os.getuid(), os.getgid())

    def setup() -> None:  # pragma: no cover - runs in the forked child
        try:
            if level.namespaces:
                _enter_namespaces(ids)
                _private_filesystem(run_dir, exposed, tmp_mb)
            if uid is not None:
                _become(uid)
            _harden(rlimits)
        except Exception as exc:  # the reason goes to the captured output, then the child dies
            os.write(2, f"sandbox setup failed: {exc}\n".encode(errors="replace"))
            os._exit(SETUP_FAILED)

    return setup


@functools.cache
def _exposures(unprivileged: bool) -> tuple[tuple[str, str], ...]:
    """(cover, installation directory) for each part of the Python installation the child would not
    see: one under a private tmp directory (a venv in /tmp), or, for an unprivileged uid, one under a
    directory closed to others (a Python under /root)."""
    found: dict[str, str] = {}
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    for path in sorted(prefixes | {os.path.dirname(os.path.realpath(sys.executable))}):
        cover = _tmp_cover(path) or (_first_closed_parent(Path(path)) if unprivileged else None)
        if cover and not any(path.startswith(f"{known}/") for known in found):
            found[path] = cover
    return tuple((cover, path) for path, cover in found.items())


def _tmp_cover(path: str) -> str | None:
    """The private tmp directory that ``path`` lies in, if any."""
    return next((tmp for tmp in PRIVATE_TMP if path.startswith(f"{tmp}/")), None)


def _first_closed_parent(path: Path) -> str | None:
    """The top-most parent of ``path`` that others may not enter, if any."""
    for parent in reversed(path.parents):
        with contextlib.suppress(OSError):
            if not os.stat(parent).st_mode & stat.S_IXOTH:
                return str(parent)
    return None


def _call(name: str, *args: object) -> None:  # pragma: no cover - runs in the forked child
    """Call a libc function; raise OSError with its errno when it fails."""
    if getattr(_LIBC, name)(*args) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{name}: {os.strerror(code)}")


def _mount(source: str | None, target: str, kind: str | None, flags: int, data: str = "") -> None:  # pragma: no cover
    """mount(2); ``None`` for an unused source or file system type."""
    _call("mount", _bytes(source), target.encode(), _bytes(kind), ctypes.c_ulong(flags), _bytes(data or None))


def _bytes(text: str | None) -> bytes | None:  # pragma: no cover - runs in the forked child
    return None if text is None else text.encode()


def _enter_namespaces(ids: tuple[int, int]) -> None:  # pragma: no cover - runs in the forked child
    """New mount, IPC and network namespaces; for a non-root user inside a user namespace mapping only itself."""
    if os.geteuid() == 0:
        _call("unshare", _CLONE_NEWNS | _CLONE_NEWIPC | _CLONE_NEWNET)
        return
    _call("unshare", _CLONE_NEWUSER | _CLONE_NEWNS | _CLONE_NEWIPC | _CLONE_NEWNET)
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{ids[0]} {ids[0]} 1")
    Path("/proc/self/gid_map").write_text(f"{ids[1]} {ids[1]} 1")


def _private_filesystem(run_dir: str, exposed: Sequence[tuple[str, str]], tmp_mb: int) -> None:  # pragma: no cover
    """Private tmpfs, the run directory at VISIBLE_ROOT (bound from the cwd, so it may live under
    /tmp or a closed directory), the Python installation reachable, and / read-only."""
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
    os.chdir(run_dir)
    handles = [(path, os.open(path, os.O_PATH | os.O_DIRECTORY)) for _, path in exposed]
    for path in PRIVATE_TMP:
        if os.path.isdir(path):
            _mount("tmpfs", path, "tmpfs", _MS_NOSUID | _MS_NODEV, f"mode=1777,size={tmp_mb}m")
    _expose(handles, [cover for cover, _ in exposed if _tmp_cover(cover) is None and cover not in PRIVATE_TMP])
    os.mkdir(VISIBLE_ROOT)
    _mount(".", VISIBLE_ROOT, None, _MS_BIND)
    kept = sum(getattr(os, name, 0) for name in _KEPT_MOUNT_FLAGS) & os.statvfs("/").f_flag
    _mount(None, "/", None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY | kept)
    os.chdir(f"{VISIBLE_ROOT}/project")


def _expose(handles: Sequence[tuple[str, int]], closed_dirs: Sequence[str]) -> None:  # pragma: no cover
    """Cover each closed directory with a tmpfs, then bind the installation directories (opened before
    any tmpfs hid them) back in place, under those covers and under the private tmp directories."""
    for closed in dict.fromkeys(closed_dirs):
        _mount("tmpfs", closed, "tmpfs", _MS_NOSUID | _MS_NODEV, "mode=0755,size=1m")
    for path, handle in handles:
        os.makedirs(path, exist_ok=True)
        _mount(f"/proc/self/fd/{handle}", path, None, _MS_BIND | _MS_REC)
        os.close(handle)


def _become(uid: int) -> None:  # pragma: no cover - runs in the forked child
    """Drop root for good: no supplementary groups, every uid and gid set to ``uid``."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def _harden(rlimits: Sequence[tuple[int, int, int]]) -> None:  # pragma: no cover - runs in the forked child
    """No new privileges, death with the parent, and the resource limits (last: they cap memory)."""
    for option, value in ((_PR_SET_NO_NEW_PRIVS, 1), (_PR_SET_PDEATHSIG, signal.SIGKILL)):
        _call("prctl", option, *(ctypes.c_ulong(arg) for arg in (value, 0, 0, 0)))
    for limit, soft, hard in rlimits:
        resource.setrlimit(limit, (soft, hard))
