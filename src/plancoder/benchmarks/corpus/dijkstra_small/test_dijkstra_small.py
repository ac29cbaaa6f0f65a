import pytest
from dijkstra_small import eccentricity, reachable_within, search, shortest_distances, shortest_path, validate

ROADS = {
    "a": {"b": 7, "c": 9, "f": 14},
    "b": {"a": 7, "c": 10, "d": 15},
    "c": {"a": 9, "b": 10, "d": 11, "f": 2},
    "d": {"b": 15, "c": 11, "e": 6},
    "e": {"d": 6, "f": 9},
    "f": {"a": 14, "c": 2, "e": 9},
}


def test_shortest_distances_classic_example() -> None:
    assert shortest_distances(ROADS, "a") == {"a": 0, "b": 7, "c": 9, "d": 20, "e": 20, "f": 11}


def test_shortest_path_classic_example() -> None:
    assert shortest_path(ROADS, "a", "e") == (20, ["a", "c", "f", "e"])


def test_shortest_path_to_source() -> None:
    assert shortest_path(ROADS, "d", "d") == (0, ["d"])


def test_shortest_path_unreachable() -> None:
    graph = {"a": {"b": 1}, "b": {}, "c": {"a": 1}}
    assert shortest_path(graph, "a", "c") is None


def test_indirect_route_beats_direct_edge() -> None:
    graph = {"s": {"t": 10, "m": 3}, "m": {"t": 4}, "t": {}}
    assert shortest_path(graph, "s", "t") == (7, ["s", "m", "t"])


def test_ties_keep_first_settled_predecessor() -> None:
    graph = {"a": {"b": 1, "c": 1}, "b": {"d": 1}, "c": {"d": 1}, "d": {}}
    assert shortest_path(graph, "a", "d") == (2, ["a", "b", "d"])


def test_stale_heap_entries_are_skipped() -> None:
    graph = {"s": {"a": 5, "b": 1}, "b": {"a": 1}, "a": {"t": 1}, "t": {}}
    dist, prev = search(graph, "s")
    assert dist == {"s": 0, "a": 2, "b": 1, "t": 3}
    assert prev == {"a": "b", "b": "s", "t": "a"}


def test_zero_weight_edges() -> None:
    graph = {"a": {"b": 0}, "b": {"c": 0}, "c": {}}
    assert shortest_distances(graph, "a") == {"a": 0, "b": 0, "c": 0}


def test_missing_adjacency_entry_is_a_sink() -> None:
    assert shortest_distances({"a": {"b": 3}}, "a") == {"a": 0, "b": 3}


def test_negative_weight_rejected_with_edge_in_message() -> None:
    with pytest.raises(ValueError, match=r"negative weight -2 on edge b->c"):
        validate({"a": {"b": 1}, "b": {"c": -2}})


def test_validate_accepts_zero_weight() -> None:
    assert validate({"a": {"b": 0}}) is None


def test_search_validates_first() -> None:
    with pytest.raises(ValueError):
        shortest_distances({"a": {"b": -1}}, "a")


def test_reachable_within_boundaries() -> None:
    assert reachable_within(ROADS, "a", 0) == ["a"]
    assert reachable_within(ROADS, "a", 9) == ["a", "b", "c"]
    assert reachable_within(ROADS, "a", 11) == ["a", "b", "c", "f"]
    assert reachable_within(ROADS, "a", 19) == ["a", "b", "c", "f"]
    assert reachable_within(ROADS, "a", 20) == ["a", "b", "c", "d", "e", "f"]


def test_eccentricity() -> None:
    assert eccentricity(ROADS, "a") == 20
    assert eccentricity({"a": {}}, "a") == 0
    assert eccentricity({"a": {"b": 2}, "b": {"c": 3}, "c": {}}, "a") == 5
