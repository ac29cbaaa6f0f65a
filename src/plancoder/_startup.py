"""Environment defaults that must be in place before DSPy or LiteLLM is imported.

- LiteLLM (and DSPy 3.4's model metadata) fetch a model cost map from the internet at import and
  wait on retries; ``LITELLM_LOCAL_MODEL_COST_MAP=True`` makes them use the bundled copy.
- DSPy reads ``DSPY_CACHEDIR`` at import (3.0.x creates it then): point it into the data directory
  so nothing lands in ``~/.dspy_cache``.
- MLflow writes a telemetry file on first import unless told not to, and prints its INFO lines ("Creating
  initial MLflow database tables") and download progress bars among a command's own output.

Only defaults are set: a value the user exported wins. Nothing is created on disk here.
"""

import os

from plancoder.home import data_dir

ENV_DEFAULTS = {
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "MLFLOW_LOGGING_LEVEL": "WARNING",
    "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
}


def apply() -> None:
    """Set the environment defaults; idempotent."""
    for key, value in ENV_DEFAULTS.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DSPY_CACHEDIR", str(data_dir() / "dspy_cache"))
