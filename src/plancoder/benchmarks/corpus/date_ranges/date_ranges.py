"""Ranges of calendar dates: stepping, overlaps and month boundaries."""

from datetime import date, timedelta

MONTHS_PER_YEAR = 12


def date_range(start: date, end: date, step_days: int = 1) -> list[date]:
    """Dates from ``start`` up to but excluding ``end``, every ``step_days`` days."""
    if step_days < 1:
        raise ValueError("step_days must be at least 1")
    result = []
    current = start
    while current < end:
        result.append(current)
        current = current + timedelta(days=step_days)
    return result


def overlap_days(a_start: date, a_end: date, b_start: date, b_end: date) -> int:
    """Number of days shared by two inclusive ranges (0 when they do not meet)."""
    first = max(a_start, b_start)
    last = min(a_end, b_end)
    if last < first:
        return 0
    return (last - first).days + 1


def days_in_month(year: int, month: int) -> int:
    """Number of days in ``month`` of ``year``."""
    if month < 1 or month > MONTHS_PER_YEAR:
        raise ValueError(f"month must be within 1..12, got {month}")
    if month == MONTHS_PER_YEAR:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def add_months(day: date, months: int) -> date:
    """Shift ``day`` by ``months`` (may be negative), clamping to the last day of the target month."""
    index = day.year * MONTHS_PER_YEAR + (day.month - 1) + months
    year, month = index // MONTHS_PER_YEAR, index % MONTHS_PER_YEAR + 1
    return date(year, month, min(day.day, days_in_month(year, month)))


def month_end(day: date) -> date:
    """The last day of the month containing ``day``."""
    return day.replace(day=days_in_month(day.year, day.month))


def split_by_month(start: date, end: date) -> list[tuple[date, date]]:
    """Split the inclusive range ``start``..``end`` into inclusive pieces that stay inside one month."""
    if end < start:
        raise ValueError("end is before start")
    pieces = []
    current = start
    while current <= end:
        piece_end = min(month_end(current), end)
        pieces.append((current, piece_end))
        current = piece_end + timedelta(days=1)
    return pieces
