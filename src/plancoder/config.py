"""Typed configuration: built-in defaults < ``plancoder.toml`` < environment < arguments.

Every component gets one pydantic model; unknown keys and bad values are reported with the file,
the key, the value and the fix.
"""

import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from plancoder.errors import ConfigError

ROLES = ("planner", "coder", "reflection")
CONFIG_ENV = "PLANCODER_CONFIG"
CONFIG_FILENAME = "plancoder.toml"


def _not_a(kind: str, wanted: str) -> AfterValidator:
    """A path key that must not name an existing ``kind`` ("file" or "directory"), refused on load."""

    def check(value: str) -> str:
        path = Path(value).expanduser()
        if value and (path.is_file() if kind == "file" else path.is_dir()):
            raise ValueError(f"{value!r} is a {kind}; name a {wanted} (it is created when missing)")
        if value and (blocker := next((p for p in path.parents if p.is_file()), None)):
            raise ValueError(f"{value!r} is under {blocker}, which is a file; name a {wanted} elsewhere")
        return value

    return AfterValidator(check)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ModelsConfig(Strict):
    """Which model serves which role."""

    planner: str = Field(description="Model spec for the Planner role.")
    coder: str = Field(description="Model spec for the Coder role.")
    reflection: str = Field(description="Model spec GEPA uses to reflect on failures.")
    fallbacks: dict[str, list[str]] = Field(
        default_factory=dict, description="Per role, specs tried in order when the role's model fails."
    )

    @field_validator("fallbacks")
    @classmethod
    def _known_roles(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(value) - set(ROLES))
        if unknown:
            raise ValueError(f"unknown role {unknown[0]!r}; use one of: {', '.join(ROLES)}")
        return value


class EndpointConfig(Strict):
    """Connection settings for one API or OpenAI-compatible model spec."""

    api_base: str | None = Field(default=None, description="Base URL of the server, e.g. http://127.0.0.1:8000/v1.")
    api_key_env: str | None = Field(default=None, description="Name of the environment variable holding the key.")


class SamplingConfig(Strict):
    """Default sampling settings for every role call."""

    temperature: float = Field(ge=0.0, le=2.0, description="Sampling temperature; 0 is greedy.")
    max_tokens: int = Field(gt=0, le=32768, description="Cap on generated tokens per LM call.")


class LocalConfig(Strict):
    """The embedded llama.cpp runtime."""

    memory_budget_mb: int = Field(gt=0, description="Resident memory allowed for loaded local models (MB).")
    n_ctx: int = Field(ge=512, le=32768, description="Context window in tokens.")
    threads: int = Field(ge=0, description="CPU threads for llama.cpp; 0 means one per core.")
    seed: int = Field(description="Sampling seed, for reproducible non-greedy runs.")
    reuse_prefix: bool = Field(
        description="Reuse the prompt prefix shared with the previous call: faster, but answers then depend on "
        "the calls before them (evaluations and optimization runs are reproducible only with false)."
    )


class DspyConfig(Strict):
    """How DSPy itself is configured."""

    cache: bool = Field(description="Use DSPy's LM response cache (stored under the data directory).")


class CoderConfig(Strict):
    """The Coder role."""

    variant: Literal["cot", "react"] = Field(description="cot: reason then edit; react: an agent with tools.")
    max_attempts: int = Field(ge=1, le=10, description="Fix attempts; each failure is fed back to the next.")
    guard: Literal["best_of_n", "refine"] = Field(description="DSPy constraint: BestOfN or Refine.")
    localise: bool = Field(description="Show the model the lines the failing tests ran most (one extra test run).")
    test_timeout_s: float = Field(gt=0, le=3600, description="Wall-clock limit of one test run in the sandbox.")
    test_memory_mb: int = Field(ge=64, description="Address-space limit of one test run in the sandbox (MB).")


