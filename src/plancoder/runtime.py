"""The one composition function that the CLI and the service share."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from plancoder.config import Settings, load_settings
from plancoder.home import ensure_data_dir
from plancoder.models import ModelSwitcher, configure_dspy


@dataclass
class Runtime:
    """Configuration, data directory and model switcher, with DSPy configured."""

    settings: Settings
    home: Path
    switcher: ModelSwitcher


def build_runtime(config: Path | None = None, env: Mapping[str, str] | None = None) -> Runtime:
    """Load the configuration, prepare the data directory and configure DSPy."""
    env = dict(os.environ if env is None else env)
    settings = load_settings(config, env)
    home = ensure_data_dir()
    configure_dspy(settings, home)
    return Runtime(settings, home, ModelSwitcher(settings, home, env))
