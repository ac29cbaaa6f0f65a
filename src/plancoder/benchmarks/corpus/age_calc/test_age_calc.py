from datetime import date

import pytest
from age_calc import age_detail, age_on, birthday_in, days_until_birthday, is_adult, is_leap_year, next_birthday

BIRTH = date(2000, 6, 15)
LEAPLING = date(2004, 2, 29)


def test_is_leap_year() -> None:
    assert is_leap_year(2024) is True
    assert is_leap_year(2023) is False
    assert is_leap_year(1900) is False
    assert is_leap_year(2000) is True
    assert is_leap_year(2100) is False
    assert is_leap_year(1996) is True
    assert is_leap_year(2022) is False


def test_birthday_in() -> None:
    assert birthday_in(BIRTH, 2030) == date(2030, 6, 15)
    assert birthday_in(LEAPLING, 2008) == date(2008, 2, 29)
    assert birthday_in(LEAPLING, 2005) == date(2005, 2, 28)
    assert birthday_in(date(2003, 2, 28), 2004) == date(2004, 2, 28)
    assert birthday_in(date(2004, 3, 29), 2005) == date(2005, 3, 29)


def test_age_on_around_birthday() -> None:
    assert age_on(BIRTH, date(2020, 6, 14)) == 19
    assert age_on(BIRTH, date(2020, 6, 15)) == 20
    assert age_on(BIRTH, date(2020, 6, 16)) == 20
    assert age_on(BIRTH, date(2020, 5, 20)) == 19
    assert age_on(BIRTH, date(2020, 7, 1)) == 20


def test_age_on_birth_day_and_year_end() -> None:
    assert age_on(BIRTH, BIRTH) == 0
    assert age_on(BIRTH, date(2000, 12, 31)) == 0
    assert age_on(BIRTH, date(2001, 6, 14)) == 0
    assert age_on(BIRTH, date(2001, 6, 15)) == 1


def test_age_on_leapling() -> None:
    assert age_on(LEAPLING, date(2005, 2, 27)) == 0
    assert age_on(LEAPLING, date(2005, 2, 28)) == 1
    assert age_on(LEAPLING, date(2008, 2, 28)) == 3
    assert age_on(LEAPLING, date(2008, 2, 29)) == 4


def test_age_on_before_birth_raises() -> None:
    with pytest.raises(ValueError):
        age_on(BIRTH, date(2000, 6, 14))


def test_next_birthday() -> None:
    assert next_birthday(BIRTH, date(2024, 1, 1)) == date(2024, 6, 15)
    assert next_birthday(BIRTH, date(2024, 6, 15)) == date(2024, 6, 15)
    assert next_birthday(BIRTH, date(2024, 6, 16)) == date(2025, 6, 15)
    assert next_birthday(BIRTH, date(2024, 12, 31)) == date(2025, 6, 15)


def test_next_birthday_leapling() -> None:
    assert next_birthday(LEAPLING, date(2023, 3, 1)) == date(2024, 2, 29)
    assert next_birthday(LEAPLING, date(2024, 3, 1)) == date(2025, 2, 28)


def test_days_until_birthday() -> None:
    assert days_until_birthday(BIRTH, date(2024, 6, 15)) == 0
    assert days_until_birthday(BIRTH, date(2024, 6, 14)) == 1
    assert days_until_birthday(BIRTH, date(2024, 6, 16)) == 364
    assert days_until_birthday(BIRTH, date(2025, 6, 16)) == 364
    assert days_until_birthday(BIRTH, date(2023, 6, 16)) == 365
    assert days_until_birthday(BIRTH, date(2024, 6, 1)) == 14


def test_age_detail_exact_and_partial() -> None:
    assert age_detail(BIRTH, date(2020, 6, 15)) == (20, 0, 0)
    assert age_detail(BIRTH, date(2020, 8, 20)) == (20, 2, 5)
    assert age_detail(BIRTH, BIRTH) == (0, 0, 0)
    assert age_detail(BIRTH, date(2001, 6, 14)) == (0, 11, 30)


def test_age_detail_counts_days_from_last_month_anniversary() -> None:
    assert age_detail(date(2000, 1, 31), date(2000, 3, 1)) == (0, 1, 1)
    assert age_detail(date(2001, 1, 31), date(2001, 3, 1)) == (0, 1, 1)
    assert age_detail(date(2000, 5, 20), date(2000, 7, 10)) == (0, 1, 20)
    assert age_detail(date(2000, 11, 25), date(2001, 1, 5)) == (0, 1, 11)


def test_age_detail_clamps_to_month_end() -> None:
    assert age_detail(date(2000, 1, 31), date(2000, 2, 29)) == (0, 1, 0)
    assert age_detail(date(2001, 1, 31), date(2001, 2, 28)) == (0, 1, 0)
    assert age_detail(date(2000, 3, 31), date(2000, 4, 30)) == (0, 1, 0)
    assert age_detail(date(2000, 10, 31), date(2000, 11, 30)) == (0, 1, 0)
    assert age_detail(date(2000, 11, 30), date(2000, 12, 31)) == (0, 1, 1)
    assert age_detail(date(2000, 12, 31), date(2001, 2, 28)) == (0, 2, 0)
    assert age_detail(LEAPLING, date(2005, 2, 28)) == (1, 0, 0)


def test_age_detail_year_boundary() -> None:
    assert age_detail(date(1999, 12, 31), date(2000, 1, 1)) == (0, 0, 1)
    assert age_detail(date(1990, 3, 10), date(2024, 3, 9)) == (33, 11, 28)
    assert age_detail(date(1990, 3, 10), date(2024, 2, 9)) == (33, 10, 30)


def test_age_detail_before_birth_raises() -> None:
    with pytest.raises(ValueError):
        age_detail(BIRTH, date(2000, 1, 1))


def test_is_adult() -> None:
    assert is_adult(BIRTH, date(2018, 6, 14)) is False
    assert is_adult(BIRTH, date(2018, 6, 15)) is True
    assert is_adult(BIRTH, date(2021, 6, 14), majority=21) is False
    assert is_adult(BIRTH, date(2021, 6, 15), majority=21) is True
