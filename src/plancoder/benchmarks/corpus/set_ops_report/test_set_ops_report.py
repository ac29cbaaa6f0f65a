import pytest
from set_ops_report import (
    in_at_least,
    is_chain,
    jaccard_percent,
    membership_counts,
    odd_one_out,
    overlap_report,
    pairwise_common,
)


def test_overlap_report() -> None:
    report = overlap_report(["b", "a", "c", "a"], ["c", "d", "b"])
    assert report == {"only_a": ["a"], "only_b": ["d"], "both": ["b", "c"]}


def test_overlap_report_disjoint_and_empty() -> None:
    assert overlap_report(["x"], []) == {"only_a": ["x"], "only_b": [], "both": []}
    assert overlap_report([], ["y"]) == {"only_a": [], "only_b": ["y"], "both": []}
    assert overlap_report([], []) == {"only_a": [], "only_b": [], "both": []}


def test_jaccard_percent() -> None:
    assert jaccard_percent(["a", "b"], ["b", "c"]) == 33
    assert jaccard_percent(["a", "b", "c"], ["b", "c", "d"]) == 50
    assert jaccard_percent(["a"], ["a", "a"]) == 100
    assert jaccard_percent(["a"], ["b"]) == 0


def test_jaccard_percent_empty() -> None:
    assert jaccard_percent([], []) == 100
    assert jaccard_percent(["a"], []) == 0
    assert jaccard_percent([], ["a"]) == 0


def test_jaccard_rounds_down() -> None:
    assert jaccard_percent(["a", "b"], ["a", "b", "c"]) == 66


def test_membership_counts_ignores_duplicates_within_group() -> None:
    assert membership_counts([["a", "a", "b"], ["b"], ["b", "c"]]) == {"a": 1, "b": 3, "c": 1}
    assert membership_counts([]) == {}


def test_in_at_least_boundaries() -> None:
    groups = [["a", "b", "c"], ["b", "c"], ["c", "d"]]
    assert in_at_least(groups, 1) == ["a", "b", "c", "d"]
    assert in_at_least(groups, 2) == ["b", "c"]
    assert in_at_least(groups, 3) == ["c"]
    assert in_at_least(groups, 4) == []


def test_in_at_least_rejects_zero() -> None:
    with pytest.raises(ValueError):
        in_at_least([["a"]], 0)


def test_odd_one_out() -> None:
    groups = [["a", "b"], ["b", "c"], ["c", "d", "b"]]
    assert odd_one_out(groups) == ["a", "b", "d"]
    assert odd_one_out([["x"], ["x"]]) == []


def test_is_chain() -> None:
    assert is_chain([["a"], ["a", "b"], ["c", "b", "a"]]) is True
    assert is_chain([["a"], ["a", "b"], ["a", "c"]]) is False
    assert is_chain([["a", "b"], ["a"]]) is False


def test_is_chain_equal_sets_and_short_lists() -> None:
    assert is_chain([["a", "b"], ["b", "a"]]) is True
    assert is_chain([["z"]]) is True
    assert is_chain([]) is True


def test_is_chain_checks_last_pair() -> None:
    assert is_chain([["a"], ["a"], ["a"], ["b"]]) is False


def test_pairwise_common() -> None:
    groups = [["a", "b"], ["b", "c"], ["a", "b", "c"]]
    assert pairwise_common(groups) == {(0, 1): 1, (0, 2): 2, (1, 2): 2}


def test_pairwise_common_small() -> None:
    assert pairwise_common([["a"]]) == {}
    assert pairwise_common([]) == {}
    assert pairwise_common([["a"], ["b"]]) == {(0, 1): 0}