class PlannerConfig(Strict):
    """The Planner role."""

    attempts: int = Field(ge=1, le=10, description="Guarded attempts; each invalid plan's violations are fed back.")
    max_steps: int = Field(ge=1, le=100, description="Cap on the number of steps in a plan.")
    guard: Literal["best_of_n", "refine"] = Field(description="DSPy constraint: BestOfN or Refine.")
    reason: bool = Field(description="ChainOfThought (reason first) instead of Predict.")
    single_goal: bool = Field(description="Steps that do not lead to the last step are violations.")
    link: bool = Field(description="A second call names the earlier steps each unlinked step needs.")


class ConstitutionConfig(Strict):
    """The rule set every output obeys."""

    path: str = Field(description="A constitution.md to use instead of the built-in one; empty for the built-in.")


class TrackingConfig(Strict):
    """MLflow tracking of evaluations and optimizer runs."""

    enabled: bool = Field(description="Record runs, metrics, artifacts and traces in MLflow.")
    uri: str = Field(description="A tracking server URI; empty for the local SQLite store in the data directory.")


class RegistryConfig(Strict):
    """Where program versions are kept."""

    path: Annotated[str, _not_a("file", "directory")] = Field(
        description="Directory of program versions; empty for <data dir>/programs."
    )


class FlagsConfig(Strict):
    """The rollout flags OPTIMIZE_PLANNER and OPTIMIZE_CODER, and automatic rollback."""

    path: Annotated[str, _not_a("directory", "JSON file")] = Field(
        description="The flagd flag file; empty for <data dir>/flags.json."
    )
    auto_rollback_margin: float = Field(
        ge=0, le=1, description="Turn a flag off when the optimized mean score falls this far below the baseline's."
    )
    auto_rollback_window_minutes: float = Field(gt=0, description="The window of role calls that are compared.")
    auto_rollback_min_calls: int = Field(ge=1, description="Calls of each version needed before comparing.")


class ReviewConfig(Strict):
    """The human review queue: which outputs wait for a person, and where they wait."""

    url: str = Field(description="SQLAlchemy URL of the queue; empty for a SQLite file in the data directory.")
    coder_threshold: float = Field(ge=0, le=1, description="A fix scoring below this waits for review.")
    planner_threshold: float = Field(ge=0, le=1, description="A plan scoring below this waits for review.")
    expire_hours: float = Field(
        gt=0, le=87600, description="A pending item expires (and never ships) after this long (at most 10 years)."
    )


class ServiceConfig(Strict):
    """The HTTP service."""

    host: str = Field(
        pattern=r"^\S+$", description="Interface to listen on; loopback unless you mean to expose it (never empty)."
    )
    port: int = Field(ge=1, le=65535, description="Port to listen on.")
    token_env: str = Field(
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Environment variable holding the bearer token that every POST needs.",
    )
    max_body_bytes: int = Field(ge=1024, description="Larger request bodies are refused (413) before they are read.")
    job_workers: int = Field(ge=1, le=64, description="Role calls run at once (1 for the embedded models).")


class MigrationConfig(Strict):
    """``plancoder migrate-check``: which DSPy versions, how much evaluation, what counts as a change."""

    versions: str = Field(description="Comma-separated DSPy versions; the first is the reference.")
    limit: int = Field(ge=0, le=100, description="Evaluation cases per role and version (0: prompts and states only).")
    score_tolerance: float = Field(ge=0, le=1, description="A mean score moving further than this fails the check.")
    timeout_s: float = Field(gt=0, description="The longest one version's probe may run.")


class Settings(Strict):
    """The whole configuration."""

    models: ModelsConfig
    sampling: SamplingConfig
    local: LocalConfig
    dspy: DspyConfig
    coder: CoderConfig
    planner: PlannerConfig
    constitution: ConstitutionConfig
    tracking: TrackingConfig
    registry: RegistryConfig
    flags: FlagsConfig
    review: ReviewConfig
    service: ServiceConfig
    migration: MigrationConfig
    endpoints: dict[str, EndpointConfig] = Field(default_factory=dict, description="Per model spec connection.")
    source: str = Field(default="built-in defaults", description="Where the configuration came from.")


