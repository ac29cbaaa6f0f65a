"""Ages and birthdays computed against an explicit reference date."""

from datetime import date

FEBRUARY = 2
LEAP_DAY = 29
MAJORITY_AGE = 18


def is_leap_year(year: int) -> bool:
    """Gregorian leap year: divisible by 4, except centuries not divisible by 400."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def birthday_in(birth: date, year: int) -> date:
    """The birthday of someone born on ``birth`` in ``year``; 29 February falls back to 28 February."""
    if birth.month == FEBRUARY and birth.day == LEAP_DAY and not is_leap_year(year):
        return date(year, FEBRUARY, LEAP_DAY - 1)
    return birth.replace(year=year)


def age_on(birth: date, on: date) -> int:
    """Completed years of age on date ``on``; raises ValueError when ``on`` is before ``birth``."""
    if on < birth:
        raise ValueError("reference date is before the birth date")
    years = on.year - birth.year
    if on < birthday_in(birth, on.year):
        years -= 1
    return years


def next_birthday(birth: date, on: date) -> date:
    """The first birthday on or after ``on``."""
    candidate = birthday_in(birth, on.year)
    if candidate < on:
        candidate = birthday_in(birth, on.year + 1)
    return candidate


def days_until_birthday(birth: date, on: date) -> int:
    """Days from ``on`` to the next birthday (0 on the birthday itself)."""
    return (next_birthday(birth, on) - on).days


def _month_length(year: int, month: int) -> int:
    """Number of days in ``month`` of ``year``."""
    next_first = date(year + month // 12, month % 12 + 1, 1)
    return (next_first - date(year, month, 1)).days


def _add_months(day: date, months: int) -> date:
    """Shift ``day`` by whole months, clamping to the last day of the target month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, _month_length(year, month)))


def age_detail(birth: date, on: date) -> tuple[int, int, int]:
    """Age as (years, months, days): whole months from ``birth``, then the days left over."""
    if on < birth:
        raise ValueError("reference date is before the birth date")
    months = (on.year - birth.year) * 12 + on.month - birth.month
    anchor = _add_months(birth, months)
    if anchor > on:
        months -= 1
        anchor = _add_months(birth, months)
    return months // 12, months % 12, (on - anchor).days


def is_adult(birth: date, on: date, majority: int = MAJORITY_AGE) -> bool:
    """True when the person has reached ``majority`` years on date ``on``."""
    return age_on(birth, on) >= majority
