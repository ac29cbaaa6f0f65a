"""Basic descriptive statistics on lists of numbers."""


def _require_values(values: list[float], minimum: int = 1) -> None:
    """Raise ValueError unless ``values`` holds at least ``minimum`` items."""
    if len(values) < minimum:
        raise ValueError(f"need at least {minimum} value(s), got {len(values)}")


def mean(values: list[float]) -> float:
    """Arithmetic mean; raises ValueError for an empty list."""
    _require_values(values)
    return sum(values) / len(values)


def median(values: list[float]) -> float:
    """Middle value, or the mean of the two middle values for an even count."""
    _require_values(values)
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2 == 1:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def mode(values: list[float]) -> float:
    """Most frequent value; the smallest one when several are equally frequent."""
    _require_values(values)
    ordered = sorted(values)
    best, best_count = ordered[0], 0
    run_start = 0
    for i in range(1, len(ordered) + 1):
        if i == len(ordered) or ordered[i] != ordered[run_start]:
            if i - run_start > best_count:
                best, best_count = ordered[run_start], i - run_start
            run_start = i
    return best


def variance(values: list[float], sample: bool = False) -> float:
    """Population variance, or sample variance (n - 1 denominator) when ``sample`` is true."""
    _require_values(values, 2 if sample else 1)
    centre = sum(values) / len(values)
    squares = sum((value - centre) ** 2 for value in values)
    return squares / (len(values) - 1 if sample else len(values))


def data_range(values: list[float]) -> float:
    """Difference between the largest and the smallest value."""
    _require_values(values)
    return max(values) - min(values)


def percentile(values: list[float], pct: float) -> float:
    """Linearly interpolated percentile ``pct`` in [0, 100] (the 'inclusive' method)."""
    _require_values(values)
    if pct < 0 or pct > 100:
        raise ValueError("pct must be within 0..100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * pct / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
