import pytest
from dict_diff import apply_diff, diff, flatten, invert, is_empty, summarize

OLD = {"a": 1, "b": 2, "c": 3}
NEW = {"a": 1, "b": 20, "d": 4}


def test_diff_added_removed_changed() -> None:
    assert diff(OLD, NEW) == {"added": {"d": 4}, "removed": {"c": 3}, "changed": {"b": (2, 20)}}


def test_diff_of_equal_dicts_is_empty() -> None:
    d = diff(OLD, dict(OLD))
    assert d == {"added": {}, "removed": {}, "changed": {}}
    assert is_empty(d) is True


def test_diff_from_and_to_empty() -> None:
    assert diff({}, {"x": 1}) == {"added": {"x": 1}, "removed": {}, "changed": {}}
    assert diff({"x": 1}, {}) == {"added": {}, "removed": {"x": 1}, "changed": {}}


def test_diff_none_value_is_a_value() -> None:
    assert diff({"k": None}, {"k": 0}) == {"added": {}, "removed": {}, "changed": {"k": (None, 0)}}


def test_is_empty_checks_every_part() -> None:
    assert is_empty({"added": {"a": 1}, "removed": {}, "changed": {}}) is False
    assert is_empty({"added": {}, "removed": {"a": 1}, "changed": {}}) is False
    assert is_empty({"added": {}, "removed": {}, "changed": {"a": (1, 2)}}) is False


def test_summarize() -> None:
    assert summarize(diff(OLD, NEW)) == "+1 -1 ~1"
    assert summarize(diff({}, {"x": 1, "y": 2})) == "+2 -0 ~0"
    assert summarize(diff(OLD, OLD)) == "no changes"


def test_apply_diff_round_trip() -> None:
    assert apply_diff(OLD, diff(OLD, NEW)) == NEW
    assert OLD == {"a": 1, "b": 2, "c": 3}


def test_apply_diff_rejects_mismatched_remove() -> None:
    d = {"added": {}, "removed": {"c": 99}, "changed": {}}
    with pytest.raises(ValueError, match="cannot remove 'c'"):
        apply_diff(OLD, d)


def test_apply_diff_rejects_mismatched_change() -> None:
    with pytest.raises(ValueError, match="cannot change 'b'"):
        apply_diff(OLD, {"added": {}, "removed": {}, "changed": {"b": (5, 6)}})
    with pytest.raises(ValueError, match="cannot change 'z'"):
        apply_diff(OLD, {"added": {}, "removed": {}, "changed": {"z": (None, 6)}})


def test_apply_diff_rejects_existing_add() -> None:
    with pytest.raises(ValueError, match="cannot add 'a'"):
        apply_diff(OLD, {"added": {"a": 1}, "removed": {}, "changed": {}})


def test_apply_diff_removing_missing_key_with_none_value() -> None:
    with pytest.raises(ValueError, match="cannot remove 'gone'"):
        apply_diff({}, {"added": {}, "removed": {"gone": None}, "changed": {}})


def test_invert_undoes_diff() -> None:
    d = diff(OLD, NEW)
    assert invert(d) == {"added": {"c": 3}, "removed": {"d": 4}, "changed": {"b": (20, 2)}}
    assert apply_diff(NEW, invert(d)) == OLD


def test_invert_copies_parts() -> None:
    d = diff({}, {"x": 1})
    inverted = invert(d)
    inverted["removed"]["y"] = 2
    assert d["added"] == {"x": 1}


def test_flatten_nested() -> None:
    nested = {"db": {"host": "h", "port": 5432, "opts": {"ssl": True}}, "debug": False}
    assert flatten(nested) == {"db.host": "h", "db.port": 5432, "db.opts.ssl": True, "debug": False}


def test_flatten_keeps_empty_dicts_and_stringifies_keys() -> None:
    assert flatten({"a": {}, 1: {"b": 2}}) == {"a": {}, "1.b": 2}
    assert flatten({}) == {}


def test_flatten_with_prefix() -> None:
    assert flatten({"x": 1}, "root") == {"root.x": 1}
