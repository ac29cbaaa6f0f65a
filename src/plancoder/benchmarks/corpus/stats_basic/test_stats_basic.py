import pytest
from stats_basic import data_range, mean, median, mode, percentile, variance

DATA = [2, 4, 4, 4, 5, 5, 7, 9]


def test_mean() -> None:
    assert mean(DATA) == 5.0
    assert mean([3]) == 3.0
    assert mean([1, 2]) == 1.5
    assert mean([-2, 2, 6]) == 2.0


def test_mean_empty_raises() -> None:
    with pytest.raises(ValueError, match="need at least 1 value"):
        mean([])


def test_median_odd() -> None:
    assert median([3, 1, 2]) == 2
    assert median([5]) == 5
    assert median([9, 1, 8, 2, 7]) == 7


def test_median_even() -> None:
    assert median([4, 1, 3, 2]) == 2.5
    assert median([1, 10]) == 5.5
    assert median(DATA) == 4.5


def test_median_does_not_modify_input_and_empty() -> None:
    values = [3, 1, 2]
    median(values)
    assert values == [3, 1, 2]
    with pytest.raises(ValueError):
        median([])


def test_mode() -> None:
    assert mode(DATA) == 4
    assert mode([1]) == 1
    assert mode([7, 7, 1]) == 7
    assert mode([1, 7, 7]) == 7
    assert mode([4, 2, 4, 3]) == 4
    assert mode([1, 2, 2]) == 2
    assert mode([2, 2, 1]) == 2
    assert mode([1, 2, 2, 3, 3, 3]) == 3


def test_mode_ties_prefer_smallest() -> None:
    assert mode([3, 1, 3, 1]) == 1
    assert mode([5, 2, 9]) == 2
    assert mode([9, 9, 2, 2, 5, 5, 5]) == 5


def test_mode_empty_raises() -> None:
    with pytest.raises(ValueError, match="need at least 1 value"):
        mode([])


def test_variance_population() -> None:
    assert variance(DATA) == 4.0
    assert variance([5]) == 0.0
    assert variance([1, 3]) == 1.0


def test_variance_sample() -> None:
    assert variance(DATA, sample=True) == 32 / 7
    assert variance([1, 3], sample=True) == 2.0
    assert variance([1, 2, 3, 4], sample=True) == pytest.approx(5 / 3)


def test_variance_too_few_values() -> None:
    with pytest.raises(ValueError, match="need at least 2 value"):
        variance([5], sample=True)
    with pytest.raises(ValueError, match="need at least 1 value"):
        variance([])


def test_data_range() -> None:
    assert data_range(DATA) == 7
    assert data_range([4]) == 0
    assert data_range([-3, 10, 2]) == 13
    with pytest.raises(ValueError, match="need at least 1 value"):
        data_range([])


def test_percentile_endpoints_and_median() -> None:
    values = [15, 20, 35, 40, 50]
    assert percentile(values, 0) == 15
    assert percentile(values, 100) == 50
    assert percentile(values, 50) == 35


def test_percentile_interpolates() -> None:
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([10, 20, 30, 40, 50], 25) == 20
    assert percentile([10, 20], 30) == 13.0
    assert percentile([40, 10, 30, 20], 75) == 32.5
    assert percentile([7], 40) == 7


def test_percentile_errors() -> None:
    with pytest.raises(ValueError):
        percentile([1, 2], -1)
    with pytest.raises(ValueError):
        percentile([1, 2], 101)
    with pytest.raises(ValueError):
        percentile([], 50)
