"""The data directory: ``PLANCODER_HOME`` or ``~/.plancoder``.

Everything plancoder generates (assembled model files, DSPy cache, stores) lives here, never in the
repository. Resolving the path does not create it.
"""

import errno
import os
import tempfile
from pathlib import Path

from plancoder.errors import PlancoderError

HOME_ENV = "PLANCODER_HOME"
FIX_HOME = f"set {HOME_ENV} to a writable directory"


def data_dir() -> Path:
    """The data directory as configured by the environment (not created)."""
    configured = os.environ.get(HOME_ENV, "").strip()
    return Path(configured).expanduser() if configured else Path.home() / ".plancoder"


def check_data_dir_path() -> None:
    """A data directory path that names something other than a directory is a clear error (nothing is created)."""
    path = data_dir()
    if path.exists() and not path.is_dir():
        raise PlancoderError(f"the data directory {path} is not a directory", FIX_HOME)


def blamed_on_data_dir(error: Exception) -> Exception:
    """A file error while the data directory does not exist (it could not be created: DSPy's cache import
    tries first) is the data directory's problem: say so, and how to fix it."""
    path = data_dir()
    if isinstance(error, OSError) and not path.is_dir():
        return PlancoderError(f"the data directory {path} cannot be created ({error})", FIX_HOME)
    return error


def make_writable_dir(path: Path) -> None:
    """Create ``path`` if needed and make (and drop) a file in it: OSError when it cannot hold files."""
    path.mkdir(parents=True, exist_ok=True)
    tempfile.TemporaryFile(dir=path).close()


def check_can_hold_files(path: Path) -> None:
    """OSError unless ``path`` is, or can be made, a directory this process writes into. Nothing is created:
    a command refused after this check leaves no empty directory behind."""
    existing = next(folder for folder in (path, *path.parents) if folder.exists() or folder.is_symlink())
    if not existing.is_dir():  # a file, or a link to nowhere (making the directory would fail on it)
        raise NotADirectoryError(errno.ENOTDIR, "a file is in the way", str(existing))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(existing))


def ensure_data_dir() -> Path:
    """The data directory, created if needed; a clear error when it cannot be (a file, no permission)."""
    path = data_dir()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PlancoderError(f"the data directory {path} cannot be created: {error.strerror}", FIX_HOME) from None
    return path
