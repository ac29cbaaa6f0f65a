import pytest
from sliding_window import longest_unique_run, max_sum_window, shortest_run_reaching, window_maxima, window_sums


def test_window_sums() -> None:
    assert window_sums([1, 2, 3, 4, 5], 2) == [3, 5, 7, 9]
    assert window_sums([1, 2, 3, 4, 5], 3) == [6, 9, 12]


def test_window_sums_whole_list_and_size_one() -> None:
    assert window_sums([4, -1, 2], 3) == [5]
    assert window_sums([4, -1, 2], 1) == [4, -1, 2]


def test_window_size_must_fit() -> None:
    with pytest.raises(ValueError, match="window size 4 does not fit a list of 3"):
        window_sums([1, 2, 3], 4)
    with pytest.raises(ValueError):
        window_sums([1, 2, 3], 0)
    with pytest.raises(ValueError):
        window_maxima([], 1)


def test_max_sum_window() -> None:
    assert max_sum_window([1, 4, 2, 10, 23, 3, 1, 0, 20], 4) == (39, 1)
    assert max_sum_window([5, 1, 1, 1, 7], 2) == (8, 3)


def test_max_sum_window_first_and_last() -> None:
    assert max_sum_window([9, 9, 1, 1], 2) == (18, 0)
    assert max_sum_window([1, 1, 9, 9], 2) == (18, 2)


def test_max_sum_window_tie_prefers_earliest() -> None:
    assert max_sum_window([3, 1, 3, 1], 1) == (3, 0)
    assert max_sum_window([1, 3, 1, 3], 2) == (4, 0)


def test_max_sum_window_negative_numbers() -> None:
    assert max_sum_window([-5, -2, -9, -1], 1) == (-1, 3)
    assert max_sum_window([-3, -4], 2) == (-7, 0)


def test_window_maxima() -> None:
    assert window_maxima([1, 3, -1, -3, 5, 3, 6, 7], 3) == [3, 3, 5, 5, 6, 7]


def test_window_maxima_expires_old_maximum() -> None:
    assert window_maxima([9, 1, 2, 3], 2) == [9, 2, 3]
    assert window_maxima([5, 4, 3, 2, 1], 3) == [5, 4, 3]


def test_window_maxima_with_equal_values() -> None:
    assert window_maxima([2, 2, 1, 2], 2) == [2, 2, 2]
    assert window_maxima([4, 4, 4], 1) == [4, 4, 4]


def test_window_maxima_whole_list() -> None:
    assert window_maxima([1, 7, 3], 3) == [7]


def test_longest_unique_run() -> None:
    assert longest_unique_run("abcabcbb") == 3
    assert longest_unique_run("bbbbb") == 1
    assert longest_unique_run("pwwkew") == 3


def test_longest_unique_run_stale_repeat_before_window() -> None:
    assert longest_unique_run("abba") == 2
    assert longest_unique_run("tmmzuxt") == 5


def test_longest_unique_run_edges() -> None:
    assert longest_unique_run("") == 0
    assert longest_unique_run("a") == 1
    assert longest_unique_run("abcd") == 4


def test_shortest_run_reaching() -> None:
    assert shortest_run_reaching([2, 3, 1, 2, 4, 3], 7) == 2
    assert shortest_run_reaching([1, 4, 4], 4) == 1
    assert shortest_run_reaching([1, 2, 3], 6) == 3


def test_shortest_run_reaching_impossible() -> None:
    assert shortest_run_reaching([1, 1, 1], 4) == 0
    assert shortest_run_reaching([], 1) == 0


def test_shortest_run_reaching_exact_target_boundary() -> None:
    assert shortest_run_reaching([1, 2, 3, 4], 7) == 2
    assert shortest_run_reaching([5, 1, 1, 1, 1, 1, 5], 5) == 1
    assert shortest_run_reaching([1, 1, 1, 1, 3], 5) == 3


def test_shortest_run_reaching_with_zeros_and_late_match() -> None:
    assert shortest_run_reaching([1, 0, 0, 1], 2) == 4
    assert shortest_run_reaching([4, 1, 1, 1], 4) == 1


def test_shortest_run_reaching_needs_positive_target() -> None:
    with pytest.raises(ValueError, match="target must be positive"):
        shortest_run_reaching([1, 2], 0)
    assert shortest_run_reaching([1, 2], 1) == 1
