"""``optimizer_budget.yaml``: what an optimizer run may spend, and what an optimized program may cost.

Per role (``planner`` and ``coder``, both required): the optimizer's own caps (metric calls, wall
time, reflection tokens) and the production caps of a candidate relative to the baseline program on
the validation split (latency at most +20 %, tokens at most +25 % by default). The file is validated
on load: an unknown key, a negative number or a missing role is an error naming the key and the fix.
"""

import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from plancoder.config import validated
from plancoder.errors import ConfigError
from plancoder.yaml_files import read_yaml

BUDGET_FILENAME = "optimizer_budget.yaml"
OPTIMIZED_ROLES = ("planner", "coder")


class _Strict(BaseModel):
    """Types as written: ``true`` is no number, ``"5"`` no count, ``.inf`` no cap."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class OptimizerCaps(_Strict):
    """What one optimizer run may spend."""

    max_metric_calls: int = Field(ge=1, description="GEPA rollouts (one role call judged by the metric each).")
    max_wall_minutes: float = Field(
        gt=0, le=10080, description="Wall-clock cap (at most a week); past it the run ends with what it has."
    )
    max_reflection_tokens: int = Field(ge=1, description="Tokens the reflection model may use in the run.")
    reflection_minibatch_size: int = Field(default=3, ge=1, description="Training tasks per GEPA reflection.")
    proposer: Literal["rule", "rewrite"] = Field(
        default="rule",
        description="rule: the reflection model adds one rule per proposal (small models manage it); "
        "rewrite: GEPA's own proposer rewrites the whole instruction (for a strong reflection model).",
    )
    demos: int = Field(
        default=0,
        ge=0,
        description="Worked examples shown to the role's main predictor before GEPA: the first N training "
        "tasks with a label (a planning task's reference_plan, a seeded bug's fix example); 0: none.",
    )


class ProductionCaps(_Strict):
    """What an optimized program may cost per call, relative to the baseline on the validation split."""

    max_latency_ratio: float = Field(default=1.20, gt=0, description="Candidate / baseline mean latency.")
    max_token_ratio: float = Field(default=1.25, gt=0, description="Candidate / baseline mean tokens per call.")
    gain_confidence: float = Field(
        default=0.9,
        ge=0,
        lt=1,
        description="How sure the score gain must be: its one-sided bootstrap lower bound over the paired "
        "validation tasks at this confidence must be above 0 (0: any gain counts).",
    )
    repeats: int = Field(
        default=1,
        ge=1,
        description="Draws of each validation task per program in the release pass, averaged per task "
        "before the gain bound: a sampled retry makes two draws of one program differ on a task.",
    )


class DataLimits(_Strict):
    """How much of each split the run uses (CPU time is the limit with embedded models)."""

    train_limit: int | None = Field(default=None, ge=1, description="N train tasks; all when omitted.")
    validation_limit: int | None = Field(default=None, ge=1, description="N validation tasks; all when omitted.")
    release_limit: int | None = Field(
        default=None,
        ge=1,
        description="N validation tasks in the release pass: GEPA's validation tasks, then more of the split "
        "that GEPA never scored (chosen as pick says); GEPA's own when omitted. A real gain gets more tasks "
        "to show on, and the unseen ones check GEPA's choice where it was not made.",
    )
    pick: Literal["spread", "first"] = Field(
        default="spread",
        description="spread: N tasks evenly spaced over the split (the suites list a module's tasks "
        "together, so the first N come from one or two modules); first: the first N.",
    )

    @model_validator(mode="after")
    def _release_covers_validation(self) -> "DataLimits":
        if self.release_limit and self.validation_limit and self.release_limit < self.validation_limit:
            raise ValueError(
                f"release_limit ({self.release_limit}) is below validation_limit ({self.validation_limit}): "
                "the release pass measures GEPA's validation tasks and may add more, never fewer"
            )
        return self

    def for_release(self, items: list) -> list:
        """The release pass's tasks: GEPA's validation tasks, then as many unseen ones as ``release_limit`` adds."""
        seen = self.choose(items, self.validation_limit)
        if not self.release_limit or self.release_limit <= len(seen):
            return seen
        unseen = [item for item in items if item not in seen]
        return seen + self.choose(unseen, self.release_limit - len(seen))

    def choose(self, items: list, limit: int | None) -> list:
        """``limit`` of ``items`` as ``pick`` says (all of them without a limit)."""
        if not limit or limit >= len(items):
            return items
        if self.pick == "first":
            return items[:limit]
        return [items[i * len(items) // limit] for i in range(limit)]


class RoleBudget(_Strict):
    """One role's optimizer and production caps."""

    optimizer: OptimizerCaps
    production: ProductionCaps = Field(default_factory=ProductionCaps)
    data: DataLimits = Field(default_factory=DataLimits)


