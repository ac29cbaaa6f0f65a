import pytest
from sorting_algos import bubble_sort, counting_sort, insertion_sort, merge, merge_sort, selection_sort

CASES = [
    [],
    [1],
    [2, 1],
    [1, 2],
    [5, 2, 9, 1, 5, 6],
    [3, -1, 0, -7, 8, 8, 2],
    [9, 8, 7, 6, 5, 4, 3, 2, 1],
]
PAIRS = [("b", 2), ("a", 1), ("c", 2), ("d", 1), ("e", 0)]
BY_NUMBER = [("e", 0), ("a", 1), ("d", 1), ("b", 2), ("c", 2)]


def second(pair: tuple[str, int]) -> int:
    return pair[1]


def test_insertion_sort_matches_sorted() -> None:
    for case in CASES:
        assert insertion_sort(case) == sorted(case)


def test_insertion_sort_is_stable() -> None:
    assert insertion_sort(PAIRS, key=second) == BY_NUMBER


def test_insertion_sort_does_not_mutate() -> None:
    items = [3, 1, 2]
    insertion_sort(items)
    assert items == [3, 1, 2]


def test_selection_sort_matches_sorted() -> None:
    for case in CASES:
        assert selection_sort(case) == sorted(case)


def test_selection_sort_picks_first_of_equal_minimums() -> None:
    first, second_one = [1], [1]
    result = selection_sort([[2], first, second_one])
    assert result[0] is first
    assert result[1] is second_one


def test_bubble_sort_counts_inversions() -> None:
    assert bubble_sort([3, 1, 2]) == ([1, 2, 3], 2)
    assert bubble_sort([4, 3, 2, 1]) == ([1, 2, 3, 4], 6)
    assert bubble_sort([1, 2, 3]) == ([1, 2, 3], 0)


def test_bubble_sort_equal_values_are_not_swapped() -> None:
    assert bubble_sort([2, 2, 1]) == ([1, 2, 2], 2)
    assert bubble_sort([1, 1]) == ([1, 1], 0)


def test_bubble_sort_small() -> None:
    assert bubble_sort([]) == ([], 0)
    assert bubble_sort([5]) == ([5], 0)
    assert bubble_sort([2, 1]) == ([1, 2], 1)


def test_bubble_sort_matches_sorted() -> None:
    for case in CASES:
        assert bubble_sort(case)[0] == sorted(case)


def test_merge_sort_matches_sorted() -> None:
    for case in CASES:
        assert merge_sort(case) == sorted(case)


def test_merge_sort_is_stable() -> None:
    assert merge_sort(PAIRS, key=second) == BY_NUMBER


def test_merge_takes_left_first_on_ties_and_keeps_tails() -> None:
    assert merge([1, 3, 5], [2, 3, 6, 7]) == [1, 2, 3, 3, 5, 6, 7]
    assert merge([("l", 1)], [("r", 1)], key=second) == [("l", 1), ("r", 1)]
    assert merge([], [1, 2]) == [1, 2]
    assert merge([1, 2], []) == [1, 2]


def test_counting_sort() -> None:
    assert counting_sort([3, 1, 2, 3, 0], 0, 3) == [0, 1, 2, 3, 3]
    assert counting_sort([-2, 5, -2, 0], -2, 5) == [-2, -2, 0, 5]
    assert counting_sort([], 0, 0) == []


def test_counting_sort_bounds_are_inclusive() -> None:
    assert counting_sort([10, 12, 11], 10, 12) == [10, 11, 12]


def test_counting_sort_rejects_out_of_range() -> None:
    with pytest.raises(ValueError, match=r"13 outside 10\.\.12"):
        counting_sort([10, 13], 10, 12)
    with pytest.raises(ValueError, match=r"9 outside 10\.\.12"):
        counting_sort([9], 10, 12)
