from two_pointers import count_pairs_below, dedupe_sorted, is_palindrome, max_water, merge_sorted, pair_with_sum


def test_pair_with_sum_found() -> None:
    assert pair_with_sum([1, 2, 4, 7, 11, 15], 15) == (2, 4)
    assert pair_with_sum([1, 2, 4, 7, 11, 15], 3) == (0, 1)
    assert pair_with_sum([1, 2, 4, 7, 11, 15], 26) == (4, 5)


def test_pair_with_sum_uses_two_distinct_indexes() -> None:
    assert pair_with_sum([5], 10) is None
    assert pair_with_sum([1, 5], 10) is None
    assert pair_with_sum([5, 5], 10) == (0, 1)


def test_pair_with_sum_missing_and_empty() -> None:
    assert pair_with_sum([1, 2, 4, 7], 100) is None
    assert pair_with_sum([1, 2, 4, 7], 2) is None
    assert pair_with_sum([], 0) is None


def test_pair_with_sum_negative_numbers() -> None:
    assert pair_with_sum([-8, -3, 0, 2, 9], -1) == (1, 3)
    assert pair_with_sum([-8, -3, 0, 2, 9], 1) == (0, 4)


def test_count_pairs_below() -> None:
    assert count_pairs_below([1, 2, 3, 4], 6) == 4
    assert count_pairs_below([1, 2, 3, 4], 8) == 6
    assert count_pairs_below([1, 2, 3, 4], 3) == 0


def test_count_pairs_below_is_strict() -> None:
    assert count_pairs_below([1, 2, 3, 4], 4) == 1
    assert count_pairs_below([2, 2, 2], 4) == 0
    assert count_pairs_below([2, 2, 2], 5) == 3


def test_count_pairs_below_small() -> None:
    assert count_pairs_below([], 10) == 0
    assert count_pairs_below([1], 10) == 0
    assert count_pairs_below([-5, 0, 5, 10], 1) == 2


def test_dedupe_sorted() -> None:
    assert dedupe_sorted([1, 1, 2, 3, 3, 3, 4]) == [1, 2, 3, 4]
    assert dedupe_sorted([7, 7]) == [7]
    assert dedupe_sorted([]) == []
    assert dedupe_sorted([1, 2]) == [1, 2]


def test_is_palindrome() -> None:
    assert is_palindrome("A man, a plan, a canal: Panama") is True
    assert is_palindrome("racecar") is True
    assert is_palindrome("race a car") is False


def test_is_palindrome_edges() -> None:
    assert is_palindrome("") is True
    assert is_palindrome("x") is True
    assert is_palindrome("!!") is True
    assert is_palindrome("ab") is False
    assert is_palindrome("aB?b a") is True


def test_is_palindrome_skips_punctuation_on_either_side() -> None:
    assert is_palindrome(".ab,a") is True
    assert is_palindrome("ab,a.") is True
    assert is_palindrome("a.b") is False


def test_max_water() -> None:
    assert max_water([1, 8, 6, 2, 5, 4, 8, 3, 7]) == 49
    assert max_water([1, 1]) == 1
    assert max_water([4, 3, 2, 1, 4]) == 16


def test_max_water_moves_shorter_side() -> None:
    assert max_water([1, 2, 4, 3]) == 4
    assert max_water([3, 9, 9, 1]) == 9
    assert max_water([1, 4, 3, 3, 6, 2]) == 12


def test_max_water_too_few_lines() -> None:
    assert max_water([]) == 0
    assert max_water([5]) == 0


def test_merge_sorted() -> None:
    assert merge_sorted([1, 3, 5], [2, 4, 6, 8]) == [1, 2, 3, 4, 5, 6, 8]
    assert merge_sorted([1, 2], [1, 2]) == [1, 1, 2, 2]
    assert merge_sorted([], [3]) == [3]
    assert merge_sorted([0, 9], []) == [0, 9]


def test_merge_sorted_interleaving() -> None:
    assert merge_sorted([4], [1, 3, 4]) == [1, 3, 4, 4]
    assert merge_sorted([1, 3], [0, 2]) == [0, 1, 2, 3]
