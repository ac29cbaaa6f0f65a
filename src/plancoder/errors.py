"""The few exceptions plancoder raises; each carries what went wrong and how to fix it."""


class PlancoderError(Exception):
    """Base error: a user-facing problem with a one-line fix."""

    def __init__(self, problem: str, fix: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.problem} (fix: {self.fix})" if self.fix else self.problem


def check_length(what: str, text: str, limit: int, fix: str, error: type[PlancoderError] = PlancoderError) -> None:
    """Refuse a user's text over its limit, saying how long it is."""
    if len(text) > limit:
        raise error(f"{what} has {len(text):,} characters (limit {limit:,})", fix)


def shorten(text: str, limit: int = 120) -> str:
    """``text`` for an error message: its start and end around an ellipsis when it is longer than ``limit``."""
    if len(text) <= limit:
        return text
    half = (limit - 1) // 2
    return f"{text[:half]}…{text[-half:]}"


def first_line(text: str, limit: int = 200) -> str:
    """The first non-blank line of a (library's multi-line) message, shortened: an error stays one line."""
    lines = _lines(text)
    return shorten(lines[0] if lines else text, limit)


def last_line(output: str, limit: int = 200) -> str:
    """The last line a program printed (pytest's summary: "1 failed, 3 passed in 0.12s"), for a one-line error."""
    lines = _lines(output)
    return shorten(lines[-1], limit) if lines else "no output"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class InputError(PlancoderError):
    """What the user gave (a file, a test command, a task) cannot be used: no model, and no fallback, would
    do better, so a role call stops at once and it is not counted as the role's failure."""


class ConfigError(PlancoderError):
    """A configuration file or value is malformed."""


class UnknownModelError(ConfigError):
    """A model spec names a model or provider that plancoder does not know."""


class ModelFileError(PlancoderError):
    """An embedded model file is missing, truncated, corrupted or cannot be assembled."""


class ModelCallError(PlancoderError):
    """Every model in a role's fallback chain failed; carries each attempt's error."""

    def __init__(self, role: str, failures: list[tuple[str, str]]) -> None:
        detail = "; ".join(f"{spec}: {first_line(error)}" for spec, error in failures)
        super().__init__(
            f"every model for role '{role}' failed ({detail})",
            "check the models with `plancoder doctor` or configure another model or fallback",
        )
        self.role = role
        self.failures = failures


def as_user_error(error: Exception) -> PlancoderError:
    """An error as a user should see it: plancoder's own as it is; a file or database error with what to
    check; anything else as an internal error to report (``PLANCODER_DEBUG=1`` shows its traceback)."""
    if isinstance(error, PlancoderError):
        return error
    if isinstance(error, OSError):
        where = f": {error.filename}" if error.filename else ""
        return PlancoderError(f"{error.strerror or error}{where}", "check the path and its permissions")
    if isinstance(error, UnicodeDecodeError):
        return PlancoderError(
            f"a file is not UTF-8 text ({error.reason} at byte {error.start})", "save it as UTF-8 or give another file"
        )
    if "DatabaseError" in {base.__name__ for base in type(error).__mro__}:  # SQLAlchemy's; this module imports nothing
        return PlancoderError(
            f"a database is busy, unreachable or damaged: {first_line(str(error) or type(error).__name__)}",
            "check [review] url, and review/queue.db and monitor/observations.db in the data directory",
        )
    return PlancoderError(
        f"internal error: {type(error).__name__}: {error}", "set PLANCODER_DEBUG=1 for the traceback and report it"
    )
