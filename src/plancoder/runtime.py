"""The one composition function that the CLI and the service share."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from plancoder.config import DspyConfig, Settings, load_settings
from plancoder.home import ensure_data_dir
from plancoder.models import ModelSwitcher, configure_dspy
from plancoder.tracking import Store, store_for


@dataclass
class Runtime:
    """Configuration, data directory and model switcher, with DSPy configured."""

    settings: Settings
    home: Path
    switcher: ModelSwitcher
    store: Store | None = None


def build_runtime(
    config: Path | None = None, env: Mapping[str, str] | None = None, cache: bool | None = None
) -> Runtime:
    """Load the configuration, prepare the data directory and configure DSPy.

    ``cache=False`` turns DSPy's LM cache off whatever the configuration says: evaluations and
    benchmarks must measure real calls, not cache hits.
    """
    env = dict(os.environ if env is None else env)
    settings = load_settings(config, env)
    if cache is not None:
        settings = settings.model_copy(update={"dspy": DspyConfig(cache=cache)})
    home = ensure_data_dir()
    configure_dspy(settings, home)
    store = store_for(settings.tracking.enabled, settings.tracking.uri, home, env)
    return Runtime(settings, home, ModelSwitcher(settings, home, env), store)
