import pytest
from union_find import UnionFind, count_components


def test_new_structure_has_singletons() -> None:
    uf = UnionFind(3)
    assert uf.count == 3
    assert uf.groups() == [[0], [1], [2]]
    assert [uf.find(i) for i in range(3)] == [0, 1, 2]


def test_empty_structure() -> None:
    uf = UnionFind(0)
    assert uf.count == 0
    assert uf.groups() == []


def test_negative_size_rejected() -> None:
    with pytest.raises(ValueError):
        UnionFind(-1)


def test_find_out_of_range_raises() -> None:
    uf = UnionFind(4)
    assert uf.find(3) == 3
    with pytest.raises(IndexError, match="element 4 out of range"):
        uf.find(4)
    with pytest.raises(IndexError):
        uf.find(-1)


def test_union_returns_whether_merged() -> None:
    uf = UnionFind(4)
    assert uf.union(0, 1) is True
    assert uf.union(1, 0) is False
    assert uf.count == 3


def test_union_equal_sizes_keeps_first_root() -> None:
    uf = UnionFind(2)
    uf.union(0, 1)
    assert uf.find(1) == 0
    assert uf.parent == [0, 0]


def test_union_larger_set_becomes_root() -> None:
    uf = UnionFind(3)
    uf.union(1, 2)
    uf.union(0, 1)
    assert uf.find(0) == 1
    assert uf.size[1] == 3
    assert uf.count == 1


def test_connected() -> None:
    uf = UnionFind(5)
    uf.union(0, 1)
    uf.union(3, 4)
    assert uf.connected(0, 1) is True
    assert uf.connected(1, 3) is False
    uf.union(1, 4)
    assert uf.connected(0, 3) is True


def test_component_size() -> None:
    uf = UnionFind(6)
    uf.union(0, 1)
    uf.union(1, 2)
    uf.union(4, 5)
    assert [uf.component_size(i) for i in range(6)] == [3, 3, 3, 1, 2, 2]


def test_path_compression_points_at_root() -> None:
    uf = UnionFind(5)
    uf.parent = [0, 0, 1, 2, 3]
    assert uf.find(4) == 0
    assert uf.parent == [0, 0, 0, 0, 0]


def test_path_compression_stops_at_root_of_partial_path() -> None:
    uf = UnionFind(4)
    uf.parent = [0, 0, 1, 3]
    assert uf.find(2) == 0
    assert uf.parent == [0, 0, 0, 3]


def test_groups_sorted_by_smallest() -> None:
    uf = UnionFind(6)
    uf.union(5, 2)
    uf.union(3, 0)
    uf.union(4, 2)
    assert uf.groups() == [[0, 3], [1], [2, 4, 5]]


def test_count_components() -> None:
    assert count_components(5, [(0, 1), (1, 2), (3, 4)]) == 2
    assert count_components(4, []) == 4
    assert count_components(0, []) == 0
    assert count_components(3, [(0, 1), (1, 2), (2, 0)]) == 1


def test_union_of_unequal_sets_through_non_root_members() -> None:
    uf = UnionFind(6)
    uf.union(0, 1)
    uf.union(0, 2)
    assert uf.size[0] == 3
    uf.union(3, 4)
    assert uf.union(1, 4) is True
    assert uf.find(4) == 0
    assert uf.size[0] == 5
    assert uf.component_size(3) == 5
    assert uf.groups() == [[0, 1, 2, 3, 4], [5]]
