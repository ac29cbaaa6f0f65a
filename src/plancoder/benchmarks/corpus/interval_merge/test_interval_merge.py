import pytest
from interval_merge import find_gaps, intersect, merge_intervals, overlaps, total_covered, validate


def test_merge_overlapping() -> None:
    assert merge_intervals([(1, 3), (2, 6), (8, 10), (15, 18)]) == [(1, 6), (8, 10), (15, 18)]


def test_merge_touching_intervals() -> None:
    assert merge_intervals([(1, 4), (4, 5)]) == [(1, 5)]
    assert merge_intervals([(1, 4), (5, 6)]) == [(1, 4), (5, 6)]


def test_merge_unsorted_and_contained() -> None:
    assert merge_intervals([(5, 7), (1, 10), (2, 3)]) == [(1, 10)]


def test_merge_later_pair_after_separate_first() -> None:
    assert merge_intervals([(1, 2), (5, 7), (6, 9)]) == [(1, 2), (5, 9)]
    assert merge_intervals([(1, 2), (5, 9), (6, 7)]) == [(1, 2), (5, 9)]


def test_merge_empty_and_single() -> None:
    assert merge_intervals([]) == []
    assert merge_intervals([(3, 3)]) == [(3, 3)]


def test_merge_chain_of_three() -> None:
    assert merge_intervals([(0, 2), (1, 4), (3, 5), (9, 9)]) == [(0, 5), (9, 9)]


def test_validate_rejects_reversed() -> None:
    with pytest.raises(ValueError, match=r"bad interval \(5, 4\)"):
        validate([(1, 2), (5, 4)])
    with pytest.raises(ValueError):
        merge_intervals([(2, 1)])
    assert validate([(4, 4)]) is None


def test_overlaps() -> None:
    assert overlaps((1, 5), (4, 8)) is True
    assert overlaps((4, 8), (1, 5)) is True
    assert overlaps((1, 5), (2, 3)) is True


def test_overlaps_touching_or_apart_is_false() -> None:
    assert overlaps((1, 5), (5, 8)) is False
    assert overlaps((5, 8), (1, 5)) is False
    assert overlaps((1, 2), (7, 9)) is False


def test_total_covered() -> None:
    assert total_covered([(1, 3), (2, 6), (8, 10)]) == 7
    assert total_covered([]) == 0
    assert total_covered([(0, 1), (1, 2)]) == 2


def test_find_gaps_inside_range() -> None:
    assert find_gaps([(2, 4), (6, 7)], 0, 10) == [(0, 2), (4, 6), (7, 10)]


def test_find_gaps_none_or_all() -> None:
    assert find_gaps([(0, 10)], 0, 10) == []
    assert find_gaps([], 3, 8) == [(3, 8)]
    assert find_gaps([(-5, 20)], 0, 10) == []


def test_find_gaps_clips_to_range() -> None:
    assert find_gaps([(-3, 2), (8, 15)], 0, 10) == [(2, 8)]
    assert find_gaps([(12, 15)], 0, 10) == [(0, 10)]
    assert find_gaps([(0, 2), (20, 30)], 0, 10) == [(2, 10)]


def test_find_gaps_touching_boundaries() -> None:
    assert find_gaps([(0, 3), (3, 10)], 0, 10) == []
    assert find_gaps([(1, 9)], 0, 10) == [(0, 1), (9, 10)]


def test_find_gaps_ignores_intervals_before_range() -> None:
    assert find_gaps([(1, 2), (5, 6)], 4, 8) == [(4, 5), (6, 8)]


def test_intersect() -> None:
    xs = [(0, 2), (5, 10), (13, 23), (24, 25)]
    ys = [(1, 5), (8, 12), (15, 24), (25, 26)]
    assert intersect(xs, ys) == [(1, 2), (8, 10), (15, 23)]


def test_intersect_touching_is_empty() -> None:
    assert intersect([(0, 5)], [(5, 9)]) == []
    assert intersect([], [(1, 2)]) == []


def test_intersect_nested_and_equal_ends() -> None:
    assert intersect([(0, 10)], [(2, 3), (4, 10)]) == [(2, 3), (4, 10)]
    assert intersect([(2, 3), (4, 10)], [(0, 10)]) == [(2, 3), (4, 10)]


def test_find_gaps_stops_once_range_is_covered() -> None:
    assert find_gaps([(0, 10), (12, 15)], 0, 10) == []
    assert find_gaps([(5, 15), (16, 20)], 0, 10) == [(0, 5)]


def test_find_gaps_empty_range() -> None:
    assert find_gaps([], 5, 5) == []
    with pytest.raises(ValueError):
        find_gaps([], 6, 5)
