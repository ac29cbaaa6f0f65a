"""The few exceptions plancoder raises; each carries what went wrong and how to fix it."""


class PlancoderError(Exception):
    """Base error: a user-facing problem with a one-line fix."""

    def __init__(self, problem: str, fix: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.problem} (fix: {self.fix})" if self.fix else self.problem


class ConfigError(PlancoderError):
    """A configuration file or value is malformed."""


class UnknownModelError(ConfigError):
    """A model spec names a model or provider that plancoder does not know."""


class ModelFileError(PlancoderError):
    """An embedded model file is missing, truncated, corrupted or cannot be assembled."""


class ModelCallError(PlancoderError):
    """Every model in a role's fallback chain failed; carries each attempt's error."""

    def __init__(self, role: str, failures: list[tuple[str, str]]) -> None:
        detail = "; ".join(f"{spec}: {error}" for spec, error in failures)
        super().__init__(
            f"every model for role '{role}' failed ({detail})",
            "check the models with `plancoder doctor` or configure another model or fallback",
        )
        self.role = role
        self.failures = failures
