from datetime import date

import pytest
from date_ranges import add_months, date_range, days_in_month, month_end, overlap_days, split_by_month


def test_date_range_daily_excludes_end() -> None:
    assert date_range(date(2024, 1, 30), date(2024, 2, 2)) == [date(2024, 1, 30), date(2024, 1, 31), date(2024, 2, 1)]


def test_date_range_empty() -> None:
    assert date_range(date(2024, 1, 1), date(2024, 1, 1)) == []
    assert date_range(date(2024, 1, 2), date(2024, 1, 1)) == []


def test_date_range_step() -> None:
    assert date_range(date(2024, 1, 1), date(2024, 1, 8), 3) == [date(2024, 1, 1), date(2024, 1, 4), date(2024, 1, 7)]
    assert date_range(date(2024, 1, 1), date(2024, 1, 7), 3) == [date(2024, 1, 1), date(2024, 1, 4)]
    assert len(date_range(date(2024, 1, 1), date(2025, 1, 1), 7)) == 53


def test_date_range_invalid_step() -> None:
    with pytest.raises(ValueError):
        date_range(date(2024, 1, 1), date(2024, 1, 5), 0)


def test_overlap_days() -> None:
    assert overlap_days(date(2024, 1, 1), date(2024, 1, 10), date(2024, 1, 5), date(2024, 1, 20)) == 6
    assert overlap_days(date(2024, 1, 5), date(2024, 1, 20), date(2024, 1, 1), date(2024, 1, 10)) == 6
    assert overlap_days(date(2024, 1, 1), date(2024, 1, 31), date(2024, 1, 10), date(2024, 1, 12)) == 3


def test_overlap_days_touching_and_disjoint() -> None:
    assert overlap_days(date(2024, 1, 1), date(2024, 1, 5), date(2024, 1, 5), date(2024, 1, 9)) == 1
    assert overlap_days(date(2024, 1, 1), date(2024, 1, 5), date(2024, 1, 6), date(2024, 1, 9)) == 0
    assert overlap_days(date(2024, 1, 6), date(2024, 1, 9), date(2024, 1, 1), date(2024, 1, 4)) == 0
    assert overlap_days(date(2024, 3, 3), date(2024, 3, 3), date(2024, 3, 3), date(2024, 3, 3)) == 1


def test_days_in_month() -> None:
    assert days_in_month(2024, 1) == 31
    assert days_in_month(2024, 2) == 29
    assert days_in_month(2023, 2) == 28
    assert days_in_month(1900, 2) == 28
    assert days_in_month(2000, 2) == 29
    assert days_in_month(2024, 4) == 30
    assert days_in_month(2024, 11) == 30
    assert days_in_month(2024, 12) == 31


def test_days_in_month_invalid() -> None:
    with pytest.raises(ValueError, match="got 0"):
        days_in_month(2024, 0)
    with pytest.raises(ValueError, match="got 13"):
        days_in_month(2024, 13)


def test_add_months() -> None:
    assert add_months(date(2024, 1, 15), 1) == date(2024, 2, 15)
    assert add_months(date(2024, 1, 15), 0) == date(2024, 1, 15)
    assert add_months(date(2024, 11, 15), 2) == date(2025, 1, 15)
    assert add_months(date(2024, 12, 1), 1) == date(2025, 1, 1)
    assert add_months(date(2024, 1, 1), 11) == date(2024, 12, 1)
    assert add_months(date(2024, 1, 15), 24) == date(2026, 1, 15)


def test_add_months_negative() -> None:
    assert add_months(date(2024, 1, 15), -1) == date(2023, 12, 15)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert add_months(date(2024, 12, 5), -12) == date(2023, 12, 5)


def test_add_months_clamps() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 8, 31), 1) == date(2024, 9, 30)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 30), 2) == date(2024, 3, 30)


def test_month_end() -> None:
    assert month_end(date(2024, 2, 10)) == date(2024, 2, 29)
    assert month_end(date(2024, 12, 31)) == date(2024, 12, 31)
    assert month_end(date(2023, 4, 1)) == date(2023, 4, 30)


def test_split_by_month() -> None:
    assert split_by_month(date(2024, 1, 20), date(2024, 3, 5)) == [
        (date(2024, 1, 20), date(2024, 1, 31)),
        (date(2024, 2, 1), date(2024, 2, 29)),
        (date(2024, 3, 1), date(2024, 3, 5)),
    ]


def test_split_by_month_single_piece_and_single_day() -> None:
    assert split_by_month(date(2024, 5, 2), date(2024, 5, 9)) == [(date(2024, 5, 2), date(2024, 5, 9))]
    assert split_by_month(date(2024, 5, 31), date(2024, 5, 31)) == [(date(2024, 5, 31), date(2024, 5, 31))]
    assert split_by_month(date(2024, 5, 31), date(2024, 6, 1)) == [
        (date(2024, 5, 31), date(2024, 5, 31)),
        (date(2024, 6, 1), date(2024, 6, 1)),
    ]


def test_split_by_month_across_year_and_error() -> None:
    assert split_by_month(date(2023, 12, 30), date(2024, 1, 2)) == [
        (date(2023, 12, 30), date(2023, 12, 31)),
        (date(2024, 1, 1), date(2024, 1, 2)),
    ]
    with pytest.raises(ValueError):
        split_by_month(date(2024, 1, 2), date(2024, 1, 1))
