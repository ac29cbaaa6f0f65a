"""The model switcher: which model serves which role, with fallbacks.

A role's model spec is resolved in this order: argument > ``PLANCODER_MODEL_<ROLE>`` > config
(``[models]`` in ``plancoder.toml``) > built-in default. Specs are LiteLLM-style
``"provider/model"`` strings: ``local/<name>`` is the embedded llama.cpp model, ``scripted/<id>`` a
test script, anything else goes to LiteLLM (API providers, vLLM, llama.cpp server, Ollama).
"""

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import dspy

from plancoder import dspy_fixes, local_lm, providers, scripted
from plancoder.adapters import ChatOnlyAdapter
from plancoder.config import Settings, check_role
from plancoder.errors import ConfigError, InputError, ModelCallError, UnknownModelError
from plancoder.local_pool import ModelPool

log = logging.getLogger(__name__)
T = TypeVar("T")
MODEL_ENV = "PLANCODER_MODEL_{role}"


def resolve_spec(role: str, settings: Settings, env: Mapping[str, str], override: str | None = None) -> str:
    """The model spec for ``role``: argument > environment > configuration."""
    check_role(role)
    chosen = env.get(MODEL_ENV.format(role=role.upper())) or getattr(settings.models, role)
    chosen = chosen if override is None else override  # --model "" is a mistake, not "the default"
    return check_spec(chosen.strip())


def check_spec(spec: str) -> str:
    """Return ``spec`` if it names a known provider (and, for local ones, a known model)."""
    provider, _, name = spec.partition("/")
    if not provider or not name:
        raise UnknownModelError(f"model spec '{spec}' is not 'provider/model'", _known_models_hint())
    if provider == local_lm.PROVIDER:
        local_lm.weight_spec(name)
    elif provider == scripted.PROVIDER:
        scripted.script_for(spec)
    elif provider not in _litellm_providers():
        raise UnknownModelError(f"unknown model provider '{provider}' in '{spec}'", _known_models_hint())
    return spec


def _litellm_providers() -> set[str]:
    import litellm

    return {str(getattr(p, "value", p)) for p in litellm.provider_list}


def _known_models_hint() -> str:
    local = ", ".join(f"local/{name}" for name in local_lm.CATALOG)
    return f"use one of {local}, or any LiteLLM spec such as openai/gpt-4o-mini or ollama/qwen2.5-coder"


@dataclass
class ModelChain:
    """A role's model and its fallbacks; ``run`` tries them in order until one succeeds."""

    role: str
    specs: list[str]
    lms: list[dspy.LM]
    served_by: str | None = None
    failures: list[tuple[str, str]] = field(default_factory=list)

    def run(self, call: Callable[[], T]) -> T:
        """Run ``call`` with each model as DSPy's LM in turn; raise when all fail."""
        failures: list[tuple[str, str]] = []
        for spec, lm in zip(self.specs, self.lms, strict=True):
            try:
                with dspy.context(lm=lm):
                    result = call()
            except InputError:  # the user's input: the next model would fail on it too
                raise
            except Exception as error:  # any model failure moves on to the next model
                failures.append((spec, f"{type(error).__name__}: {error}"))
                log.warning("model %s failed for role %s: %s", spec, self.role, error)
                continue
            self.served_by, self.failures = spec, failures
            return result
        self.failures = failures
        raise ModelCallError(self.role, failures)


class ModelSwitcher:
    """Builds DSPy LMs for roles from the configuration; owns the local model pool."""

    def __init__(self, settings: Settings, home: Path, env: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self.home = home
        self.env = dict(os.environ if env is None else env)
        self._pool: ModelPool | None = None
        self._seeds = local_lm.CallSeeds(settings.local.seed)

    @property
    def pool(self) -> ModelPool:
        """The process's local model pool, created (and registered with LiteLLM) on first use."""
        if self._pool is None:
            self._pool = local_lm.make_pool(self.settings.local, self.home)
            providers.register(local_lm.PROVIDER, self._complete_local, self._skip_local)
        return self._pool

    def _complete_local(self, name: str, messages: list[dict[str, Any]], params: dict[str, Any]) -> dict:
        sampling = local_lm.chat_params(params)
        sampling["seed"] = self._seeds(messages, sampling)
        return local_lm.complete(self.pool, name, messages, sampling, self.settings.local.reuse_prefix)

    def _skip_local(self, name: str, messages: list[dict[str, Any]], params: dict[str, Any]) -> None:
        """A call answered from a recording still counts as asked: the next same request draws anew."""
        self._seeds(messages, local_lm.chat_params(params))

    def spec_for(self, role: str, override: str | None = None) -> str:
        return resolve_spec(role, self.settings, self.env, override)

    def chain(self, role: str, override: str | None = None) -> ModelChain:
        """The role's model followed by its configured fallbacks (duplicates dropped)."""
        specs = [self.spec_for(role, override)]
        for spec in self.settings.models.fallbacks.get(role, []):
            if check_spec(spec) not in specs:
                specs.append(spec)
        return ModelChain(role, specs, [self.lm(spec) for spec in specs])

    def lm(self, spec: str) -> dspy.LM:
        """A ``dspy.LM`` for ``spec`` with the configured sampling and connection settings."""
        check_spec(spec)
        if spec.startswith(f"{local_lm.PROVIDER}/"):
            self.pool  # noqa: B018 - registers the local provider before the first call
        sampling = self.settings.sampling
        kwargs = {
            "temperature": sampling.temperature,
            "max_tokens": sampling.max_tokens,
            **self._endpoint(spec),
        }
        retries = 0 if spec.split("/", 1)[0] in (local_lm.PROVIDER, scripted.PROVIDER) else 3
        return dspy.LM(spec, cache=self.settings.dspy.cache, num_retries=retries, **kwargs)

    def _endpoint(self, spec: str) -> dict[str, str]:
        endpoint = self.settings.endpoints.get(spec)
        if endpoint is None:
            return {}
        kwargs = {"api_base": endpoint.api_base} if endpoint.api_base else {}
        if endpoint.api_key_env:
            if endpoint.api_key_env not in self.env:
                raise ConfigError(
                    f'[endpoints."{spec}"] api_key_env names ${endpoint.api_key_env}, which is not set',
                    f"export {endpoint.api_key_env}=<key>",
                )
            kwargs["api_key"] = self.env[endpoint.api_key_env]
        return kwargs


def configure_dspy(settings: Settings, home: Path) -> None:
    """DSPy's cache under the data directory (or off), usage tracking on, ChatAdapter (no JSON fallback)."""
    dspy_fixes.apply()
    enabled = settings.dspy.cache
    dspy.configure_cache(
        enable_disk_cache=enabled, enable_memory_cache=enabled, disk_cache_dir=str(home / "dspy_cache")
    )
    dspy.configure(track_usage=True, adapter=ChatOnlyAdapter())
