from datetime import date, timedelta

from business_days import (
    add_business_days,
    business_days_between,
    is_business_day,
    next_business_day,
    previous_business_day,
)

MON = date(2024, 6, 3)
FRI = date(2024, 6, 7)
SAT = date(2024, 6, 8)
SUN = date(2024, 6, 9)
NEXT_MON = date(2024, 6, 10)
HOLIDAYS = frozenset({date(2024, 6, 5), date(2024, 6, 15)})  # a Wednesday and a Saturday


def test_is_business_day_weekdays_and_weekend() -> None:
    assert [is_business_day(MON + timedelta(days=i)) for i in range(7)] == [True] * 5 + [False, False]


def test_is_business_day_holiday() -> None:
    assert is_business_day(date(2024, 6, 5), HOLIDAYS) is False
    assert is_business_day(date(2024, 6, 5)) is True
    assert is_business_day(date(2024, 6, 6), HOLIDAYS) is True


def test_next_business_day() -> None:
    assert next_business_day(MON) == date(2024, 6, 4)
    assert next_business_day(FRI) == NEXT_MON
    assert next_business_day(SAT) == NEXT_MON
    assert next_business_day(SUN) == NEXT_MON


def test_next_business_day_skips_holidays() -> None:
    assert next_business_day(date(2024, 6, 4), HOLIDAYS) == date(2024, 6, 6)
    assert next_business_day(FRI, frozenset({NEXT_MON})) == date(2024, 6, 11)


def test_previous_business_day() -> None:
    assert previous_business_day(date(2024, 6, 4)) == MON
    assert previous_business_day(NEXT_MON) == FRI
    assert previous_business_day(SUN) == FRI
    assert previous_business_day(SAT) == date(2024, 6, 7)
    assert previous_business_day(date(2024, 6, 6), HOLIDAYS) == date(2024, 6, 4)


def test_add_business_days_forward() -> None:
    assert add_business_days(MON, 1) == date(2024, 6, 4)
    assert add_business_days(MON, 4) == FRI
    assert add_business_days(MON, 5) == NEXT_MON
    assert add_business_days(FRI, 1) == NEXT_MON
    assert add_business_days(MON, 10) == date(2024, 6, 17)


def test_add_business_days_zero_and_weekend_start() -> None:
    assert add_business_days(SAT, 0) == SAT
    assert add_business_days(MON, 0) == MON
    assert add_business_days(SAT, 1) == NEXT_MON


def test_add_business_days_backward() -> None:
    assert add_business_days(NEXT_MON, -1) == FRI
    assert add_business_days(NEXT_MON, -5) == MON
    assert add_business_days(SUN, -1) == FRI


def test_add_business_days_with_holidays() -> None:
    assert add_business_days(MON, 2, HOLIDAYS) == date(2024, 6, 6)
    assert add_business_days(MON, 4, HOLIDAYS) == NEXT_MON
    assert add_business_days(date(2024, 6, 6), -2, HOLIDAYS) == MON


def test_business_days_between_basic() -> None:
    assert business_days_between(MON, MON) == 0
    assert business_days_between(MON, date(2024, 6, 4)) == 1
    assert business_days_between(MON, FRI) == 4
    assert business_days_between(MON, SAT) == 5
    assert business_days_between(MON, NEXT_MON) == 5
    assert business_days_between(FRI, NEXT_MON) == 1


def test_business_days_between_weekend_edges() -> None:
    assert business_days_between(SAT, SUN) == 0
    assert business_days_between(SAT, NEXT_MON) == 0
    assert business_days_between(SAT, date(2024, 6, 11)) == 1
    assert business_days_between(date(2024, 6, 6), date(2024, 6, 18)) == 8


def test_business_days_between_multiple_weeks() -> None:
    assert business_days_between(MON, date(2024, 6, 17)) == 10
    assert business_days_between(date(2024, 6, 5), date(2024, 6, 24)) == 13
    assert business_days_between(date(2024, 1, 1), date(2025, 1, 1)) == 262


def test_business_days_between_holidays() -> None:
    assert business_days_between(MON, NEXT_MON, HOLIDAYS) == 4
    assert business_days_between(MON, date(2024, 6, 5), HOLIDAYS) == 2
    assert business_days_between(MON, date(2024, 6, 6), HOLIDAYS) == 2
    assert business_days_between(date(2024, 6, 10), date(2024, 6, 17), HOLIDAYS) == 5


def test_business_days_between_reversed() -> None:
    assert business_days_between(NEXT_MON, MON) == -5
    assert business_days_between(NEXT_MON, MON, HOLIDAYS) == -4


def test_between_agrees_with_add() -> None:
    for start_offset in range(7):
        start = MON + timedelta(days=start_offset)
        for count in range(1, 12):
            end = add_business_days(start, count, HOLIDAYS)
            assert business_days_between(start, end, HOLIDAYS) == count - 1 + is_business_day(start, HOLIDAYS)
