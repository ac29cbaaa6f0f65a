import pytest
from group_by import chunk, count_by, group_by, index_by, partition, sum_by

SALES = [
    {"id": 1, "region": "north", "amount": 120},
    {"id": 2, "region": "south", "amount": 80},
    {"id": 3, "region": "north", "amount": 45},
    {"id": 4, "region": "east", "amount": 0},
]


def test_group_by_keeps_order() -> None:
    words = ["apple", "bob", "avocado", "cat", "banana"]
    assert group_by(words, lambda w: w[0]) == {
        "a": ["apple", "avocado"],
        "b": ["bob", "banana"],
        "c": ["cat"],
    }


def test_group_by_key_order_is_first_seen() -> None:
    assert list(group_by([3, 1, 2, 4], lambda n: n % 2)) == [1, 0]


def test_group_by_empty() -> None:
    assert group_by([], len) == {}


def test_count_by() -> None:
    assert count_by(["aa", "b", "cc", "dd", ""], len) == {2: 3, 1: 1, 0: 1}
    assert count_by([], len) == {}


def test_partition() -> None:
    assert partition([5, 2, 8, 1, 4], lambda n: n > 3) == ([5, 8, 4], [2, 1])
    assert partition([], bool) == ([], [])
    assert partition([0, 0], bool) == ([], [0, 0])


def test_sum_by() -> None:
    assert sum_by(SALES, "region", "amount") == {"north": 165, "south": 80, "east": 0}


def test_sum_by_single_and_empty() -> None:
    assert sum_by(SALES[:1], "region", "amount") == {"north": 120}
    assert sum_by([], "region", "amount") == {}


def test_sum_by_missing_field_raises() -> None:
    with pytest.raises(KeyError):
        sum_by(SALES, "region", "price")


def test_chunk_even_and_uneven() -> None:
    assert chunk([1, 2, 3, 4], 2) == [[1, 2], [3, 4]]
    assert chunk([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]
    assert chunk([1, 2, 3], 3) == [[1, 2, 3]]
    assert chunk([1, 2, 3], 5) == [[1, 2, 3]]


def test_chunk_size_one_and_empty() -> None:
    assert chunk([1, 2, 3], 1) == [[1], [2], [3]]
    assert chunk([], 4) == []


def test_chunk_rejects_bad_size() -> None:
    with pytest.raises(ValueError, match="size must be at least 1"):
        chunk([1], 0)
    with pytest.raises(ValueError, match="size must be at least 1"):
        chunk([1], -2)


def test_index_by() -> None:
    index = index_by(SALES, "id")
    assert sorted(index) == [1, 2, 3, 4]
    assert index[3] is SALES[2]


def test_index_by_duplicate_reports_position() -> None:
    with pytest.raises(ValueError, match="duplicate region 'north' at position 2"):
        index_by(SALES, "region")


def test_index_by_empty() -> None:
    assert index_by([], "id") == {}
