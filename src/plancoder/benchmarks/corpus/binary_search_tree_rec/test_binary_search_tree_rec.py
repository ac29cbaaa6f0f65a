import pytest
from binary_search_tree_rec import Node, build, contains, delete, height, inorder, insert, range_query

KEYS = [50, 30, 70, 20, 40, 60, 80, 35]


def test_insert_into_empty() -> None:
    root = insert(None, 5)
    assert root == Node(5)


def test_insert_places_smaller_left_larger_right() -> None:
    root = build([5, 3, 8])
    assert root is not None
    assert root.key == 5
    assert root.left == Node(3)
    assert root.right == Node(8)


def test_insert_ignores_duplicates() -> None:
    root = build([5, 3, 5, 3, 8])
    assert inorder(root) == [3, 5, 8]


def test_build_empty() -> None:
    assert build([]) is None


def test_inorder_sorted() -> None:
    assert inorder(build(KEYS)) == [20, 30, 35, 40, 50, 60, 70, 80]
    assert inorder(None) == []


def test_contains() -> None:
    root = build(KEYS)
    for key in KEYS:
        assert contains(root, key) is True
    for key in (0, 25, 36, 55, 90):
        assert contains(root, key) is False
    assert contains(None, 1) is False


def test_height() -> None:
    assert height(None) == 0
    assert height(build([1])) == 1
    assert height(build([2, 1, 3])) == 2
    assert height(build(KEYS)) == 4
    assert height(build([1, 2, 3, 4])) == 4
    assert height(build([4, 3, 2, 1, 5])) == 4


def test_range_query() -> None:
    root = build(KEYS)
    assert range_query(root, 30, 60) == [30, 35, 40, 50, 60]
    assert range_query(root, 31, 59) == [35, 40, 50]
    assert range_query(root, 0, 100) == [20, 30, 35, 40, 50, 60, 70, 80]


def test_range_query_edges() -> None:
    root = build(KEYS)
    assert range_query(root, 50, 50) == [50]
    assert range_query(root, 20, 20) == [20]
    assert range_query(root, 80, 80) == [80]
    assert range_query(root, 35, 35) == [35]
    assert range_query(root, 41, 49) == []
    assert range_query(root, 60, 30) == []
    assert range_query(None, 0, 10) == []


def test_delete_leaf() -> None:
    root = delete(build(KEYS), 20)
    assert inorder(root) == [30, 35, 40, 50, 60, 70, 80]


def test_delete_node_with_one_child() -> None:
    root = delete(build(KEYS), 40)
    assert inorder(root) == [20, 30, 35, 50, 60, 70, 80]
    assert root is not None and root.left is not None and root.left.right == Node(35)
    right_only = delete(build([5, 7, 8]), 7)
    assert right_only == Node(5, None, Node(8))


def test_delete_node_with_two_children() -> None:
    root = delete(build(KEYS), 30)
    assert inorder(root) == [20, 35, 40, 50, 60, 70, 80]
    assert root is not None and root.left is not None
    assert root.left.key == 35


def test_delete_root() -> None:
    root = delete(build(KEYS), 50)
    assert root is not None
    assert root.key == 60
    assert inorder(root) == [20, 30, 35, 40, 60, 70, 80]
    assert delete(build([1]), 1) is None


def test_delete_successor_deep_in_right_subtree() -> None:
    root = delete(build([10, 5, 20, 15, 25, 12, 13]), 10)
    assert root is not None
    assert root.key == 12
    assert inorder(root) == [5, 12, 13, 15, 20, 25]
    assert root.right is not None and root.right.left == Node(15, Node(13))


def test_delete_missing_key() -> None:
    assert inorder(delete(build(KEYS), 45)) == [20, 30, 35, 40, 50, 60, 70, 80]
    assert delete(None, 3) is None


@pytest.mark.parametrize("key", KEYS)
def test_delete_each_key(key: int) -> None:
    expected = sorted(k for k in KEYS if k != key)
    root = delete(build(KEYS), key)
    assert inorder(root) == expected
    assert contains(root, key) is False
