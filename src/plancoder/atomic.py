"""Write files so that a crash never leaves a half-written file behind: temp file, then rename."""

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from plancoder.errors import PlancoderError

TEMP_SUFFIX = ".tmp"


def unfinished_writes(target: Path) -> list[Path]:
    """The temp files of writes to ``target`` that never got renamed: their process was killed mid-write
    (or is writing now)."""
    return list(target.parent.glob(f".{target.name}.*{TEMP_SUFFIX}"))


@contextlib.contextmanager
def atomic_writer(target: Path) -> Iterator[BinaryIO]:
    """Yield a binary file that replaces ``target`` only when the block finishes without error."""
    target = writable_file(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    os.chmod(tmp_name, _mode_for(target))
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def writable_file(target: Path) -> Path:
    """The file a write to ``target`` replaces: a link's target (the rename would replace the link itself),
    never a device, pipe or directory (renaming over ``--out /dev/null`` as root replaced the device)."""
    try:
        resolved = target.resolve() if target.is_symlink() else target
    except (OSError, RuntimeError):  # a loop of links (RuntimeError on Python 3.11)
        raise PlancoderError(f"{target} is a loop of symbolic links", "give the path of a file to write") from None
    if resolved.exists() and not resolved.is_file():
        raise PlancoderError(f"{target} is not a regular file", "give the path of a file to write")
    return resolved


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0o666 minus the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_text_atomic(target: Path, text: str) -> None:
    """Replace ``target`` with ``text`` atomically."""
    with atomic_writer(target) as handle:
        handle.write(text.encode())


@contextlib.contextmanager
def exclusive(target: Path) -> Iterator[None]:
    """Hold a lock on ``target`` between processes (and threads) for a read-change-write.

    The lock is a sidecar file, ``<target>.lock``: ``target`` itself is replaced by rename on every
    write, so a lock taken on it would be held on a file that is no longer there.
    """
    lock = target.with_name(target.name + ".lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the handle closes
        yield
