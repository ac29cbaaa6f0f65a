import pytest
from flatten_nested import count_leaves, flatten, flatten_depth, flatten_dict, max_depth, unflatten_dict


def test_flatten_basic() -> None:
    assert flatten([1, [2, 3], [4, [5, [6]]]]) == [1, 2, 3, 4, 5, 6]
    assert flatten([1, 2, 3]) == [1, 2, 3]


def test_flatten_empty_and_empty_sublists() -> None:
    assert flatten([]) == []
    assert flatten([[], [[]], [[], [1]]]) == [1]


def test_flatten_tuples_and_strings() -> None:
    assert flatten([(1, 2), [3, (4,)]]) == [1, 2, 3, 4]
    assert flatten(["ab", ["cd"]]) == ["ab", "cd"]
    assert flatten([{"k": 1}, [None]]) == [{"k": 1}, None]


def test_flatten_does_not_modify_input() -> None:
    data = [1, [2, [3]]]
    flatten(data)
    assert data == [1, [2, [3]]]


def test_flatten_depth() -> None:
    data = [1, [2, [3, [4]]]]
    assert flatten_depth(data, 0) == [1, [2, [3, [4]]]]
    assert flatten_depth(data, 1) == [1, 2, [3, [4]]]
    assert flatten_depth(data, 2) == [1, 2, 3, [4]]
    assert flatten_depth(data, 3) == [1, 2, 3, 4]
    assert flatten_depth(data, 10) == [1, 2, 3, 4]


def test_flatten_depth_copy_and_errors() -> None:
    data = [1, [2]]
    copy = flatten_depth(data, 0)
    assert copy == data
    assert copy is not data
    with pytest.raises(ValueError):
        flatten_depth(data, -1)


def test_max_depth() -> None:
    assert max_depth(5) == 0
    assert max_depth([]) == 1
    assert max_depth([1, 2]) == 1
    assert max_depth([1, [2]]) == 2
    assert max_depth([[1, [2, [3]]], [4]]) == 4
    assert max_depth([[], 1]) == 2
    assert max_depth("text") == 0


def test_count_leaves() -> None:
    assert count_leaves(7) == 1
    assert count_leaves([]) == 0
    assert count_leaves([1, [2, 3], [[4]], []]) == 4
    assert count_leaves([[[]]]) == 0


def test_flatten_dict() -> None:
    data = {"a": 1, "b": {"c": 2, "d": {"e": 3}}}
    assert flatten_dict(data) == {"a": 1, "b.c": 2, "b.d.e": 3}


def test_flatten_dict_custom_separator_and_edges() -> None:
    assert flatten_dict({"a": {"b": 1}}, sep="/") == {"a/b": 1}
    assert flatten_dict({}) == {}
    assert flatten_dict({"a": {}, "b": 2}) == {"b": 2}
    assert flatten_dict({1: {2: "x"}}) == {"1.2": "x"}
    assert flatten_dict({"a": [1, {"b": 2}]}) == {"a": [1, {"b": 2}]}


def test_flatten_dict_with_prefix() -> None:
    assert flatten_dict({"x": 1}, prefix="root") == {"root.x": 1}


def test_unflatten_dict() -> None:
    assert unflatten_dict({"a": 1, "b.c": 2, "b.d.e": 3}) == {"a": 1, "b": {"c": 2, "d": {"e": 3}}}
    assert unflatten_dict({}) == {}
    assert unflatten_dict({"a/b": 1}, sep="/") == {"a": {"b": 1}}


def test_roundtrip() -> None:
    data = {"a": 1, "b": {"c": 2, "d": {"e": 3, "f": 4}}, "g": {"h": None}}
    assert unflatten_dict(flatten_dict(data)) == data


def test_unflatten_conflicts() -> None:
    with pytest.raises(ValueError, match="conflicts with a value"):
        unflatten_dict({"a": 1, "a.b": 2})
    with pytest.raises(ValueError, match="conflicts with a nested section"):
        unflatten_dict({"a.b": 2, "a": 1})
    with pytest.raises(ValueError, match="conflicts with a nested section"):
        unflatten_dict({"a.b.c": 2, "a.b": 1})
    with pytest.raises(ValueError, match="conflicts with a value"):
        unflatten_dict({"a.b": 1, "a.b.c": 2})
