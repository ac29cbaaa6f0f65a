import pytest
from topo_sort import CycleError, build_stages, has_cycle, in_degrees, levels, predecessors, topo_order

BUILD = {
    "compile": ["link"],
    "fetch": ["compile", "docs"],
    "link": ["package"],
    "docs": ["package"],
    "package": [],
}


def test_in_degrees_counts_incoming_edges() -> None:
    assert in_degrees(BUILD) == {"compile": 1, "fetch": 0, "link": 1, "docs": 1, "package": 2}


def test_in_degrees_includes_targets_missing_as_keys() -> None:
    assert in_degrees({"a": ["b", "c"], "c": ["b"]}) == {"a": 0, "c": 1, "b": 2}


def test_in_degrees_empty() -> None:
    assert in_degrees({}) == {}


def test_predecessors_sorted() -> None:
    assert predecessors({"z": ["t"], "a": ["t"], "t": []}) == {"z": [], "a": [], "t": ["a", "z"]}


def test_topo_order_respects_edges() -> None:
    assert topo_order(BUILD) == ["fetch", "compile", "docs", "link", "package"]


def test_topo_order_breaks_ties_alphabetically() -> None:
    assert topo_order({"c": [], "b": [], "a": []}) == ["a", "b", "c"]


def test_topo_order_newly_ready_nodes_are_sorted_with_others() -> None:
    graph = {"b": ["a"], "c": [], "d": []}
    assert topo_order(graph) == ["b", "a", "c", "d"]


def test_topo_order_with_duplicate_edges() -> None:
    assert topo_order({"a": ["b", "b"], "b": []}) == ["a", "b"]


def test_topo_order_empty_graph() -> None:
    assert topo_order({}) == []


def test_topo_order_cycle_raises() -> None:
    with pytest.raises(CycleError):
        topo_order({"a": ["b"], "b": ["c"], "c": ["a"]})


def test_has_cycle() -> None:
    assert has_cycle(BUILD) is False
    assert has_cycle({"a": ["a"]}) is True
    assert has_cycle({"x": ["y"], "y": [], "a": ["b"], "b": ["a"]}) is True


def test_levels_use_deepest_predecessor() -> None:
    graph = {"a": ["b", "d"], "b": ["c"], "c": ["d"], "d": []}
    assert levels(graph) == {"a": 0, "b": 1, "c": 2, "d": 3}


def test_levels_of_build() -> None:
    assert levels(BUILD) == {"fetch": 0, "compile": 1, "docs": 1, "link": 2, "package": 3}


def test_build_stages() -> None:
    assert build_stages(BUILD) == [["fetch"], ["compile", "docs"], ["link"], ["package"]]


def test_build_stages_independent_nodes_share_stage() -> None:
    assert build_stages({"b": [], "a": []}) == [["a", "b"]]


def test_build_stages_empty() -> None:
    assert build_stages({}) == []


def test_cycle_error_is_value_error() -> None:
    with pytest.raises(ValueError, match="cycle"):
        levels({"a": ["b"], "b": ["a"]})
