"""Business-day arithmetic: weekends (Saturday, Sunday) and given holidays are skipped."""

from datetime import date, timedelta

SATURDAY = 5
ONE_DAY = timedelta(days=1)


def is_business_day(day: date, holidays: frozenset[date] = frozenset()) -> bool:
    """True when ``day`` is Monday to Friday and not a holiday."""
    return day.weekday() < SATURDAY and day not in holidays


def next_business_day(day: date, holidays: frozenset[date] = frozenset()) -> date:
    """The first business day strictly after ``day``."""
    current = day + ONE_DAY
    while not is_business_day(current, holidays):
        current = current + ONE_DAY
    return current


def previous_business_day(day: date, holidays: frozenset[date] = frozenset()) -> date:
    """The last business day strictly before ``day``."""
    current = day - ONE_DAY
    while not is_business_day(current, holidays):
        current = current - ONE_DAY
    return current


def add_business_days(day: date, count: int, holidays: frozenset[date] = frozenset()) -> date:
    """Move ``count`` business days forward (or backward when negative); 0 returns ``day`` unchanged."""
    step = next_business_day if count > 0 else previous_business_day
    current = day
    for _ in range(abs(count)):
        current = step(current, holidays)
    return current


def business_days_between(start: date, end: date, holidays: frozenset[date] = frozenset()) -> int:
    """Count business days ``d`` with ``start <= d < end``; negative when ``end`` is before ``start``."""
    if end < start:
        return -business_days_between(end, start, holidays)
    full_weeks, extra = divmod((end - start).days, 7)
    count = full_weeks * 5
    for offset in range(extra):
        if (start.weekday() + offset) % 7 < SATURDAY:
            count += 1
    skipped = sum(1 for h in holidays if start <= h < end and h.weekday() < SATURDAY)
    return count - skipped
