import pytest
from heap_lite import heapify, heappop, heappush, is_heap, k_smallest, sift_down, sift_up


def test_sift_up_moves_to_root() -> None:
    heap = [1, 3, 5, 7, 0]
    assert sift_up(heap, 4) == 2
    assert heap == [0, 1, 5, 7, 3]


def test_sift_up_stops_at_equal_parent() -> None:
    heap = [1, 2, 3, 2]
    assert sift_up(heap, 3) == 0
    assert heap == [1, 2, 3, 2]


def test_sift_down_picks_smaller_child() -> None:
    heap = [9, 4, 2, 5, 6, 3]
    assert sift_down(heap, 0, len(heap)) == 2
    assert heap == [2, 4, 3, 5, 6, 9]


def test_sift_down_respects_size_limit() -> None:
    heap = [9, 4, 2]
    assert sift_down(heap, 0, 2) == 1
    assert heap == [4, 9, 2]
    heap = [9, 4, 2]
    assert sift_down(heap, 0, 1) == 0
    assert heap == [9, 4, 2]


def test_sift_down_leaves_valid_parent_alone() -> None:
    heap = [2, 5, 3]
    assert sift_down(heap, 0, 3) == 0
    assert heap == [2, 5, 3]


def test_sift_down_left_child_only() -> None:
    heap = [5, 1]
    sift_down(heap, 0, 2)
    assert heap == [1, 5]


def test_sift_down_equal_child_is_not_swapped() -> None:
    heap = [3, 3, 4, 3]
    assert sift_down(heap, 0, 4) == 0
    assert heap == [3, 3, 4, 3]


def test_sift_up_middle_of_heap() -> None:
    heap = [1, 5, 6, 7, 2, 9]
    assert sift_up(heap, 4) == 1
    assert heap == [1, 2, 6, 7, 5, 9]


def test_sift_down_equal_children_prefers_left() -> None:
    heap = [7, 3, 3, 8, 9, 1]
    sift_down(heap, 0, 5)
    assert heap == [3, 7, 3, 8, 9, 1]


def test_push_keeps_heap_order() -> None:
    heap = []
    for value in [5, 3, 8, 1, 9, 2]:
        heappush(heap, value)
    assert heap == [1, 3, 2, 5, 9, 8]
    assert is_heap(heap) is True


def test_pop_returns_in_ascending_order() -> None:
    heap = heapify([5, 3, 8, 1, 9, 2, 1])
    assert [heappop(heap) for _ in range(7)] == [1, 1, 2, 3, 5, 8, 9]
    assert heap == []


def test_pop_single_and_empty() -> None:
    heap = [4]
    assert heappop(heap) == 4
    with pytest.raises(IndexError, match="empty heap"):
        heappop(heap)


def test_pop_restores_heap() -> None:
    heap = [1, 3, 2, 5, 9, 8]
    assert heappop(heap) == 1
    assert heap == [2, 3, 8, 5, 9]


def test_heapify_layout() -> None:
    assert heapify([9, 8, 7, 6, 5, 4, 3]) == [3, 5, 4, 6, 8, 9, 7]
    assert heapify([3, 1, 2, 0]) == [0, 1, 2, 3]


def test_heapify_does_not_mutate_input() -> None:
    items = [3, 2, 1]
    assert heapify(items) == [1, 2, 3]
    assert items == [3, 2, 1]
    assert heapify([]) == []


def test_is_heap() -> None:
    assert is_heap([]) is True
    assert is_heap([1]) is True
    assert is_heap([1, 1, 1]) is True
    assert is_heap([1, 8, 2, 9, 9, 3, 4]) is True
    assert is_heap([1, 2, 3, 4, 0]) is False
    assert is_heap([2, 1]) is False
    assert is_heap([1, 3, 2, 4, 5, 1]) is False


def test_k_smallest() -> None:
    assert k_smallest([7, 1, 5, 3, 9], 3) == [1, 3, 5]
    assert k_smallest([7, 1, 5], 0) == []
    assert k_smallest([7, 1, 5], 3) == [1, 5, 7]
    assert k_smallest([7, 1, 5], 10) == [1, 5, 7]


def test_k_smallest_rejects_negative() -> None:
    with pytest.raises(ValueError):
        k_smallest([1], -1)
