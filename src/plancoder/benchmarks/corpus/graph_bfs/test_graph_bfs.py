import pytest
from graph_bfs import bfs_order, distances, is_connected, nodes_within, shortest_path

GRAPH = {
    "a": ["b", "c"],
    "b": ["d"],
    "c": ["d", "e"],
    "d": ["f"],
    "e": ["f"],
    "f": [],
    "x": ["y"],
    "y": [],
}


def test_bfs_order_visits_level_by_level() -> None:
    assert bfs_order(GRAPH, "a") == ["a", "b", "c", "d", "e", "f"]


def test_bfs_order_from_leaf_is_just_the_leaf() -> None:
    assert bfs_order(GRAPH, "f") == ["f"]


def test_bfs_order_unknown_start_raises() -> None:
    with pytest.raises(KeyError):
        bfs_order(GRAPH, "zzz")


def test_bfs_order_handles_cycles_without_repeats() -> None:
    cycle = {"a": ["b"], "b": ["c"], "c": ["a", "b"]}
    assert bfs_order(cycle, "b") == ["b", "c", "a"]


def test_distances_are_edge_counts() -> None:
    assert distances(GRAPH, "a") == {"a": 0, "b": 1, "c": 1, "d": 2, "e": 2, "f": 3}


def test_distances_from_isolated_pair() -> None:
    assert distances(GRAPH, "x") == {"x": 0, "y": 1}


def test_distances_keep_first_found_shortest_value() -> None:
    graph = {"s": ["a", "t"], "a": ["t"], "t": []}
    assert distances(graph, "s") == {"s": 0, "a": 1, "t": 1}


def test_shortest_path_picks_first_discovered_route() -> None:
    assert shortest_path(GRAPH, "a", "f") == ["a", "b", "d", "f"]


def test_shortest_path_direct_edge() -> None:
    assert shortest_path(GRAPH, "a", "c") == ["a", "c"]


def test_shortest_path_to_self() -> None:
    assert shortest_path(GRAPH, "d", "d") == ["d"]


def test_shortest_path_unreachable_is_none() -> None:
    assert shortest_path(GRAPH, "a", "x") is None
    assert shortest_path(GRAPH, "f", "a") is None


def test_shortest_path_prefers_fewer_hops_over_order() -> None:
    graph = {"s": ["a", "b"], "a": ["c"], "c": ["t"], "b": ["t"], "t": []}
    assert shortest_path(graph, "s", "t") == ["s", "b", "t"]


def test_shortest_path_through_cycle() -> None:
    graph = {"a": ["b"], "b": ["a", "c"], "c": ["d"], "d": []}
    assert shortest_path(graph, "a", "d") == ["a", "b", "c", "d"]


def test_nodes_within_boundaries() -> None:
    assert nodes_within(GRAPH, "a", 0) == {"a"}
    assert nodes_within(GRAPH, "a", 1) == {"a", "b", "c"}
    assert nodes_within(GRAPH, "a", 2) == {"a", "b", "c", "d", "e"}
    assert nodes_within(GRAPH, "a", 3) == {"a", "b", "c", "d", "e", "f"}


def test_nodes_within_negative_hops_raises() -> None:
    with pytest.raises(ValueError):
        nodes_within(GRAPH, "a", -1)


def test_is_connected() -> None:
    assert is_connected({}) is True
    assert is_connected({"a": []}) is True
    assert is_connected({"a": ["b"], "b": ["a"]}) is True
    assert is_connected(GRAPH) is False
    assert is_connected({"a": ["b"], "b": ["a"], "c": []}) is False


def test_distances_in_cycle_do_not_revisit() -> None:
    cycle = {"a": ["b"], "b": ["c", "a"], "c": ["a"]}
    assert distances(cycle, "a") == {"a": 0, "b": 1, "c": 2}
