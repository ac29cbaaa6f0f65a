"""Small statistics for reports: Wilson intervals for rates, normal intervals for means, and a
bootstrap lower bound for paired gains (the optimizer's release decision)."""

import math
import random
import statistics

Z95 = 1.96


def wilson_interval(successes: int, n: int) -> tuple[float, float]:
    """95 % Wilson score interval of a pass rate (sensible for small n and rates near 0 or 1)."""
    if n == 0:
        return (0.0, 0.0)
    rate = successes / n
    denominator = 1 + Z95**2 / n
    centre = (rate + Z95**2 / (2 * n)) / denominator
    half = Z95 * math.sqrt(rate * (1 - rate) / n + Z95**2 / (4 * n * n)) / denominator
    return (round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4))


def mean_interval(values: list[float]) -> dict[str, float]:
    """Mean with a 95 % normal-approximation interval, plus median and p95."""
    if not values:
        return {"mean": 0.0, "ci95_low": 0.0, "ci95_high": 0.0, "p50": 0.0, "p95": 0.0}
    mean = statistics.fmean(values)
    half = Z95 * statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else 0.0
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "mean": round(mean, 3),
        "ci95_low": round(mean - half, 3),
        "ci95_high": round(mean + half, 3),
        "p50": round(statistics.median(values), 3),
        "p95": round(p95, 3),
    }


def bootstrap_mean_low(values: list[float], confidence: float, rounds: int = 2000, seed: int = 0) -> float:
    """One-sided percentile-bootstrap lower bound of the mean of ``values`` (seeded: the same figures give
    the same bound). For paired per-task score differences: above 0 means the gain is unlikely to be noise."""
    if not values:
        return 0.0
    rng = random.Random(seed)
    means = sorted(statistics.fmean(rng.choices(values, k=len(values))) for _ in range(rounds))
    return round(means[int((1 - confidence) * (rounds - 1))], 4)
