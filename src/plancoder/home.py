"""The data directory: ``PLANCODER_HOME`` or ``~/.plancoder``.

Everything plancoder generates (assembled model files, DSPy cache, stores) lives here, never in the
repository. Resolving the path does not create it.
"""

import os
from pathlib import Path

HOME_ENV = "PLANCODER_HOME"


def data_dir() -> Path:
    """The data directory as configured by the environment (not created)."""
    configured = os.environ.get(HOME_ENV, "").strip()
    return Path(configured).expanduser() if configured else Path.home() / ".plancoder"


def ensure_data_dir() -> Path:
    """The data directory, created if needed."""
    path = data_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path
