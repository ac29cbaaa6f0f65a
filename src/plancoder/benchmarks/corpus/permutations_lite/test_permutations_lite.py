from itertools import permutations as std_permutations

import pytest
from permutations_lite import combinations, count_permutations, next_permutation, permutations, power_set


def test_permutations_small() -> None:
    assert permutations([]) == [[]]
    assert permutations([1]) == [[1]]
    assert permutations([1, 2]) == [[1, 2], [2, 1]]


def test_permutations_three_in_order() -> None:
    assert permutations([1, 2, 3]) == [[1, 2, 3], [1, 3, 2], [2, 1, 3], [2, 3, 1], [3, 1, 2], [3, 2, 1]]


def test_permutations_matches_itertools() -> None:
    items = ["a", "b", "c", "d"]
    assert permutations(items) == [list(p) for p in std_permutations(items)]
    assert items == ["a", "b", "c", "d"]


def test_permutations_with_duplicates() -> None:
    assert permutations([1, 1]) == [[1, 1], [1, 1]]


def test_combinations() -> None:
    assert combinations([1, 2, 3], 2) == [[1, 2], [1, 3], [2, 3]]
    assert combinations([1, 2, 3, 4], 3) == [[1, 2, 3], [1, 2, 4], [1, 3, 4], [2, 3, 4]]
    assert combinations([1, 2, 3], 1) == [[1], [2], [3]]


def test_combinations_edges() -> None:
    assert combinations([1, 2, 3], 0) == [[]]
    assert combinations([], 0) == [[]]
    assert combinations([1, 2, 3], 3) == [[1, 2, 3]]
    assert combinations([1, 2, 3], 4) == []
    assert combinations([], 1) == []
    with pytest.raises(ValueError, match=r"got -1$"):
        combinations([1], -1)
    with pytest.raises(ValueError, match=r"got -1$"):
        combinations([], -1)


def test_power_set() -> None:
    assert power_set([]) == [[]]
    assert power_set([1]) == [[], [1]]
    assert power_set([1, 2]) == [[], [2], [1], [1, 2]]
    assert power_set(["a", "b", "c"]) == [[], ["c"], ["b"], ["b", "c"], ["a"], ["a", "c"], ["a", "b"], ["a", "b", "c"]]


def test_count_permutations() -> None:
    assert count_permutations(5, 2) == 20
    assert count_permutations(5, 5) == 120
    assert count_permutations(5, 0) == 1
    assert count_permutations(0, 0) == 1
    assert count_permutations(4, 1) == 4
    assert count_permutations(3, 4) == 0
    assert count_permutations(6, 3) == 120


def test_count_permutations_negative() -> None:
    with pytest.raises(ValueError, match=r"got n=-1, k=0$"):
        count_permutations(-1, 0)
    with pytest.raises(ValueError, match=r"got n=3, k=-1$"):
        count_permutations(3, -1)


def test_next_permutation_basic() -> None:
    assert next_permutation([1, 2, 3]) == [1, 3, 2]
    assert next_permutation([1, 3, 2]) == [2, 1, 3]
    assert next_permutation([2, 3, 1]) == [3, 1, 2]
    assert next_permutation([1, 5, 8, 4, 7, 6, 5, 3, 1]) == [1, 5, 8, 5, 1, 3, 4, 6, 7]


def test_next_permutation_last_and_trivial() -> None:
    assert next_permutation([3, 2, 1]) is None
    assert next_permutation([1]) is None
    assert next_permutation([]) is None
    assert next_permutation([2, 2]) is None


def test_next_permutation_duplicates_and_input_untouched() -> None:
    seq = [1, 1, 2]
    assert next_permutation(seq) == [1, 2, 1]
    assert seq == [1, 1, 2]
    assert next_permutation([1, 2, 1]) == [2, 1, 1]
    assert next_permutation([1, 2, 2]) == [2, 1, 2]


def test_next_permutation_walks_all_orderings() -> None:
    seq: list | None = [1, 2, 3, 4]
    seen = []
    while seq is not None:
        seen.append(seq)
        seq = next_permutation(seq)
    assert seen == permutations([1, 2, 3, 4])