def check_role(role: str) -> str:
    """Return ``role`` if plancoder knows it, else raise with the known roles."""
    if role not in ROLES:
        raise ConfigError(f"unknown role '{role}'", f"use one of: {', '.join(ROLES)}")
    return role


ANSWER_SETTINGS = ("sampling", "local", "role_settings", "constitution")


def answer_settings(settings: Settings, role: str) -> dict[str, Any]:
    """The settings besides the request that a role's answers and scores depend on: a report records them,
    and a run resumes only where they are the same (another token cap or seed would give other answers)."""
    from plancoder.constitution import text_digest

    sections = (settings.sampling, settings.local, getattr(settings, role), settings.constitution)
    found = {key: section.model_dump() for key, section in zip(ANSWER_SETTINGS, sections, strict=True)}
    found["constitution"]["sha256"] = text_digest(settings.constitution.path or None)  # its text, not its path
    return found


def _defaults() -> dict[str, Any]:
    text = resources.files("plancoder").joinpath("defaults.toml").read_text()
    return tomllib.loads(text)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = _merge(base[key], value)
        else:
            merged[key] = value
    return merged


def find_config(explicit: Path | None = None, env: dict[str, str] | None = None) -> Path | None:
    """The config file to read: argument > ``PLANCODER_CONFIG`` > ``./plancoder.toml`` > none."""
    env = os.environ if env is None else env
    if explicit is not None:
        return explicit
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV])
    local = Path.cwd() / CONFIG_FILENAME
    return local if local.is_file() else None


def _read_toml(path: Path) -> dict[str, Any]:
    if path.is_dir():
        raise ConfigError(f"config file {path} is a directory", "point --config at a plancoder.toml file")
    text = read_text(path, "config file", "create it or point --config at a file")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}", "fix the syntax at that line") from None


def read_text(source: Any, what: str, missing_fix: str) -> str:
    """The text of a file people write by hand (a path or a packaged resource); ``what`` names it in the
    errors. A byte order mark some editors write is dropped, not read as a syntax error."""
    try:
        return source.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{what} {source} does not exist", missing_fix) from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{what} {source} is not UTF-8 text: {error}", "save it as UTF-8") from None
    except OSError as error:
        raise ConfigError(f"cannot read {what} {source}: {error}", "check the path and permissions") from None


def load_settings(path: Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Load and validate the configuration."""
    found = find_config(path, env)
    data = _merge(_defaults(), _read_toml(found) if found else {})
    return validated(Settings, data, str(found) if found else "built-in defaults", "correct that value")


def validated(model: Any, data: dict[Any, Any], source: str, fix: str) -> Any:
    """``model`` built from a file's data; its ``source`` field says which file, so a key of that name is refused."""
    if "source" in data:
        raise ConfigError(f"{source}: unknown key 'source'", "remove that key")
    try:
        return model.model_validate({**data, "source": source})
    except ValidationError as error:
        raise ConfigError(f"{source}: {describe_error(error)}", key_fix(error, fix)) from None


def key_fix(error: ValidationError, otherwise: str, needed: str = "", allowed: str = "") -> str:
    """What to do about a file's first problem: add a missing key, remove an unknown one (``needed`` and
    ``allowed`` say more where a short list helps), else ``otherwise``."""
    kind = error.errors()[0]["type"]
    if kind == "missing":
        return f"add that key{needed}"
    return f"remove that key{allowed}" if kind == "extra_forbidden" else otherwise


def describe_error(error: ValidationError) -> str:
    """The first problem of a validation error, naming the key: what config, budget and rule files report."""
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"])
    if first["type"] == "extra_forbidden":
        return f"unknown key '{key}'"
    if first["type"] == "missing":
        return f"missing key '{key}'"
    if "ctx" in first and "error" in first["ctx"]:
        return f"[{key}] {first['ctx']['error']}" if key else str(first["ctx"]["error"])
    return f"[{key}] = {first.get('input')!r}: {first['msg']}"
