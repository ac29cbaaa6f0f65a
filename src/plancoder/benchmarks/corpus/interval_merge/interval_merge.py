"""Operations on half-open integer intervals [start, end)."""

Interval = tuple[int, int]


def validate(intervals: list[Interval]) -> None:
    """Raise ValueError for an interval whose end is before its start."""
    for start, end in intervals:
        if end < start:
            raise ValueError(f"bad interval ({start}, {end})")


def merge_intervals(intervals: list[Interval]) -> list[Interval]:
    """Return the sorted union of the intervals, merging ones that overlap or touch."""
    validate(intervals)
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def overlaps(a: Interval, b: Interval) -> bool:
    """Return True if a and b share at least one point (touching does not count)."""
    return a[0] < b[1] and b[0] < a[1]


def total_covered(intervals: list[Interval]) -> int:
    """Return how many integer points the intervals cover together."""
    return sum(end - start for start, end in merge_intervals(intervals))


def find_gaps(intervals: list[Interval], lo: int, hi: int) -> list[Interval]:
    """Return the parts of [lo, hi) not covered by any interval, in order."""
    validate([(lo, hi)])
    gaps = []
    cursor = lo
    for start, end in merge_intervals(intervals):
        if start > cursor:
            gaps.append((cursor, min(start, hi)))
        cursor = max(cursor, end)
        if cursor >= hi:
            return gaps
    if cursor < hi:
        gaps.append((cursor, hi))
    return gaps


def intersect(xs: list[Interval], ys: list[Interval]) -> list[Interval]:
    """Return the intersection of two interval lists as merged, sorted intervals."""
    a, b = merge_intervals(xs), merge_intervals(ys)
    result = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            result.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return result