class Budgets(_Strict):
    """The whole file: one budget per optimized role."""

    planner: RoleBudget
    coder: RoleBudget
    source: str = Field(default="built-in", description="Where the budgets came from.")

    def for_role(self, role: str) -> RoleBudget:
        if role not in OPTIMIZED_ROLES:
            raise ConfigError(f"there is no optimizer budget for role '{role}'", "use planner or coder")
        return getattr(self, role)


def default_budget_path() -> Path:
    """``./optimizer_budget.yaml`` when present, else the packaged one."""
    local = Path.cwd() / BUDGET_FILENAME
    return local if local.is_file() else Path(str(resources.files("plancoder").joinpath(BUDGET_FILENAME)))


def load_budgets(path: Path | None = None) -> Budgets:
    """Parse and validate a budget file (the default one when ``path`` is None)."""
    source = path or default_budget_path()
    data = read_yaml(source, "budget file", "create it or pass --budget FILE")
    if not isinstance(data, dict):
        raise ConfigError(f"{source} must map roles to budgets", "start with `planner:` and `coder:` sections")
    return validated(Budgets, data, str(source), "fix that key (see optimizer_budget.yaml)")


def proposals(caps: OptimizerCaps, validation: int) -> tuple[int, int]:
    """How many GEPA proposals the budget allows: (if each improves, if none does).

    GEPA scores the seed on the validation set once; each proposal then costs two minibatch
    evaluations (parent and child), plus a full validation pass when the child improves. GEPA checks
    the cap before each proposal, so a run can overshoot it by at most one proposal's calls."""
    left = caps.max_metric_calls - validation
    batch = 2 * caps.reflection_minibatch_size
    return max(0, left // (batch + validation)), max(0, left // batch)


def describe(
    budget: RoleBudget, role: str, train: int, validation: int, seconds_per_call: float, release: int = 0
) -> list[str]:
    """The budget in human units; the last lines are warnings when it is too small to be useful."""
    caps, prod = budget.optimizer, budget.production
    passes = caps.max_metric_calls / validation if validation else 0.0
    minutes = caps.max_metric_calls * seconds_per_call / 60
    low, high = proposals(caps, validation)
    lines = [
        f"{role} budget: at most {caps.max_metric_calls} metric calls = {passes:.1f} full validation passes "
        f"({validation} validation, {train} train tasks); roughly {minutes:.0f} min at {seconds_per_call:.1f} s "
        f"per call (measured), capped at {caps.max_wall_minutes:g} min wall and "
        f"{caps.max_reflection_tokens:,} reflection tokens",
        f"room for {low} to {high} proposals; a candidate may cost at most x{prod.max_latency_ratio:.2f} latency "
        f"and x{prod.max_token_ratio:.2f} tokens of the baseline",
    ]
    if release > validation:
        lines.append(
            f"release pass: the baseline and each candidate on {release} validation tasks ({release - validation} "
            f"unseen by GEPA), roughly {release * seconds_per_call / 60:.0f} min per program"
        )
    if low < 2:
        lines.append(
            f"warning: the budget is too small to produce more than one validated proposal; "
            f"raise max_metric_calls above {validation + 2 * (2 * caps.reflection_minibatch_size + validation)}"
        )
    return lines


class BudgetExhausted(Exception):
    """The run's wall time or reflection tokens are spent: remaining work ends at once."""


@dataclass
class Meter:
    """What a run has spent so far; ``exhausted`` tells the gated program and reflection model to stop."""

    caps: OptimizerCaps
    started: float = field(default_factory=time.monotonic)
    metric_calls: int = 0
    reflection_tokens: int = 0
    stopped: str = ""
    first_not_run: int | None = None  # the metric call at which rollouts began to score 0 unrun

    def check(self) -> bool:
        """True (and ``stopped`` says why) once a cap is reached."""
        if not self.stopped and self.elapsed > self.caps.max_wall_minutes * 60:
            self.stopped = f"wall time over {self.caps.max_wall_minutes:g} min"
        if not self.stopped and self.reflection_tokens >= self.caps.max_reflection_tokens:
            self.stopped = f"reflection tokens over {self.caps.max_reflection_tokens:,}"
        return bool(self.stopped)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def resume_at(self, elapsed: float) -> None:
        """Set the clock to ``elapsed`` seconds spent: where an interrupted run was at a replayed answer."""
        self.started = time.monotonic() - elapsed

    def __deepcopy__(self, memo: dict) -> "Meter":
        return self  # GEPA deep-copies the student for every candidate: they all spend from one meter

    @property
    def wall_minutes(self) -> float:
        return round(self.elapsed / 60, 2)

    def as_dict(self) -> dict[str, Any]:
        return {
            "metric_calls": self.metric_calls,
            "reflection_tokens": self.reflection_tokens,
            "wall_minutes": self.wall_minutes,
            "stopped_by": self.stopped or "max_metric_calls",
            "first_not_run": self.first_not_run,
        }
